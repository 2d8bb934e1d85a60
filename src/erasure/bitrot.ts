import { createHash, webcrypto } from 'node:crypto';

/** Bitrot algorithm id recorded in object metadata. */
export const BITROT_ALGORITHM = 'sha256';
export const BITROT_HASH_SIZE = 32;

/** Below this size hashing inline is cheaper than a trip to the threadpool. */
const OFFLOAD_THRESHOLD = 64 * 1024;

/**
 * Hash of one shard block, stored in front of it. Large blocks are hashed by WebCrypto, which runs
 * on libuv's threadpool, so bitrot hashing stays off the event loop.
 */
export async function bitrotHash(block: Uint8Array): Promise<Buffer> {
  if (block.byteLength < OFFLOAD_THRESHOLD) return createHash('sha256').update(block).digest();
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', block));
}

export function bitrotHashSync(block: Uint8Array): Buffer {
  return createHash('sha256').update(block).digest();
}
