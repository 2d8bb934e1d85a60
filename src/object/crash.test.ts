import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { drivePaths, filesUnder, get, pattern, tempRoot } from '../../test/helpers/object-layer-support.js';
import { type ErasureObjectLayer, openObjectLayer } from './erasure-object-layer.js';
import { ObjectLayerError } from './errors.js';

const tmp = await tempRoot();
after(() => tmp.cleanup());

test('after kill -9 mid-write, every acknowledged put reads back exactly and nothing is half-visible', async () => {
  const drives = drivePaths(tmp.root, 4);
  const log = join(tmp.root, 'acked.log');
  for (let round = 0; round < 3; round++) {
    const child = fork(
      fileURLToPath(new URL('../../test/helpers/crash-writer.js', import.meta.url)),
      [String(round), log, ...drives],
      { stdio: 'ignore' },
    );
    await new Promise((resolve) => child.once('message', resolve));
    await new Promise((r) => setTimeout(r, 400 + round * 250));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  // Per key, the versions a read may return: its last acknowledged put, or a put begun after it
  // (in flight at the kill). Before any acknowledgement, any begun put, or none.
  const allowed = new Map<string, { acked: boolean; versions: { size: number; n: number }[] }>();
  for (const line of (await readFile(log, 'utf8')).split('\n')) {
    const [what, key, size, n] = line.split(' ');
    if (!key || !n) continue;
    const entry = allowed.get(key) ?? { acked: false, versions: [] };
    const version = { size: Number(size), n: Number(n) };
    if (what === 'ack') allowed.set(key, { acked: true, versions: [version] });
    else allowed.set(key, { acked: entry.acked, versions: [...entry.versions, version] });
  }
  const ackedKeys = [...allowed.values()].filter((e) => e.acked).length;
  assert.ok(ackedKeys > 10, `the writer acknowledged puts of ${ackedKeys} keys`);
  const ol = (await openObjectLayer({ drives })) as ErasureObjectLayer;
  // Closed whatever happens: an open layer (its drives, its healer) keeps the test process alive.
  try {
    await ol.idle();
    for (let k = 0; k < 40; k++) {
      const key = `k${k}`;
      const expected = allowed.get(key);
      let info: Awaited<ReturnType<typeof ol.getObjectInfo>>;
      try {
        info = await ol.getObjectInfo('b', key);
      } catch (err) {
        assert.ok(err instanceof ObjectLayerError && err.kind === 'NoSuchKey', `${key}: ${err}`);
        assert.ok(!expected?.acked, `${key} was acknowledged but is missing`);
        continue;
      }
      const bytes = await get(ol, 'b', key);
      assert.equal(bytes.length, info.size);
      // Whatever version is visible is one complete put, and not one older than the last acknowledged.
      const match = (expected?.versions ?? []).some(
        (v) => v.size === info.size && pattern(v.size, v.n).equals(bytes),
      );
      assert.ok(match, `${key} holds a complete version no older than its last acknowledged put`);
    }
    // the startup sweep left no temp files behind (once the heals the reads above queued are done:
    // a heal in flight has its own temp files)
    await ol.idle();
    for (const d of drives) assert.deepEqual(await filesUnder(join(d, '.cairn.sys', 'tmp')), []);
  } finally {
    await ol.close();
  }
});
