import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ReedSolomon, shardSizeFor } from './reed-solomon.js';

test('shard size is an equal share of the block rounded up to 8 bytes', () => {
  assert.equal(shardSizeFor(1024 * 1024, 2), 512 * 1024);
  assert.equal(shardSizeFor(1024 * 1024, 3), 349528);
  assert.equal(shardSizeFor(1, 4), 8);
});

test('any `parity` lost shards are rebuilt byte-exact from the rest', async () => {
  const k = 4;
  const m = 2;
  const s = 4096;
  const rs = new ReedSolomon(k, m);
  const data = randomBytes(k * s);
  const parity = Buffer.alloc(m * s);
  await rs.encode(data, parity, s);
  const original = Buffer.concat([data, parity]);
  for (const lost of [
    [0, 1],
    [2, 5],
    [4, 5],
    [3, 0],
  ]) {
    const d = Buffer.from(data);
    const p = Buffer.from(parity);
    for (const i of lost)
      (i < k ? d : p).fill(0xee, (i < k ? i : i - k) * s, (i < k ? i + 1 : i - k + 1) * s);
    const present = Array.from({ length: k + m }, (_, i) => !lost.includes(i));
    await rs.reconstruct(d, p, s, present, lost);
    assert.ok(Buffer.concat([d, p]).equals(original), `lost ${lost}`);
  }
});

test('reconstruct refuses with fewer than `data` shards present', async () => {
  const rs = new ReedSolomon(2, 2);
  const present = [true, false, false, false];
  await assert.rejects(rs.reconstruct(Buffer.alloc(16), Buffer.alloc(16), 8, present, [1]));
});
