/**
 * Reads every shard block one drive holds of a stored object and verifies it as a GET does (the
 * same frame reader and bitrot check, `shard-frames.ts` and `bitrot.ts`): what the scrubber and a
 * deep heal use to find damage no GET would see, on parity shards too.
 */
import { DriveError } from '../drive/errors.js';
import { bitrotFor, verifyShardBlock } from './bitrot.js';
import type { ErasureSet, StoredShards } from './erasure-set.js';
import { shardSizeFor } from './reed-solomon.js';
import { FrameReader } from './shard-frames.js';

/**
 * - ok: every block is there, of its length, and matches its hash;
 * - missing: the shard file (or an inline shard) is not there;
 * - corrupt: a block is short (a torn or truncated file), fails its hash, or cannot be read;
 * - offline: the drive is not in the set now (nothing was checked).
 */
export type ShardVerdict = 'ok' | 'missing' | 'corrupt' | 'offline';

export interface ShardCheck {
  verdict: ShardVerdict;
  /** Bytes read from the drive (digests included). */
  bytes: number;
}

/** Checks every shard block of `rec` on drive `drive`, one stream per part. */
export async function checkShards(
  set: ErasureSet,
  bucketId: string,
  rec: StoredShards,
  drive: number,
): Promise<ShardCheck> {
  if (!set.drives[drive]) return { verdict: 'offline', bytes: 0 };
  if (rec.size === 0) return { verdict: 'ok', bytes: 0 };
  const k = rec.layout.data;
  const bitrot = bitrotFor(rec.layout.bitrot);
  const { blockSize } = rec.layout;
  const stride = bitrot.size + shardSizeFor(blockSize, k);
  const ref = { bucketId, dataId: rec.dataId };
  let bytes = 0;
  try {
    for (const part of rec.parts) {
      const blocks = Math.ceil(part.size / blockSize);
      const lastFrame = bitrot.size + shardSizeFor(part.size - (blocks - 1) * blockSize, k);
      // An empty part reads nothing, but its shard file must still be there.
      const length = blocks === 0 ? 0 : (blocks - 1) * stride + lastFrame;
      const frames = new FrameReader(await set.openShard(drive, rec, ref, part.file, 0, length, stride));
      try {
        for (let b = 0; b < blocks; b++) {
          const size = b === blocks - 1 ? lastFrame : stride;
          const frame = await frames.take(size);
          bytes += frame.length;
          if (frame.length < size || !verifyShardBlock(bitrot, frame)) return { verdict: 'corrupt', bytes };
        }
      } finally {
        await frames.close();
      }
    }
    return { verdict: 'ok', bytes };
  } catch (err) {
    if (err instanceof DriveError && err.kind === 'FileNotFound') return { verdict: 'missing', bytes };
    if (err instanceof DriveError && err.kind === 'DriveOffline') return { verdict: 'offline', bytes };
    return { verdict: 'corrupt', bytes };
  }
}

/** Whether drive `drive` holds every shard block of `rec`, whole and matching its hash. */
export async function verifyShards(
  set: ErasureSet,
  bucketId: string,
  rec: StoredShards,
  drive: number,
): Promise<boolean> {
  return (await checkShards(set, bucketId, rec, drive)).verdict === 'ok';
}
