// Reports the console's first-route size (index.html and every file it loads, gzip-compressed)
// after `npm run build`, and fails the build past the 400 KB budget of issue 13.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 400 * 1024;
const dir = join(import.meta.dirname, '..', 'dist', 'console');
const html = readFileSync(join(dir, 'index.html'));
const assets = [...html.toString('utf8').matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
let total = gzipSync(html, { level: 9 }).length;
for (const asset of assets) total += gzipSync(readFileSync(join(dir, asset)), { level: 9 }).length;
const kb = (total / 1024).toFixed(1);
console.log(`console first route: ${kb} KiB gzip (index.html + ${assets.length} assets; budget 400 KiB)`);
if (total > BUDGET) {
  console.error(`console first route is over its budget: ${kb} KiB > 400 KiB`);
  process.exit(1);
}
