/**
 * Child process for the crash test: writes objects of mixed sizes as fast as it can and appends
 * the key and size of every put that resolved to a log (durably), until it is killed.
 */
import { open } from 'node:fs/promises';
import { openObjectLayer } from './erasure-object-layer.js';
import { bodyOf, pattern } from './test-support.js';

const [log, ...drives] = process.argv.slice(2);
const ol = await openObjectLayer({ drives });
await ol.makeBucket('b').catch(() => {});
const fh = await open(log as string, 'a');
const sizes = [0, 100, 4096, 200 * 1024, 1024 * 1024 + 5, 3 * 1024 * 1024];
let i = 0;
process.send?.('ready');
await Promise.all(
  Array.from({ length: 8 }, async () => {
    for (;;) {
      const n = i++;
      const size = sizes[n % sizes.length] as number;
      const key = `k${n % 40}`; // overwrites too
      await ol.putObject('b', key, bodyOf(pattern(size, n)), { size, metadata: {} });
      await fh.write(`${key} ${size} ${n}\n`);
      await fh.datasync();
    }
  }),
);
