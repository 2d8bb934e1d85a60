import type { ShardStream } from '../drive/drive.js';
import { bitrotFor, verifyShardBlock } from './bitrot.js';
import type { ErasureLayout } from './erasure-layout.js';
import { ErasureReadQuorum } from './errors.js';
import type { ReedSolomon } from './reed-solomon.js';
import { shardSizeFor } from './reed-solomon.js';
import { ShardLane } from './shard-frames.js';

export interface DecodeOptions {
  layout: ErasureLayout;
  codec: ReedSolomon;
  /** Bytes of this part (or object) the shard files encode. */
  size: number;
  /** First and last byte to return, inclusive, within the part. */
  start: number;
  end: number;
  /**
   * Streams bytes `offset..offset+length-1` of the shard with this index (0..data+parity-1), whose
   * frames (bitrot digest + shard block) are `chunkSize` bytes apart; rejects when it is unavailable.
   */
  openShard: (shardIndex: number, offset: number, length: number, chunkSize: number) => Promise<ShardStream>;
  /** Told once per shard found missing, short or corrupt (to queue healing). */
  onDamage?: (shardIndex: number, reason: string) => void;
}

/** Blocks read and verified ahead of the one being sent. */
const READAHEAD = 2;

/**
 * Yields the bytes `start..end` of an erasure-coded part, block by block. Reads only the data shards
 * that cover the range, verifies every shard block's bitrot hash, and on a missing, short or corrupt
 * shard reads further shards (parity included) and reconstructs. Each shard is read as one stream
 * over the blocks of the range (see ShardLane), one frame per block. The next READAHEAD blocks are
 * read and verified while the consumer takes this one. Memory: about READAHEAD + 1 blocks.
 */
export async function* decodeRange(opts: DecodeOptions): AsyncGenerator<Buffer> {
  const { layout, codec } = opts;
  const k = layout.data;
  const total = k + layout.parity;
  const bitrot = bitrotFor(layout.bitrot);
  const stride = bitrot.size + shardSizeFor(layout.blockSize, k);
  const lanes = new Map<number, ShardLane>();
  const bad = new Set<number>();
  let stopped = false;
  const firstBlock = Math.floor(opts.start / layout.blockSize);
  const lastBlock = Math.floor(opts.end / layout.blockSize);
  const lastLen = Math.min(layout.blockSize, opts.size - lastBlock * layout.blockSize);
  /** Where the range's frames end in every shard file. */
  const rangeEnd = lastBlock * stride + bitrot.size + shardSizeFor(lastLen, k);
  const lane = (i: number): ShardLane => {
    let l = lanes.get(i);
    if (!l) {
      l = new ShardLane((from) => opts.openShard(i, from * stride, rangeEnd - from * stride, stride));
      lanes.set(i, l);
    }
    return l;
  };

  const markBad = (i: number, reason: string) => {
    if (bad.has(i) || stopped) return;
    bad.add(i);
    opts.onDamage?.(i, reason);
  };

  const readShard = async (i: number, block: number, s: number): Promise<Buffer | undefined> => {
    if (bad.has(i)) return undefined;
    try {
      const buf = await lane(i).read(block, bitrot.size + s);
      if (buf.length < bitrot.size + s) {
        markBad(i, 'short shard file');
        return undefined;
      }
      const shard = verifyShardBlock(bitrot, buf);
      if (!shard) {
        markBad(i, 'bitrot hash mismatch');
        return undefined;
      }
      return shard;
    } catch (err) {
      markBad(i, err instanceof Error ? err.message : String(err));
      return undefined;
    }
  };

  /** The slices of block `b` that fall in the range, verified (and reconstructed if needed). */
  const decodeBlock = async (b: number): Promise<Buffer[]> => {
    const blockStart = b * layout.blockSize;
    const blockLen = Math.min(layout.blockSize, opts.size - blockStart);
    const s = shardSizeFor(blockLen, k);
    const from = Math.max(opts.start, blockStart) - blockStart;
    const to = Math.min(opts.end, blockStart + blockLen - 1) - blockStart;
    const firstShard = Math.floor(from / s);
    const lastShard = Math.floor(to / s);

    const got = new Map<number, Buffer>();
    const wanted: number[] = [];
    for (let i = firstShard; i <= lastShard; i++) wanted.push(i);
    const first = await Promise.all(wanted.map((i) => readShard(i, b, s)));
    first.forEach((buf, j) => {
      if (buf) got.set(wanted[j] as number, buf);
    });

    if (got.size < wanted.length) {
      // Gather k good shards of this block, data shards first, then parity.
      const candidates: number[] = [];
      for (let i = 0; i < total; i++) if (!got.has(i) && !wanted.includes(i)) candidates.push(i);
      while (got.size < k) {
        const live = candidates.filter((i) => !bad.has(i) && !got.has(i));
        if (live.length === 0) break;
        const batch = live.slice(0, k - got.size);
        const res = await Promise.all(batch.map((i) => readShard(i, b, s)));
        res.forEach((buf, j) => {
          if (buf) got.set(batch[j] as number, buf);
        });
        for (const i of batch) if (!got.has(i)) bad.add(i);
      }
      if (got.size < k)
        throw new ErasureReadQuorum(`block ${b}: only ${got.size} of ${total} shards readable, need ${k}`);
      const data = Buffer.alloc(s * k);
      const parity = Buffer.alloc(s * layout.parity);
      const present: boolean[] = new Array(total).fill(false);
      for (const [i, buf] of got) {
        buf.copy(i < k ? data : parity, (i < k ? i : i - k) * s);
        present[i] = true;
      }
      const targets = wanted.filter((i) => !got.has(i));
      await codec.reconstruct(data, parity, s, present, targets);
      for (const i of targets) got.set(i, data.subarray(i * s, (i + 1) * s));
    }

    const out: Buffer[] = [];
    for (const i of wanted) {
      const shard = got.get(i) as Buffer;
      const lo = Math.max(from - i * s, 0);
      const hi = Math.min(to - i * s + 1, s);
      if (hi > lo) out.push(shard.subarray(lo, hi));
    }
    return out;
  };

  const ahead: Promise<Buffer[]>[] = [];
  try {
    if (opts.end < opts.start) return;
    let next = firstBlock;
    const readAhead = () => {
      while (next <= lastBlock && ahead.length <= READAHEAD) {
        const p = decodeBlock(next++);
        p.catch(() => {}); // awaited in turn below; never unhandled meanwhile
        ahead.push(p);
      }
    };
    readAhead();
    while (ahead.length > 0) {
      const slices = await (ahead.shift() as Promise<Buffer[]>);
      readAhead();
      for (const slice of slices) yield slice;
    }
  } finally {
    // A consumer that stops early leaves reads in flight: close the streams once they settle, and
    // do not report the failures that closing causes as damage.
    stopped = true;
    const closeAll = () => {
      for (const l of lanes.values()) l.close().catch(() => {});
    };
    if (ahead.length === 0) closeAll();
    else void Promise.allSettled(ahead).then(closeAll);
  }
}
