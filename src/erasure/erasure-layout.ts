import { bitrotFor } from './bitrot.js';
import { shardSizeFor } from './reed-solomon.js';

/** How one object's bytes are spread over the drives of its set; stored in its metadata record. */
export interface ErasureLayout {
  data: number;
  parity: number;
  blockSize: number;
  /** dist[d] = index of the shard drive d holds (0..data-1 data shards, then parity). */
  dist: number[];
  codec: string;
  /** Bitrot algorithm id (bitrot.ts): the digest in front of every shard block. */
  bitrot: string;
}

export const BLOCK_SIZE = 1024 * 1024;

/** MinIO's default parity for a set of `drives` drives. */
export function defaultParity(drives: number): number {
  if (drives <= 1) return 0;
  if (drives <= 3) return 1;
  if (drives <= 5) return 2;
  if (drives <= 7) return 3;
  return 4;
}

export function writeQuorum(data: number, parity: number): number {
  return data === parity ? data + 1 : data;
}

/**
 * A rotation of shard indices over the drives, starting at a position derived from the key, so the
 * data shards of different objects land on different drives.
 */
export function distribution(drives: number, seed: string): number[] {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  const start = (h >>> 0) % drives;
  const dist: number[] = new Array(drives);
  for (let d = 0; d < drives; d++) dist[d] = (d - start + drives) % drives;
  return dist;
}

/** Byte length of one shard file holding `size` bytes of a part. */
export function shardFileSize(
  size: number,
  layout: Pick<ErasureLayout, 'data' | 'blockSize' | 'bitrot'>,
): number {
  const digest = bitrotFor(layout.bitrot).size;
  const full = Math.floor(size / layout.blockSize);
  const rem = size % layout.blockSize;
  const fullStride = digest + shardSizeFor(layout.blockSize, layout.data);
  return full * fullStride + (rem > 0 ? digest + shardSizeFor(rem, layout.data) : 0);
}
