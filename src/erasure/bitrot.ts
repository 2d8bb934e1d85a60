import { createHash, webcrypto } from 'node:crypto';
import type { HashPool } from '../util/hash-pool.js';

/** Bitrot algorithm id recorded in object metadata. */
export const BITROT_ALGORITHM = 'sha256';
export const BITROT_HASH_SIZE = 32;

/** Below this size hashing inline is cheaper than a trip to another thread. */
const OFFLOAD_THRESHOLD = 64 * 1024;

/**
 * Hash of one shard block, stored in front of it. Large blocks are hashed by WebCrypto, which runs
 * on libuv's threadpool, so bitrot hashing stays off the event loop (at the cost of a copy; the
 * hot paths use `bitrotHashes` with a pool instead).
 */
export async function bitrotHash(block: Uint8Array): Promise<Buffer> {
  if (block.byteLength < OFFLOAD_THRESHOLD) return createHash('sha256').update(block).digest();
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', block));
}

export function bitrotHashSync(block: Uint8Array): Buffer {
  return createHash('sha256').update(block).digest();
}

/**
 * Hashes of several shard blocks. With a pool, shards in shared memory are hashed in place on a
 * worker (no copy; leave them unchanged until this resolves); small ones are hashed right here.
 */
export function bitrotHashes(shards: readonly Uint8Array[], pool?: HashPool): Promise<Buffer[]> {
  const first = shards[0];
  if (first === undefined) return Promise.resolve([]);
  if (first.byteLength < OFFLOAD_THRESHOLD) return Promise.resolve(shards.map(bitrotHashSync));
  if (pool && first.buffer instanceof SharedArrayBuffer) return pool.hashEach('sha256', [...shards]);
  return Promise.all(shards.map(bitrotHash));
}

/**
 * Checks a shard block read as (hash, shard) in `buf`, which must own its whole ArrayBuffer when a
 * pool is given: it is lent to a worker (no copy) and the returned buffer replaces it. Resolves to
 * the shard (a view of the returned buffer) when the hash matches, undefined when it does not.
 */
export async function verifyShardBlock(buf: Buffer, pool?: HashPool): Promise<Buffer | undefined> {
  const shardLength = buf.length - BITROT_HASH_SIZE;
  if (pool && shardLength >= OFFLOAD_THRESHOLD && buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength) {
    // The hash covers the shard only: lend the whole buffer and compare against its head. The
    // worker hashes a view past the head.
    const { digests, bufs } = await pool.hashLent('sha256', [buf], BITROT_HASH_SIZE);
    const back = bufs[0] as Buffer;
    return (digests[0] as Buffer).equals(back.subarray(0, BITROT_HASH_SIZE))
      ? back.subarray(BITROT_HASH_SIZE)
      : undefined;
  }
  const shard = buf.subarray(BITROT_HASH_SIZE);
  const hash = await bitrotHash(shard);
  return hash.equals(buf.subarray(0, BITROT_HASH_SIZE)) ? shard : undefined;
}
