/**
 * Shared-memory block buffers for the erasure encoder. Shared memory lets the hash workers read a
 * block in place (no copy per hash); the pool bounds how much of it the process holds beyond one
 * block per upload, and keeps a few free ones warm so busy uploads do not fault in fresh pages
 * for every MiB.
 */

/** Free buffers kept for reuse, in bytes; a burst beyond this goes back to the allocator. */
const FREE_CAP = 32 * 1024 * 1024;
/** Extra buffers (beyond each upload's first) may hold at most this many bytes in all. */
const EXTRA_BUDGET = 64 * 1024 * 1024;
/** Free buffers are dropped after this long without use, so an idle server gives the memory back. */
const IDLE_TRIM_MS = 10_000;

export class BlockPool {
  private readonly free = new Map<number, Uint8Array[]>();
  private freeBytes = 0;
  private extraBytes = 0;
  private trimTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly freeCap = FREE_CAP,
    private readonly extraBudget = EXTRA_BUDGET,
  ) {}

  /** A buffer of `size` bytes that an upload may always have (its first). */
  take(size: number): Uint8Array {
    return this.reuse(size) ?? new Uint8Array(new SharedArrayBuffer(size));
  }

  /** A further buffer while the process-wide budget allows it, else undefined (never waits). */
  takeExtra(size: number): Uint8Array | undefined {
    if (this.extraBytes + size > this.extraBudget) return undefined;
    this.extraBytes += size;
    return this.take(size);
  }

  /** Returns a buffer from take() (or, with `extra`, from takeExtra()). */
  give(buf: Uint8Array, extra = false): void {
    if (extra) this.extraBytes -= buf.byteLength;
    if (this.freeBytes + buf.byteLength > this.freeCap) return;
    let list = this.free.get(buf.byteLength);
    if (!list) {
      list = [];
      this.free.set(buf.byteLength, list);
    }
    list.push(buf);
    this.freeBytes += buf.byteLength;
    this.scheduleTrim();
  }

  private reuse(size: number): Uint8Array | undefined {
    const buf = this.free.get(size)?.pop();
    if (buf) this.freeBytes -= buf.byteLength;
    return buf;
  }

  private scheduleTrim(): void {
    if (this.trimTimer) this.trimTimer.refresh();
    else {
      this.trimTimer = setTimeout(() => {
        this.trimTimer = undefined;
        this.free.clear();
        this.freeBytes = 0;
      }, IDLE_TRIM_MS);
      this.trimTimer.unref();
    }
  }
}

/** The process's block pool. */
export const blockPool = new BlockPool();
