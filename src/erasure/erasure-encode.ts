import type { ShardWriter } from '../drive/drive.js';
import { bitrotHash } from './bitrot.js';
import type { ErasureLayout } from './erasure-layout.js';
import { ErasureWriteQuorum } from './errors.js';
import { type ReedSolomon, shardSizeFor } from './reed-solomon.js';

export interface EncodeOptions {
  layout: ErasureLayout;
  codec: ReedSolomon;
  /** One writer per drive, in drive order; undefined for a drive that is offline. */
  writers: (ShardWriter | undefined)[];
  writeQuorum: number;
  /** Called with every chunk of the body, in order, before it is encoded (ETag and checksums). */
  onData: (chunk: Buffer) => void | Promise<void>;
  /** The body may not be longer than this many bytes. */
  maxBytes: number;
  onTooLong: () => Error;
}

export interface EncodeResult {
  size: number;
  /** failed[d] is true when drive d's writes failed (or it had no writer). */
  failed: boolean[];
}

/** Free block buffers by size, reused across requests instead of reallocating a MiB per block. */
class BufferPool {
  private readonly free = new Map<number, Buffer[]>();

  constructor(private readonly perSize: number) {}

  take(size: number): Buffer {
    return this.free.get(size)?.pop() ?? Buffer.allocUnsafe(size);
  }

  give(buf: Buffer): void {
    if (buf.length < 64 * 1024) return; // small ones are cheap to allocate
    let list = this.free.get(buf.length);
    if (!list) {
      list = [];
      this.free.set(buf.length, list);
    }
    if (list.length < this.perSize) list.push(buf);
  }
}

const blockPool = new BufferPool(32);

interface BlockBuffers {
  data: Buffer;
  parity: Buffer;
}

/**
 * Streams `body` into 1 MiB erasure blocks, each split into data shards plus parity, and appends
 * (bitrot hash, shard) to every drive's writer. Two block buffers alternate so reading block n+1
 * overlaps encoding and writing block n; memory stays at two blocks whatever the body size, and the
 * body is only pulled while a buffer is free (backpressure). Throws ErasureWriteQuorum when too many
 * drives fail.
 */
export async function encodeStream(
  body: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>,
  opts: EncodeOptions,
) {
  const { layout, codec, writers } = opts;
  const k = layout.data;
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
  const alloc = (): BlockBuffers => ({
    data: blockPool.take(cap * k),
    parity: blockPool.take(Math.max(cap * layout.parity, 8)),
  });
  const buffers: BlockBuffers[] = [alloc()];
  let current = 0;
  let fill = 0;
  let size = 0;
  let inFlight: Promise<void> | undefined;

  const flush = async (bufs: BlockBuffers, length: number): Promise<void> => {
    const s = shardSizeFor(length, k);
    bufs.data.fill(0, length, s * k);
    await codec.encode(bufs.data, bufs.parity, s);
    const shards: Buffer[] = [];
    for (let i = 0; i < k; i++) shards.push(bufs.data.subarray(i * s, (i + 1) * s));
    for (let i = 0; i < layout.parity; i++) shards.push(bufs.parity.subarray(i * s, (i + 1) * s));
    const hashes = await Promise.all(shards.map((shard) => bitrotHash(shard)));
    await Promise.all(
      writers.map(async (w, d) => {
        if (!w || failed[d]) return;
        const idx = layout.dist[d] as number;
        try {
          await w.write([hashes[idx] as Buffer, shards[idx] as Buffer]);
        } catch {
          failed[d] = true;
          await w.abort();
        }
      }),
    );
    checkQuorum();
  };

  const submit = async (length: number) => {
    const bufs = buffers[current] as BlockBuffers;
    if (inFlight) await inFlight;
    const p = flush(bufs, length);
    // Surface a failure on the next await, and never leave it unhandled in between.
    p.catch(() => {});
    inFlight = p;
    current ^= 1;
    if (buffers[current] === undefined) buffers[current] = alloc();
    fill = 0;
  };

  try {
    for await (const raw of body) {
      const chunk =
        typeof raw === 'string' ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      size += chunk.length;
      if (size > opts.maxBytes) throw opts.onTooLong();
      const pending = opts.onData(chunk);
      if (pending) await pending;
      let off = 0;
      while (off < chunk.length) {
        const bufs = buffers[current] as BlockBuffers;
        const n = Math.min(layout.blockSize - fill, chunk.length - off);
        chunk.copy(bufs.data, fill, off, off + n);
        fill += n;
        off += n;
        if (fill === layout.blockSize) await submit(fill);
      }
    }
    if (fill > 0) await submit(fill);
    if (inFlight) await inFlight;
  } catch (err) {
    // Let the block in flight settle before the caller aborts the writers under it.
    if (inFlight) await inFlight.catch(() => {});
    throw err;
  } finally {
    for (const b of buffers) {
      blockPool.give(b.data);
      blockPool.give(b.parity);
    }
  }
  return { size, failed } satisfies EncodeResult;
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
