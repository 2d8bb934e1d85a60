import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createChecksumHasher } from './checksum.js';
import { type CombinableCrc, combineCrc, combineCrcs, isCombinableCrc } from './crc-combine.js';

const ALGORITHMS: CombinableCrc[] = ['CRC32', 'CRC32C', 'CRC64NVME'];

function crc(algorithm: CombinableCrc, data: Uint8Array): Buffer {
  const hasher = createChecksumHasher(algorithm);
  hasher.update(data);
  return hasher.digest();
}

describe('combineCrc', () => {
  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: combining two halves equals the CRC of the concatenation, at every split`, () => {
      const data = randomBytes(70);
      for (let split = 0; split <= data.length; split++) {
        const a = data.subarray(0, split);
        const b = data.subarray(split);
        assert.deepEqual(
          combineCrc(algorithm, crc(algorithm, a), crc(algorithm, b), b.length),
          crc(algorithm, data),
          `split at ${split}`,
        );
      }
    });

    it(`${algorithm}: zero-length parts on either side leave the CRC unchanged`, () => {
      const data = randomBytes(1000);
      const empty = crc(algorithm, new Uint8Array(0));
      assert.deepEqual(combineCrc(algorithm, crc(algorithm, data), empty, 0), crc(algorithm, data));
      assert.deepEqual(combineCrc(algorithm, empty, crc(algorithm, data), data.length), crc(algorithm, data));
      assert.deepEqual(combineCrc(algorithm, empty, empty, 0), empty);
    });

    it(`${algorithm}: folding many uneven parts (including empty ones) equals the whole-object CRC`, () => {
      const sizes = [0, 1, 7, 8, 9, 4096, 0, 65_537, 3, 1_048_576 + 13, 0];
      const parts = sizes.map((size) => randomBytes(size));
      const whole = crc(algorithm, Buffer.concat(parts));
      assert.deepEqual(
        combineCrcs(
          algorithm,
          parts.map((p) => ({ crc: crc(algorithm, p), size: p.length })),
        ),
        whole,
      );
    });
  }

  it('a part length beyond 4 GiB shifts correctly (lengths are not truncated to 32 bits)', () => {
    // crc(zeros(n)) is not cheap to hash at 5 GiB, so check the identity through associativity:
    // combining A with (B‖C) must equal combining (A‖B) with C, where |B‖C| crosses 2^32.
    for (const algorithm of ALGORITHMS) {
      const a = crc(algorithm, randomBytes(16));
      const b = crc(algorithm, randomBytes(16));
      const c = crc(algorithm, randomBytes(16));
      const bLen = 2 ** 32 + 5;
      const cLen = 2 ** 31 + 3;
      const left = combineCrc(algorithm, combineCrc(algorithm, a, b, bLen), c, cLen);
      const right = combineCrc(algorithm, a, combineCrc(algorithm, b, c, cLen), bLen + cLen);
      assert.deepEqual(left, right, algorithm);
    }
  });

  it('rejects digests of the wrong width and an empty part list', () => {
    assert.throws(() => combineCrc('CRC64NVME', Buffer.alloc(4), Buffer.alloc(8), 1), RangeError);
    assert.throws(() => combineCrc('CRC32', Buffer.alloc(4), Buffer.alloc(8), 1), RangeError);
    assert.throws(() => combineCrcs('CRC32', []), RangeError);
  });

  it('only the CRCs are combinable', () => {
    assert.deepEqual(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'].filter(isCombinableCrc), [
      'CRC32',
      'CRC32C',
      'CRC64NVME',
    ]);
  });
});
