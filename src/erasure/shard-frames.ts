import type { ShardStream } from '../drive/drive.js';

function ignore(): void {}

/** Where a lane takes its frames from, in order. */
interface FrameSource {
  /** The next `n` bytes; fewer only where the shard ends. */
  take(n: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Frames cut straight out of a shard held in memory (an inline object's): no pulls, no copies. */
class MemoryFrames implements FrameSource {
  private at = 0;

  constructor(private readonly bytes: Buffer) {}

  take(n: number): Promise<Buffer> {
    const frame = this.bytes.subarray(this.at, this.at + n);
    this.at += frame.length;
    return Promise.resolve(frame);
  }

  async close(): Promise<void> {}
}

/**
 * Cuts a shard stream into frames of given sizes (a frame: one block's bitrot digest and shard).
 * Each `take` asks the stream for its next chunk at once, so frames asked for together are read
 * together (a local stream serves concurrent pulls with concurrent reads); frames come out in the
 * order they were asked for. A chunk holding exactly the frame (what a local drive yields when
 * asked for the frame size as its chunk size) is returned as it is; only frames that span chunks
 * are copied. Once a pull fails, every later take fails with the same error: the bytes after a
 * lost chunk would be misaligned.
 */
export class FrameReader implements FrameSource {
  private readonly it: AsyncIterator<Buffer>;
  /** Pulls issued and not yet used, in stream order. */
  private readonly pulls: Promise<IteratorResult<Buffer>>[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private failed: { error: unknown } | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly stream: ShardStream) {
    this.it = stream[Symbol.asyncIterator]();
  }

  private pull(): Promise<IteratorResult<Buffer>> {
    const p = this.ended ? Promise.resolve({ done: true as const, value: undefined }) : this.it.next();
    p.catch(ignore); // awaited in turn by `assemble`, or dropped on close
    return p;
  }

  /** The next `n` bytes; fewer only where the stream ended. */
  take(n: number): Promise<Buffer> {
    if (!this.ended) this.pulls.push(this.pull());
    const p = this.tail.then(() => this.assemble(n));
    this.tail = p.then(ignore, ignore);
    return p;
  }

  private async assemble(n: number): Promise<Buffer> {
    if (this.failed) throw this.failed.error;
    try {
      while (this.buffered < n && !this.ended) {
        const r = await (this.pulls.shift() ?? this.pull());
        if (r.done) this.ended = true;
        else if (r.value.length > 0) {
          this.chunks.push(r.value);
          this.buffered += r.value.length;
        }
      }
    } catch (error) {
      this.failed = { error };
      throw error;
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

  /** Closes the stream once the takes asked for are done. */
  close(): Promise<void> {
    return this.tail.then(() => {
      this.chunks = [];
      return this.stream.close();
    });
  }
}

/**
 * One shard's reads during a decode: block `b`'s frame lies at `b * stride`. Frames asked for in
 * block order come from one stream, opened at the first block asked, and are read concurrently
 * (readahead); a read that is not the stream's next block (a parity shard first needed mid-range,
 * or blocks asked out of order while reconstructing) opens a stream anew at that block, and the
 * old one is closed once its reads are done. Once opening or reading fails, every later read fails
 * the same way: the decoder gives up on the shard, and reads already queued must not try the drive
 * again.
 */
export class ShardLane {
  private reader: Promise<FrameSource> | undefined;
  /** The block the current stream yields next (after the reads already asked of it). */
  private nextBlock = -1;
  /** The last read asked of the current stream (settled). */
  private last: Promise<unknown> = Promise.resolve();
  private failed: { error: unknown } | undefined;
  private closed = false;
  private readonly fail = (error: unknown) => {
    this.failed ??= { error };
  };

  constructor(private readonly open: (fromBlock: number) => Promise<ShardStream>) {}

  /** Block `block`'s frame of `size` bytes (shorter where the file ends). */
  read(block: number, size: number): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed.error);
    if (this.closed) return Promise.reject(new Error('shard lane closed'));
    if (!this.reader || block !== this.nextBlock) {
      const old = this.reader;
      const oldDone = this.last;
      if (old) void old.then((r) => oldDone.then(() => r.close())).catch(ignore);
      this.reader = this.open(block).then((s) =>
        s instanceof MemoryShardStream ? new MemoryFrames(s.bytes) : new FrameReader(s),
      );
      this.reader.catch(ignore); // its reads reject with it
    }
    this.nextBlock = block + 1;
    const p = this.reader.then((r) => r.take(size));
    this.last = p.then(ignore, this.fail);
    return p;
  }

  /** Closes the stream once the reads already asked for are done. */
  close(): Promise<void> {
    this.closed = true;
    const reader = this.reader;
    return this.last.then(async () => {
      await (await reader?.catch(() => undefined))?.close();
    });
  }
}

/** A ShardStream over bytes in memory (an inline shard from the metadata index): one chunk, no copy. */
export class MemoryShardStream implements ShardStream {
  private done: boolean;

  constructor(readonly bytes: Buffer) {
    this.done = bytes.length === 0;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: async () => {
        if (this.done) return { done: true, value: undefined };
        this.done = true;
        return { done: false, value: this.bytes };
      },
    };
  }

  async close(): Promise<void> {
    this.done = true;
  }
}

/** Bytes `offset..offset+length-1` of `bytes` as a ShardStream. */
export function memoryShardStream(bytes: Buffer, offset: number, length: number): ShardStream {
  return new MemoryShardStream(bytes.subarray(offset, offset + length));
}
