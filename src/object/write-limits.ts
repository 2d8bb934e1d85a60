/**
 * What a write may store: the instance's capacity (logical object bytes, against StoredBytes) and
 * the free space kept on every drive (DriveSpace). A write is admitted before any byte of it is
 * written, and holds its bytes until it committed or failed, so concurrent writes cannot together
 * pass a limit each alone respects.
 */
import { formatByteSize } from '../util/byte-size.js';
import { DriveSpace, STORAGE_FULL_MESSAGE } from './drive-space.js';
import { ObjectLayerError } from './errors.js';
import type { LayerContext } from './layer-context.js';
import type { WriteLimitSettings } from './layer-status.js';
import type { StoredBytes } from './stored-bytes.js';

/** An admitted write's claim on the limits. */
export interface WriteHold {
  /** Bytes the capacity still allows beyond this write's (Infinity without a capacity limit). */
  readonly room: number;
  /** Claims `bytes` more (a body whose length was unknown): StorageFull past the capacity. */
  grow(bytes: number): void;
  /** Gives the claim back (the write committed, and the usage counters hold it, or it failed). */
  release(): void;
}

export class WriteLimits {
  private capacity: number | undefined;
  /** Bytes admitted writes claim that StoredBytes does not count yet. */
  private claimed = 0;
  private readonly space: DriveSpace;

  constructor(
    ctx: LayerContext,
    readonly stored: StoredBytes,
  ) {
    this.space = new DriveSpace(ctx.set);
  }

  set(settings: WriteLimitSettings): void {
    if ('capacity' in settings) {
      this.capacity = settings.capacity;
      // Counting starts with the first limit (a walk of the index), not at every start.
      if (this.capacity !== undefined) this.stored.ready().catch(() => {});
    }
    if ('driveReserve' in settings) this.space.setReserve(settings.driveReserve);
  }

  private capacityError(bytes: number): ObjectLayerError {
    const limit = this.capacity as number;
    return new ObjectLayerError(
      'StorageFull',
      `Storing ${formatByteSize(bytes)} more would pass this instance's capacity of ${formatByteSize(limit)} (${formatByteSize(this.stored.bytes())} stored). Please delete a few objects to proceed.`,
    );
  }

  /** Checks `bytes` more against the capacity, counting what admitted writes claim. */
  private checkCapacity(bytes: number): void {
    if (this.capacity === undefined) return;
    if (this.stored.bytes() + this.claimed + bytes > this.capacity) throw this.capacityError(bytes);
  }

  /**
   * Admits a write of `size` bytes (undefined: not known until its body ended) spread over `data`
   * data shards: StorageFull when it would pass the capacity or leave a drive below its reserve.
   * `onDrives` false: the bytes are on the drives already (a multipart completion).
   */
  async admit(size: number | undefined, data: number, onDrives = true): Promise<WriteHold> {
    if (this.capacity !== undefined) await this.stored.ready();
    const bytes = size ?? 0;
    this.checkCapacity(bytes);
    // Shards of `bytes` on each drive, plus room for the records that commit them.
    const releaseSpace = onDrives ? await this.space.admit(Math.ceil(bytes / data) + 4096) : () => {};
    this.checkCapacity(bytes); // again: others may have been admitted while the drives were read
    this.claimed += bytes;
    let held = bytes;
    const limits = this;
    return {
      get room() {
        return limits.capacity === undefined
          ? Number.POSITIVE_INFINITY
          : Math.max(0, limits.capacity - limits.stored.bytes() - limits.claimed);
      },
      grow(more) {
        limits.checkCapacity(more);
        limits.claimed += more;
        held += more;
      },
      release() {
        limits.claimed -= held;
        held = 0;
        releaseSpace();
      },
    };
  }

  /** The error a failed write answers: StorageFull, rather than a retryable one, when a drive is full. */
  async explain(err: unknown): Promise<unknown> {
    if (!(err instanceof ObjectLayerError) || err.kind !== 'WriteQuorum') return err;
    return (await this.space.full()) ? new ObjectLayerError('StorageFull', STORAGE_FULL_MESSAGE) : err;
  }

  /** The capacity error for a body of unknown length that passed it while streaming. */
  tooLong(bytes: number): ObjectLayerError {
    return this.capacityError(bytes);
  }
}
