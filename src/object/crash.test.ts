import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ErasureObjectLayer, openObjectLayer } from './erasure-object-layer.js';
import { ObjectLayerError } from './errors.js';
import { drivePaths, filesUnder, get, pattern, tempRoot } from './test-support.js';

const tmp = await tempRoot();
after(() => tmp.cleanup());

test('after kill -9 mid-write, every acknowledged put reads back exactly and nothing is half-visible', async () => {
  const drives = drivePaths(tmp.root, 4);
  const log = join(tmp.root, 'acked.log');
  for (let round = 0; round < 3; round++) {
    const child = fork(fileURLToPath(new URL('./crash-writer.js', import.meta.url)), [log, ...drives], {
      stdio: 'ignore',
    });
    await new Promise((resolve) => child.once('message', resolve));
    await new Promise((r) => setTimeout(r, 400 + round * 250));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  const acked = new Map<string, { size: number; n: number }>();
  for (const line of (await readFile(log, 'utf8')).split('\n')) {
    const [key, size, n] = line.split(' ');
    if (!key || !n) continue;
    const prev = acked.get(key);
    // the newest acknowledged write of a key is its floor: a later unacknowledged one may also be visible
    if (!prev || Number(n) > prev.n) acked.set(key, { size: Number(size), n: Number(n) });
  }
  assert.ok(acked.size > 10, `the writer acknowledged puts of ${acked.size} keys`);
  const ol = (await openObjectLayer({ drives })) as ErasureObjectLayer;
  // Closed whatever happens: an open layer (its drives, its healer) keeps the test process alive.
  try {
    await ol.idle();
    for (let k = 0; k < 40; k++) {
      const key = `k${k}`;
      let info: Awaited<ReturnType<typeof ol.getObjectInfo>>;
      try {
        info = await ol.getObjectInfo('b', key);
      } catch (err) {
        assert.ok(err instanceof ObjectLayerError && err.kind === 'NoSuchKey', `${key}: ${err}`);
        assert.ok(!acked.has(key), `${key} was acknowledged but is missing`);
        continue;
      }
      const bytes = await get(ol, 'b', key);
      assert.equal(bytes.length, info.size);
      // whatever version is visible is one complete write: find which one by its content
      const floor = acked.get(key);
      let match = false;
      for (let n = floor ? floor.n : k; n < (floor ? floor.n : k) + 100_000 && !match; n += 40) {
        if (pattern(info.size, n).equals(bytes)) match = true;
      }
      assert.ok(match, `${key} holds a complete version at or after the last acknowledged one`);
    }
    // the startup sweep left no temp files behind (once the heals the reads above queued are done:
    // a heal in flight has its own temp files)
    await ol.idle();
    for (const d of drives) assert.deepEqual(await filesUnder(join(d, '.cairn.sys', 'tmp')), []);
  } finally {
    await ol.close();
  }
});
