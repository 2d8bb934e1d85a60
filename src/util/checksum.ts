/**
 * Incremental hashers for the S3 additional-checksum algorithms and the helpers around their wire
 * format (base64 of the big-endian digest, carried in `x-amz-checksum-<algorithm>` headers and
 * trailers).
 */
import { createHash, type Hash } from 'node:crypto';
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import { buildCrc32Tables, buildCrc64Tables } from './checksum-tables.js';

/** The S3 additional-checksum algorithms (`x-amz-checksum-<algorithm>`). */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
/** How a multipart object's checksum covers it: one digest of all bytes, or a digest of part digests. */
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

export interface ChecksumHasher {
  readonly algorithm: ChecksumAlgorithm;
  update(data: Uint8Array): void;
  /** The big-endian digest of everything passed to update() so far; may be called more than once. */
  digest(): Buffer;
}

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256',
];

const DIGEST_LENGTHS: Record<ChecksumAlgorithm, number> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

/** A CRC-32 value as its 4 big-endian bytes (S3's wire form, and the bitrot digest). */
function crc32Bytes(crc: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(crc >>> 0);
  return out;
}

/** zlib's CRC-32 of `data`, as 4 big-endian bytes. */
export function crc32Digest(data: Uint8Array): Buffer {
  return crc32Bytes(crc32(data));
}

class Crc32Hasher implements ChecksumHasher {
  readonly algorithm = 'CRC32';
  private crc = 0;

  update(data: Uint8Array): void {
    this.crc = crc32(data, this.crc);
  }

  digest(): Buffer {
    return crc32Bytes(this.crc);
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';
const EMPTY_WORDS = new Int32Array(0);

const CRC32C = buildCrc32Tables(0x82f63b78);

class Crc32cHasher implements ChecksumHasher {
  readonly algorithm = 'CRC32C';
  private crc = 0xffffffff;

  update(d: Uint8Array): void {
    const t = CRC32C;
    const n = d.length;
    let crc = this.crc;
    let i = 0;
    // Whole little-endian words through an Int32Array view are ~1.6x faster than assembling them from bytes.
    if (LITTLE_ENDIAN) {
      for (; i < n && ((d.byteOffset + i) & 3) !== 0; i++) crc = (crc >>> 8) ^ t[(crc ^ d[i]!) & 0xff]!;
      const count = ((n - i) >>> 3) << 1;
      // A short input may end before reaching alignment, and Int32Array refuses an unaligned offset.
      const w = count > 0 ? new Int32Array(d.buffer, d.byteOffset + i, count) : EMPTY_WORDS;
      for (let k = 0; k < count; k += 2) {
        const a = crc ^ w[k]!;
        const b = w[k + 1]!;
        crc =
          t[1792 + (a & 0xff)]! ^
          t[1536 + ((a >>> 8) & 0xff)]! ^
          t[1280 + ((a >>> 16) & 0xff)]! ^
          t[1024 + (a >>> 24)]! ^
          t[768 + (b & 0xff)]! ^
          t[512 + ((b >>> 8) & 0xff)]! ^
          t[256 + ((b >>> 16) & 0xff)]! ^
          t[b >>> 24]!;
      }
      i += count * 4;
    } else {
      for (const end = n - 7; i < end; i += 8) {
        const a = crc ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24));
        crc =
          t[1792 + (a & 0xff)]! ^
          t[1536 + ((a >>> 8) & 0xff)]! ^
          t[1280 + ((a >>> 16) & 0xff)]! ^
          t[1024 + (a >>> 24)]! ^
          t[768 + d[i + 4]!]! ^
          t[512 + d[i + 5]!]! ^
          t[256 + d[i + 6]!]! ^
          t[d[i + 7]!]!;
      }
    }
    for (; i < n; i++) crc = (crc >>> 8) ^ t[(crc ^ d[i]!) & 0xff]!;
    this.crc = crc;
  }

  digest(): Buffer {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0);
    return out;
  }
}

const CRC64 = buildCrc64Tables(0x9a6c9329ac4bc9b5n);

/** CRC-64/NVME: reflected, init and xorout all ones; the state is kept as two uint32 halves. */
class Crc64NvmeHasher implements ChecksumHasher {
  readonly algorithm = 'CRC64NVME';
  private lo = 0xffffffff;
  private hi = 0xffffffff;

  update(d: Uint8Array): void {
    const L = CRC64.lo;
    const H = CRC64.hi;
    const n = d.length;
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    const aligned = LITTLE_ENDIAN ? Math.min(n, (4 - (d.byteOffset & 3)) & 3) : n;
    for (; i < aligned; i++) {
      const idx = (lo ^ d[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ L[idx]!;
      hi = (hi >>> 8) ^ H[idx]!;
    }
    if (LITTLE_ENDIAN) {
      const count = ((n - i) >>> 3) << 1;
      // A short input may end before reaching alignment, and Int32Array refuses an unaligned offset.
      const w = count > 0 ? new Int32Array(d.buffer, d.byteOffset + i, count) : EMPTY_WORDS;
      for (let k = 0; k < count; k += 2) {
        const a = lo ^ w[k]!;
        const b = hi ^ w[k + 1]!;
        const i7 = 1792 + (a & 0xff);
        const i6 = 1536 + ((a >>> 8) & 0xff);
        const i5 = 1280 + ((a >>> 16) & 0xff);
        const i4 = 1024 + (a >>> 24);
        const i3 = 768 + (b & 0xff);
        const i2 = 512 + ((b >>> 8) & 0xff);
        const i1 = 256 + ((b >>> 16) & 0xff);
        const i0 = b >>> 24;
        lo = L[i7]! ^ L[i6]! ^ L[i5]! ^ L[i4]! ^ L[i3]! ^ L[i2]! ^ L[i1]! ^ L[i0]!;
        hi = H[i7]! ^ H[i6]! ^ H[i5]! ^ H[i4]! ^ H[i3]! ^ H[i2]! ^ H[i1]! ^ H[i0]!;
      }
      i += count * 4;
    }
    for (; i < n; i++) {
      const idx = (lo ^ d[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ L[idx]!;
      hi = (hi >>> 8) ^ H[idx]!;
    }
    this.lo = lo;
    this.hi = hi;
  }

  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}

class CryptoHasher implements ChecksumHasher {
  private readonly hash: Hash;

  constructor(
    readonly algorithm: 'SHA1' | 'SHA256',
    nodeName: string,
  ) {
    this.hash = createHash(nodeName);
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  digest(): Buffer {
    // copy() keeps the running hash usable, so digest() behaves like the CRC hashers'.
    return this.hash.copy().digest();
  }
}

export function createChecksumHasher(algorithm: ChecksumAlgorithm): ChecksumHasher {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32Hasher();
    case 'CRC32C':
      return new Crc32cHasher();
    case 'CRC64NVME':
      return new Crc64NvmeHasher();
    case 'SHA1':
      return new CryptoHasher('SHA1', 'sha1');
    case 'SHA256':
      return new CryptoHasher('SHA256', 'sha256');
  }
}

/** One-shot checksum of a buffer, in S3 wire format (base64 of the big-endian digest). */
export function checksumBase64(algorithm: ChecksumAlgorithm, data: Uint8Array): string {
  const hasher = createChecksumHasher(algorithm);
  hasher.update(data);
  return hasher.digest().toString('base64');
}

/** Digest length in bytes, to validate a client-supplied base64 value before comparing it. */
export function checksumDigestLength(algorithm: ChecksumAlgorithm): number {
  return DIGEST_LENGTHS[algorithm];
}

/**
 * S3 composite (multipart) checksum: the checksum of the concatenated binary part digests,
 * base64-encoded, with `-<number of parts>` appended.
 */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partDigests: Buffer[]): string {
  const hasher = createChecksumHasher(algorithm);
  for (const digest of partDigests) hasher.update(digest);
  return `${hasher.digest().toString('base64')}-${partDigests.length}`;
}

/**
 * The checksum type of a multipart upload created with `algorithm` and no x-amz-checksum-type:
 * CRC64NVME can only be FULL_OBJECT; the others default to COMPOSITE.
 */
export function defaultMultipartChecksumType(algorithm: ChecksumAlgorithm): ChecksumType {
  return algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE';
}

/**
 * Whether S3 allows `type` for a multipart upload with `algorithm`: FULL_OBJECT needs a CRC (part
 * CRCs combine into the whole-object CRC; SHA digests do not), and CRC64NVME is FULL_OBJECT only.
 */
export function multipartChecksumTypeAllowed(algorithm: ChecksumAlgorithm, type: ChecksumType): boolean {
  if (type === 'FULL_OBJECT')
    return algorithm === 'CRC32' || algorithm === 'CRC32C' || algorithm === 'CRC64NVME';
  return algorithm !== 'CRC64NVME';
}

const HEADER_PREFIX = 'x-amz-checksum-';

/** `x-amz-checksum-crc64nvme` → `CRC64NVME`; undefined for other names (including `x-amz-checksum-type`). */
export function checksumAlgorithmFromHeaderName(name: string): ChecksumAlgorithm | undefined {
  const lower = name.toLowerCase();
  if (!lower.startsWith(HEADER_PREFIX)) return undefined;
  return parseChecksumAlgorithm(lower.slice(HEADER_PREFIX.length));
}

/** The header (and trailer) name that carries a checksum: `CRC32C` → `x-amz-checksum-crc32c`. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return HEADER_PREFIX + algorithm.toLowerCase();
}

/** Parses an algorithm name as sent in `x-amz-checksum-algorithm` / `x-amz-sdk-checksum-algorithm` (any case). */
export function parseChecksumAlgorithm(value: string): ChecksumAlgorithm | undefined {
  const upper = value.trim().toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper)
    ? (upper as ChecksumAlgorithm)
    : undefined;
}
