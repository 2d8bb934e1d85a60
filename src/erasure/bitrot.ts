import { createHash } from 'node:crypto';
import { crc32Digest } from '../util/checksum.js';
import type { HashPool } from '../util/hash-pool.js';

/**
 * A bitrot check: the digest stored in front of every shard block, and how to compute it. The id
 * is recorded in each object's layout, so objects written with an older algorithm stay readable.
 */
export interface Bitrot {
  readonly id: BitrotId;
  /** Digest length in bytes (the bytes in front of each shard block). */
  readonly size: number;
  digest(block: Uint8Array): Buffer;
}

export type BitrotId = 'crc32' | 'sha256';

const CRC32: Bitrot = {
  id: 'crc32',
  size: 4,
  digest: crc32Digest,
};

const SHA256: Bitrot = {
  id: 'sha256',
  size: 32,
  digest: (block) => createHash('sha256').update(block).digest(),
};

/**
 * What new objects use. CRC-32 (zlib's, carry-less-multiply accelerated: about 4.8 GB/s per core
 * here against 1.7 GB/s for SHA-256) detects every burst of up to 32 bits and all but 2^-32 of
 * other random damage to a block, the same guarantee Ceph BlueStore (crc32c) and HDFS (CRC32C)
 * rely on for bitrot. Bitrot is random damage, not an adversary, so a cryptographic hash buys
 * nothing here, while its cost bounded the GET path and multi-core PUT throughput (measured:
 * docs/architecture.md, "Bitrot hash"). Objects written with `sha256` are still verified with it.
 */
export const NEW_OBJECT_BITROT: Bitrot = CRC32;

/** The algorithm an object's layout names; throws on an id this version does not know. */
export function bitrotFor(id: string): Bitrot {
  if (id === 'crc32') return CRC32;
  if (id === 'sha256') return SHA256;
  throw new Error(`unknown bitrot algorithm ${JSON.stringify(id)}`);
}

/** Below this size hashing right here is cheaper than a trip to another thread. */
const OFFLOAD_THRESHOLD = 64 * 1024;

/**
 * Digests of several shard blocks. With a pool, shards in shared memory are hashed in place on a
 * worker (no copy; leave them unchanged until this resolves); others are hashed right here.
 */
export function bitrotHashes(
  bitrot: Bitrot,
  shards: readonly Uint8Array[],
  pool?: HashPool,
): Promise<Buffer[]> {
  const first = shards[0];
  if (first === undefined) return Promise.resolve([]);
  if (pool && first.byteLength >= OFFLOAD_THRESHOLD && first.buffer instanceof SharedArrayBuffer)
    return pool.hashEach(bitrot.id, [...shards]);
  return Promise.resolve(shards.map((s) => bitrot.digest(s)));
}

/**
 * Checks a shard block read as (digest, shard) in `buf`; returns the shard (a view of `buf`) when
 * the digest matches, undefined when it does not. Checked right here, in place: measured on the
 * GET path (2 cores, client on the same host), a trip to a worker or to WebCrypto (a copy) cost
 * more CPU per byte than hashing on the event loop, even with SHA-256.
 */
export function verifyShardBlock(bitrot: Bitrot, buf: Buffer): Buffer | undefined {
  const shard = buf.subarray(bitrot.size);
  return bitrot.digest(shard).equals(buf.subarray(0, bitrot.size)) ? shard : undefined;
}
