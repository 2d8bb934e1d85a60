import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { checksumBase64 } from './checksum.js';
import { HashPool } from './hash-pool.js';

const pool = new HashPool(2);
after(() => pool.close());

test('a session hashes many chunks in order, like node:crypto on the whole', async () => {
  const data = randomBytes(9 * 1024 * 1024 + 17);
  const session = pool.session(['MD5', 'CRC32C', 'SHA256']);
  for (let off = 0; off < data.length; off += 65_536) await session.update(data.subarray(off, off + 65_536));
  const [md5, crc32c, sha256] = await session.digest();
  assert.equal(md5!.toString('hex'), createHash('md5').update(data).digest('hex'));
  assert.equal(crc32c!.toString('base64'), checksumBase64('CRC32C', data));
  assert.equal(sha256!.toString('hex'), createHash('sha256').update(data).digest('hex'));
});

test('concurrent sessions do not mix their data', async () => {
  const inputs = Array.from({ length: 8 }, (_, i) => randomBytes(300_000 + i));
  const digests = await Promise.all(
    inputs.map(async (input) => {
      const s = pool.session(['MD5']);
      await s.update(input.subarray(0, 1000));
      await s.update(input.subarray(1000));
      return (await s.digest())[0]!.toString('hex');
    }),
  );
  inputs.forEach((input, i) => {
    assert.equal(digests[i], createHash('md5').update(input).digest('hex'));
  });
});

test('hashEach digests each buffer separately and leaves the callers buffers intact', async () => {
  const chunks = [randomBytes(1000), randomBytes(0), randomBytes(70_000)];
  const before = chunks.map((c) => Buffer.from(c));
  const digests = await pool.hashEach('sha256', chunks);
  chunks.forEach((c, i) => {
    assert.deepEqual(c, before[i]);
    assert.equal(digests[i]!.toString('hex'), createHash('sha256').update(c).digest('hex'));
  });
});

test('an empty session digests the empty input', async () => {
  const s = pool.session(['MD5']);
  const [md5] = await s.digest();
  assert.equal(md5!.toString('hex'), 'd41d8cd98f00b204e9800998ecf8427e');
});

test('shared-memory data is hashed in place, and update resolves once the worker is done with it', async () => {
  const mem = new Uint8Array(new SharedArrayBuffer(3 * 1024 * 1024));
  const expected = createHash('md5');
  const s = pool.session(['MD5']);
  for (let round = 0; round < 3; round++) {
    mem.set(randomBytes(mem.length));
    expected.update(mem);
    // The same memory is rewritten after each update resolves: the digest proves it was read first.
    await s.update(mem);
  }
  const [md5] = await s.digest();
  assert.equal(md5!.toString('hex'), expected.digest('hex'));
  const shards = [mem.subarray(0, 100_000), mem.subarray(100_000, 300_000)];
  const digests = await pool.hashEach('sha256', shards);
  shards.forEach((c, i) => {
    assert.equal(digests[i]!.toString('hex'), createHash('sha256').update(c).digest('hex'));
  });
});
