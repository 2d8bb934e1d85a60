import { createHash } from 'node:crypto';
import { createChecksumHasher } from '../util/checksum.js';
import type { HashPool } from '../util/hash-pool.js';
import type { ChecksumAlgorithm } from './object-layer.js';

/** The running hashes of one request body: MD5 for the ETag, plus the requested checksum. */
export interface BodyHasher {
  update(chunk: Buffer): void | Promise<void>;
  digest(): Promise<{ md5: Buffer; checksum?: Buffer }>;
  /** Drops the hashing state (on abort); safe after digest(). */
  close(): void;
}

/** Bodies at least this large hash on the worker pool; smaller ones are cheaper inline. */
const POOL_THRESHOLD = 1024 * 1024;

/**
 * MD5 and checksum of a body. Large bodies hash on the worker pool, in order, off the event loop
 * (the pool copies each chunk once and bounds what is in flight); small ones on this thread.
 */
export function createBodyHasher(
  algorithm: ChecksumAlgorithm | undefined,
  expectedSize: number,
  pool: HashPool | undefined,
): BodyHasher {
  if (pool && expectedSize >= POOL_THRESHOLD) {
    const session = pool.session(algorithm ? ['MD5', algorithm] : ['MD5']);
    return {
      update: (chunk) => session.update(chunk),
      async digest() {
        const [md5, checksum] = await session.digest();
        return checksum ? { md5: md5 as Buffer, checksum } : { md5: md5 as Buffer };
      },
      close: () => session.close(),
    };
  }
  const md5 = createHash('md5');
  const sum = algorithm ? createChecksumHasher(algorithm) : undefined;
  return {
    update(chunk) {
      md5.update(chunk);
      sum?.update(chunk);
    },
    async digest() {
      return sum ? { md5: md5.digest(), checksum: sum.digest() } : { md5: md5.digest() };
    },
    close() {},
  };
}
