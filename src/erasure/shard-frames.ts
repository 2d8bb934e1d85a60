import type { ShardStream } from '../drive/drive.js';

/**
 * Cuts a shard stream into frames of given sizes (a frame: one block's bitrot digest and shard).
 * A chunk holding exactly the frame (what a local drive yields when asked for the frame size as
 * its chunk size) is returned as it is; only frames that span chunks are copied.
 */
export class FrameReader {
  private readonly it: AsyncIterator<Buffer>;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;

  constructor(private readonly stream: ShardStream) {
    this.it = stream[Symbol.asyncIterator]();
  }

  /** The next `n` bytes; fewer only where the stream ended. */
  async take(n: number): Promise<Buffer> {
    while (this.buffered < n && !this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else if (r.value.length > 0) {
        this.chunks.push(r.value);
        this.buffered += r.value.length;
      }
    }
    const first = this.chunks[0];
    if (first === undefined) return Buffer.alloc(0);
    if (first.length >= n) {
      this.buffered -= n;
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.length === n ? first : first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(Math.min(n, this.buffered));
    let at = 0;
    while (at < out.length) {
      const c = this.chunks[0] as Buffer;
      const use = Math.min(c.length, out.length - at);
      c.copy(out, at, 0, use);
      at += use;
      if (use === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(use);
    }
    this.buffered -= out.length;
    return out;
  }

  close(): Promise<void> {
    this.chunks = [];
    return this.stream.close();
  }
}

/**
 * One shard's reads during a decode: block `b`'s frame lies at `b * stride`. Reads are served in
 * the order they are asked for, from one stream opened at the first block asked; a read that is
 * not the stream's next block (a parity shard first needed mid-range, or blocks asked out of
 * order while reconstructing) opens the stream anew at that block. Once opening or reading fails,
 * every later read fails the same way: the decoder gives up on the shard, and reads already
 * queued (readahead) must not try the drive again.
 */
export class ShardLane {
  private reader: FrameReader | undefined;
  /** The block the open stream yields next. */
  private nextBlock = -1;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private failed: { error: unknown } | undefined;

  constructor(private readonly open: (fromBlock: number) => Promise<ShardStream>) {}

  /** Block `block`'s frame of `size` bytes (shorter where the file ends). */
  read(block: number, size: number): Promise<Buffer> {
    const p = this.tail.then(() => this.readNow(block, size));
    this.tail = p.catch(() => {});
    return p;
  }

  private async readNow(block: number, size: number): Promise<Buffer> {
    if (this.failed) throw this.failed.error;
    if (this.closed) throw new Error('shard lane closed');
    try {
      if (!this.reader || block !== this.nextBlock) {
        const old = this.reader;
        this.reader = undefined;
        await old?.close();
        this.reader = new FrameReader(await this.open(block));
        this.nextBlock = block;
      }
      const frame = await this.reader.take(size);
      this.nextBlock = block + 1;
      return frame;
    } catch (error) {
      this.failed = { error };
      throw error;
    }
  }

  /** Closes the stream once the reads already asked for are done. */
  close(): Promise<void> {
    this.closed = true;
    return this.tail.then(() => this.reader?.close());
  }
}

/** A ShardStream over bytes in memory (an inline shard from the metadata index): one chunk, no copy. */
export function memoryShardStream(bytes: Buffer, offset: number, length: number): ShardStream {
  const slice = bytes.subarray(offset, offset + length);
  let done = slice.length === 0;
  const iterator: AsyncIterator<Buffer> = {
    async next() {
      if (done) return { done: true, value: undefined };
      done = true;
      return { done: false, value: slice };
    },
  };
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      done = true;
    },
  };
}
