import { createHash } from 'node:crypto';
import type { ChecksumAlgorithm } from '../util/checksum.js';
import { createChecksumHasher } from '../util/checksum.js';
import type { HashPool } from '../util/hash-pool.js';
import type { HashName } from '../util/hash-pool-protocol.js';

/** Which digests of a body's bytes a write computes beside its shards: MD5 always (the ETag). */
export interface DigestSpec {
  /** The checksum the client asked for. */
  checksum?: ChecksumAlgorithm;
  /** A second checksum to keep beside it (hashed once when the two are the same). */
  extra?: ChecksumAlgorithm;
}

export interface ContentDigests {
  md5: Buffer;
  checksum?: Buffer;
  /** Present when the spec named an extra algorithm. */
  extra?: Buffer;
}

/** The running digests of one body. */
export interface ContentHasher {
  update(chunk: Buffer): void | Promise<void>;
  digest(): Promise<ContentDigests>;
  /** Drops the hashing state (on abort); safe after digest(). */
  close(): void;
}

/** Bodies at least this large hash on the worker pool; smaller ones are cheaper inline. */
const POOL_THRESHOLD = 1024 * 1024;

function result(md5: Buffer, checksum: Buffer | undefined, extra: Buffer | undefined): ContentDigests {
  const out: ContentDigests = { md5 };
  if (checksum) out.checksum = checksum;
  if (extra) out.extra = extra;
  return out;
}

/**
 * MD5 and checksums of a body. Large bodies hash on the worker pool, in order, off the event loop
 * (the pool copies each chunk once and bounds what is in flight); small ones on this thread.
 * `extra` names a second checksum to keep beside the requested one (hashed once when they are equal).
 */
export function createContentHasher(
  spec: DigestSpec,
  expectedSize: number,
  pool: HashPool | undefined,
): ContentHasher {
  const { checksum: algorithm, extra } = spec;
  const second = extra !== undefined && extra !== algorithm ? extra : undefined;
  const pick = (checksum: Buffer | undefined, other: Buffer | undefined) =>
    extra === undefined ? undefined : second === undefined ? checksum : other;
  if (pool && expectedSize >= POOL_THRESHOLD) {
    const names: HashName[] = ['MD5'];
    if (algorithm) names.push(algorithm);
    if (second) names.push(second);
    const session = pool.session(names);
    return {
      update: (chunk) => session.update(chunk),
      async digest() {
        const [md5, ...sums] = await session.digest();
        const checksum = algorithm ? sums[0] : undefined;
        const other = second ? sums[algorithm ? 1 : 0] : undefined;
        return result(md5 as Buffer, checksum, pick(checksum, other));
      },
      close: () => session.close(),
    };
  }
  const md5 = createHash('md5');
  const sum = algorithm ? createChecksumHasher(algorithm) : undefined;
  const sum2 = second ? createChecksumHasher(second) : undefined;
  return {
    update(chunk) {
      md5.update(chunk);
      sum?.update(chunk);
      sum2?.update(chunk);
    },
    async digest() {
      const checksum = sum?.digest();
      return result(md5.digest(), checksum, pick(checksum, sum2?.digest()));
    },
    close() {},
  };
}
