import type { ShardWriter } from '../drive/drive.js';
import type { HashPool } from '../util/hash-pool.js';
import { bitrotFor, bitrotHashes } from './bitrot.js';
import { blockPool } from './block-pool.js';
import type { ErasureLayout } from './erasure-layout.js';
import { ErasureWriteQuorum } from './errors.js';
import { type ReedSolomon, shardSizeFor } from './reed-solomon.js';

export interface EncodeOptions {
  layout: ErasureLayout;
  codec: ReedSolomon;
  /** One writer per drive, in drive order; undefined for a drive that is offline. */
  writers: (ShardWriter | undefined)[];
  writeQuorum: number;
  /**
   * Called with the body, in order, one block at a time, when the block is full (the body's
   * digests). The bytes stay unchanged until the returned promise settles (they may be shared
   * memory that a hash worker reads in place).
   */
  onData?: (chunk: Buffer) => void | Promise<void>;
  /** The body may not be longer than this many bytes. */
  maxBytes: number;
  onTooLong: () => Error;
  /** Hashes shard blocks off the event loop, in place (see bitrotHashes). */
  pool?: HashPool;
  /** Told of each drive's write failure (to tell a full disk from a failing one). */
  onWriteError?: (drive: number, err: unknown) => void;
}

export interface EncodeResult {
  size: number;
  /** failed[d] is true when drive d's writes failed (or it had no writer). */
  failed: boolean[];
}

/** Blocks one upload may have in flight: filling one while earlier ones hash, encode and write. */
const MAX_BLOCKS = 4;
/** Bodies of at least this many bytes use shared block memory (hashed in place by the workers). */
const SHARED_MIN = 64 * 1024;

interface InFlight {
  block: Block;
  done: Promise<void>;
  settled: boolean;
}

interface Block {
  /** data shards then parity shards, one allocation */
  mem: Uint8Array;
  data: Buffer;
  parity: Buffer;
  extra: boolean;
}

/**
 * Streams `body` into 1 MiB erasure blocks, each split into data shards plus parity, and appends
 * (bitrot hash, shard) to every drive's writer. Up to MAX_BLOCKS blocks are in flight, so reading
 * block n+1 overlaps hashing, encoding and writing the ones before it: the first block buffer is
 * the upload's own, further ones come from a process-wide budget (never waited for, so uploads
 * cannot deadlock on memory), and the body is only pulled while a buffer is free (backpressure).
 * Writes to each drive stay in block order. Throws ErasureWriteQuorum when too many drives fail.
 */
export async function encodeStream(
  body: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>,
  opts: EncodeOptions,
) {
  const { layout, codec, writers } = opts;
  const k = layout.data;
  const bitrot = bitrotFor(layout.bitrot);
  const failed = writers.map((w) => w === undefined);
  const checkQuorum = () => {
    const ok = failed.filter((f) => !f).length;
    if (ok < opts.writeQuorum)
      throw new ErasureWriteQuorum(
        `only ${ok} of ${writers.length} drives accepted the write (need ${opts.writeQuorum})`,
      );
  };
  checkQuorum();

  // A body smaller than a block needs buffers only as large as the body (small PUTs stay cheap).
  const cap = shardSizeFor(Math.max(1, Math.min(layout.blockSize, opts.maxBytes)), k);
  const dataBytes = cap * k;
  const parityBytes = Math.max(cap * layout.parity, 8);
  const shared = dataBytes >= SHARED_MIN;
  const wrap = (mem: Uint8Array, extra: boolean): Block => ({
    mem,
    data: Buffer.from(mem.buffer, mem.byteOffset, dataBytes),
    parity: Buffer.from(mem.buffer, mem.byteOffset + dataBytes, parityBytes),
    extra,
  });
  const newBlock = (): Block | undefined => {
    if (!shared) return wrap(Buffer.allocUnsafe(dataBytes + parityBytes), false);
    if (all.length === 0) return wrap(blockPool.take(dataBytes + parityBytes), false);
    const mem = blockPool.takeExtra(dataBytes + parityBytes);
    return mem ? wrap(mem, true) : undefined;
  };
  const all: Block[] = [];
  const idle: Block[] = [];
  /** Flushes in block order, with the block each one holds. */
  const queue: InFlight[] = [];
  let lastWrite: Promise<void> = Promise.resolve();

  const flush = (block: Block, length: number): Promise<void> => {
    const s = shardSizeFor(length, k);
    // The body's hashes see the block now, in order; the rest of the block's work runs beside it.
    const hashed = opts.onData?.(block.data.subarray(0, length));
    const prev = lastWrite;
    const stored = (async () => {
      block.data.fill(0, length, s * k);
      await codec.encode(block.data, block.parity, s);
      const shards: Buffer[] = [];
      for (let i = 0; i < k; i++) shards.push(block.data.subarray(i * s, (i + 1) * s));
      for (let i = 0; i < layout.parity; i++) shards.push(block.parity.subarray(i * s, (i + 1) * s));
      const hashes = await bitrotHashes(bitrot, shards, opts.pool);
      // Each drive's file is appended in block order: this block's writes follow the previous one's.
      await prev;
      await Promise.all(
        writers.map(async (w, d) => {
          if (!w || failed[d]) return;
          const idx = layout.dist[d] as number;
          try {
            await w.write([hashes[idx] as Buffer, shards[idx] as Buffer]);
          } catch (err) {
            opts.onWriteError?.(d, err);
            failed[d] = true;
            await w.abort();
          }
        }),
      );
      checkQuorum();
    })();
    lastWrite = stored.catch(() => {});
    // Settles only when both are done with the block's memory, whichever fails first.
    return Promise.allSettled([hashed, stored]).then((res) => {
      for (const r of res) if (r.status === 'rejected') throw r.reason;
    });
  };

  let current: Block | undefined;
  let fill = 0;
  let size = 0;

  const nextBlock = async (): Promise<Block> => {
    const free = idle.pop();
    if (free) return free;
    if (all.length < MAX_BLOCKS) {
      const b = newBlock();
      if (b) {
        all.push(b);
        return b;
      }
    }
    // Wait for the oldest block in flight and reuse its buffer.
    const oldest = queue.shift() as InFlight;
    await oldest.done;
    return oldest.block;
  };

  const submit = (length: number) => {
    const block = current as Block;
    const entry: InFlight = { block, done: flush(block, length), settled: false };
    // Surface a failure on the next await, and never leave it unhandled in between.
    entry.done.then(
      () => {
        entry.settled = true;
      },
      () => {
        entry.settled = true;
      },
    );
    queue.push(entry);
    current = undefined;
    fill = 0;
  };

  try {
    for await (const raw of body) {
      const chunk =
        typeof raw === 'string' ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      size += chunk.length;
      if (size > opts.maxBytes) throw opts.onTooLong();
      let off = 0;
      while (off < chunk.length) {
        current ??= await nextBlock();
        const n = Math.min(layout.blockSize - fill, chunk.length - off);
        copyInto(current.data, fill, chunk, off, n);
        fill += n;
        off += n;
        if (fill === layout.blockSize) submit(fill);
      }
      // Recycle blocks already done (and report their failures) without waiting for the others.
      while (queue[0]?.settled) {
        const q = queue.shift() as InFlight;
        await q.done;
        idle.push(q.block);
      }
    }
    if (fill > 0) submit(fill);
    for (const q of queue) await q.done;
  } finally {
    // Let every block in flight settle before its buffer is reused or the caller aborts the writers.
    await Promise.all(queue.map((q) => q.done.catch(() => {})));
    for (const b of all) if (shared) blockPool.give(b.mem, b.extra);
  }
  return { size, failed } satisfies EncodeResult;
}

/**
 * Copies `n` (> 0) bytes of `src` from `srcOffset` into `dst` at `dstOffset`. Buffer#fill with a
 * source exactly as long as the range is one plain memcpy in Node's C++, into any memory; Buffer#copy
 * into shared memory (the encoder's blocks) goes through V8's relaxed-atomic copy instead, every
 * word a separate access, which was 9 % of the server's CPU samples on a 256 MiB PUT on /dev/shm.
 */
function copyInto(dst: Buffer, dstOffset: number, src: Buffer, srcOffset: number, n: number): void {
  dst.fill(src.subarray(srcOffset, srcOffset + n), dstOffset, dstOffset + n);
}

/**
 * Flushes (fdatasync) and closes every writer whose drive did not fail during encoding; a writer
 * whose flush fails is aborted. finished[d] is true for the drives whose shard file is durable.
 */
export function finishWriters(
  writers: (ShardWriter | undefined)[],
  failed: boolean[],
  onWriteError?: (drive: number, err: unknown) => void,
): Promise<boolean[]> {
  return Promise.all(
    writers.map(async (w, i) => {
      if (!w || failed[i]) return false;
      try {
        await w.finish();
        return true;
      } catch (err) {
        onWriteError?.(i, err);
        await w.abort();
        return false;
      }
    }),
  );
}

/** A ShardWriter that keeps the shard in memory, for objects stored inline in the metadata record. */
export class MemoryShardWriter implements ShardWriter {
  private readonly chunks: Buffer[] = [];

  async write(chunks: readonly Uint8Array[]): Promise<void> {
    for (const c of chunks) this.chunks.push(Buffer.from(c));
  }

  async finish(): Promise<void> {}

  async abort(): Promise<void> {
    this.chunks.length = 0;
  }

  /** The whole shard stream: small by construction (inline objects only). */
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
