import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import {
  checksumAlgorithmFromHeaderName,
  checksumBase64,
  checksumDigestLength,
  checksumHeaderName,
  compositeChecksum,
  createChecksumHasher,
  parseChecksumAlgorithm,
} from './checksum.js';

// The AWS SDK's own pure-JS CRCs, as an independent implementation to cross-check against.
interface SdkChecksum {
  update(data: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}
const require = createRequire(import.meta.url);
const sdkCrc = require('@aws-sdk/checksums/crc') as {
  Crc32cJs: new () => SdkChecksum;
  Crc64NvmeJs: new () => SdkChecksum;
};

const CHECK = Buffer.from('123456789');

async function sdkDigest(impl: SdkChecksum, pieces: Uint8Array[]): Promise<Buffer> {
  for (const piece of pieces) impl.update(piece);
  return Buffer.from(await impl.digest());
}

function ours(algorithm: Parameters<typeof createChecksumHasher>[0], pieces: Uint8Array[]): Buffer {
  const hasher = createChecksumHasher(algorithm);
  for (const piece of pieces) hasher.update(piece);
  return hasher.digest();
}

/** Splits a buffer at random points so the 8-byte inner loop and the byte tail both get exercised across calls. */
function randomPieces(data: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const len = Math.min(data.length - at, 1 + Math.floor(Math.random() * 37));
    pieces.push(data.subarray(at, at + len));
    at += len;
  }
  return pieces;
}

describe('checksum hashers', () => {
  it('match the published check values for "123456789"', () => {
    assert.equal(ours('CRC32', [CHECK]).toString('hex'), 'cbf43926');
    assert.equal(ours('CRC32C', [CHECK]).toString('hex'), 'e3069283');
    assert.equal(ours('CRC64NVME', [CHECK]).toString('hex'), 'ae8b14860a799888');
    assert.equal(ours('SHA1', [CHECK]).toString('hex'), 'f7c3bc1d808e04732adf679965ccc34ca7ae3441');
    assert.equal(ours('SHA256', [CHECK]).toString('hex'), createHash('sha256').update(CHECK).digest('hex'));
  });

  it('give the digest of nothing for an empty input', () => {
    assert.equal(ours('CRC32', []).toString('hex'), '00000000');
    assert.equal(ours('CRC32C', []).toString('hex'), '00000000');
    assert.equal(ours('CRC64NVME', []).toString('hex'), '0000000000000000');
  });

  it('agree with the AWS SDK CRC32C and CRC64NVME on random data fed in random pieces', async () => {
    for (const size of [1, 7, 8, 9, 63, 64, 1000, 65537]) {
      const data = randomBytes(size);
      const pieces = randomPieces(data);
      assert.deepEqual(
        ours('CRC32C', pieces),
        await sdkDigest(new sdkCrc.Crc32cJs(), [data]),
        `CRC32C ${size}`,
      );
      assert.deepEqual(
        ours('CRC64NVME', pieces),
        await sdkDigest(new sdkCrc.Crc64NvmeJs(), [data]),
        `CRC64NVME ${size}`,
      );
    }
  });

  it('agree with the AWS SDK whatever the byte alignment of the input view', async () => {
    const backing = randomBytes(4096 + 8);
    for (let offset = 0; offset < 8; offset++) {
      const view = backing.subarray(offset, offset + 4096 - offset);
      assert.deepEqual(
        ours('CRC32C', [view]),
        await sdkDigest(new sdkCrc.Crc32cJs(), [view]),
        `CRC32C @${offset}`,
      );
      assert.deepEqual(
        ours('CRC64NVME', [view]),
        await sdkDigest(new sdkCrc.Crc64NvmeJs(), [view]),
        `CRC64NVME @${offset}`,
      );
    }
  });

  it('give the same CRC32 whether fed whole or in pieces', () => {
    const data = randomBytes(10_000);
    assert.deepEqual(ours('CRC32', randomPieces(data)), ours('CRC32', [data]));
    assert.deepEqual(ours('SHA256', randomPieces(data)), createHash('sha256').update(data).digest());
  });

  it('let digest() be called again after more data', () => {
    const hasher = createChecksumHasher('SHA1');
    hasher.update(Buffer.from('1234'));
    assert.equal(hasher.digest().toString('hex'), createHash('sha1').update('1234').digest('hex'));
    hasher.update(Buffer.from('56789'));
    assert.equal(hasher.digest().toString('hex'), 'f7c3bc1d808e04732adf679965ccc34ca7ae3441');
  });

  it('report digests of the documented length', () => {
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      assert.equal(ours(algorithm, [CHECK]).length, checksumDigestLength(algorithm));
    }
  });
});

describe('checksum wire format', () => {
  it('is base64 of the big-endian digest', () => {
    assert.equal(checksumBase64('CRC32C', CHECK), Buffer.from('e3069283', 'hex').toString('base64'));
    assert.equal(checksumBase64('CRC32', Buffer.from('hello world')), 'DUoRhQ==');
  });

  it('composite checksum hashes the concatenated part digests and appends the part count', () => {
    const parts = [randomBytes(100), randomBytes(200), randomBytes(3)];
    const digests = parts.map((p) => ours('SHA256', [p]));
    const expected = createHash('sha256').update(Buffer.concat(digests)).digest('base64');
    assert.equal(compositeChecksum('SHA256', digests), `${expected}-3`);
    const crcDigests = parts.map((p) => ours('CRC32', [p]));
    assert.equal(
      compositeChecksum('CRC32', crcDigests),
      `${checksumBase64('CRC32', Buffer.concat(crcDigests))}-3`,
    );
  });

  it('maps x-amz-checksum-* header names to algorithms and back', () => {
    assert.equal(checksumAlgorithmFromHeaderName('x-amz-checksum-crc32'), 'CRC32');
    assert.equal(checksumAlgorithmFromHeaderName('X-Amz-Checksum-CRC64NVME'), 'CRC64NVME');
    assert.equal(checksumAlgorithmFromHeaderName('x-amz-checksum-sha256'), 'SHA256');
    assert.equal(checksumAlgorithmFromHeaderName('x-amz-checksum-type'), undefined);
    assert.equal(checksumAlgorithmFromHeaderName('x-amz-checksum-algorithm'), undefined);
    assert.equal(checksumAlgorithmFromHeaderName('content-md5'), undefined);
    assert.equal(checksumHeaderName('CRC32C'), 'x-amz-checksum-crc32c');
    assert.equal(parseChecksumAlgorithm('crc64nvme'), 'CRC64NVME');
    assert.equal(parseChecksumAlgorithm('MD5'), undefined);
  });
});
