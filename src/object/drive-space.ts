/**
 * Free space on the drives, checked before a write: a drive whose free space would fall below its
 * reserve refuses the write as storage full, so the metadata commits that finish writes never
 * meet a full disk halfway. The drives' free space is read at most once a second (one statfs per
 * drive); writes admitted and not ended count against it, and so do writes that ended since the
 * reading began (their bytes may not be in it), until a reading begun after they ended.
 */
import type { ErasureSet } from '../erasure/erasure-set.js';
import type { SizeOrShare } from '../util/setting-types.js';
import { ObjectLayerError } from './errors.js';

/** MinIO's message for its XMinioStorageFull. */
export const STORAGE_FULL_MESSAGE =
  'Storage backend has reached its minimum free drive threshold. Please delete a few objects to proceed.';

const MIN_RESERVE = 64 * 1024 ** 2;
const REFRESH_MS = 1000;

/** The reserve of a drive of `total` bytes: the setting, or max(64 MiB, 1%) but at most 10% of it. */
export function reserveFor(total: number, setting: SizeOrShare | undefined): number {
  if (setting === undefined) return Math.min(Math.max(MIN_RESERVE, total * 0.01), total * 0.1);
  return 'percent' in setting ? (total * setting.percent) / 100 : setting.bytes;
}

interface Reading {
  at: number;
  /** Per drive slot: free and total bytes, undefined for an offline drive. */
  drives: ({ free: number; total: number } | undefined)[];
}

export class DriveSpace {
  private reserve: SizeOrShare | undefined;
  private reading: Reading | undefined;
  private refreshing: Promise<Reading> | undefined;
  /** Bytes per drive that admitted writes may still add (not yet in a reading). */
  private pending = 0;
  /** Bytes per drive of writes that ended since the current reading began: maybe not in it. */
  private landed = 0;

  constructor(private readonly set: ErasureSet) {}

  setReserve(reserve: SizeOrShare | undefined): void {
    this.reserve = reserve;
  }

  private refresh(): Promise<Reading> {
    if (this.refreshing) return this.refreshing;
    // Writes that ended before the statfs calls begin are in the reading; later ones may not be.
    const landedBefore = this.landed;
    this.refreshing = this.set
      .each((d) => d.diskInfo())
      .then((res) => {
        this.landed -= landedBefore;
        this.reading = {
          at: performance.now(),
          drives: res.map((r) => (r.ok ? { free: r.value.free, total: r.value.total } : undefined)),
        };
        return this.reading;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async current(): Promise<Reading> {
    const r = this.reading;
    return r !== undefined && performance.now() - r.at < REFRESH_MS ? r : this.refresh();
  }

  /** The first online drive that would be left below its reserve after `perDrive` more bytes. */
  private short(r: Reading, perDrive: number): number {
    return r.drives.findIndex(
      (d) =>
        d !== undefined &&
        d.total > 0 &&
        d.free - this.pending - this.landed - perDrive < reserveFor(d.total, this.reserve),
    );
  }

  /**
   * Admits a write adding about `perDrive` bytes to each drive: throws StorageFull when a drive
   * would be left below its reserve. Call the returned function when the write ended.
   */
  async admit(perDrive: number): Promise<() => void> {
    const cached = await this.current();
    // A refusal is judged on a fresh reading: space freed a moment ago counts at once.
    if (this.short(cached, perDrive) >= 0 && this.short(await this.refresh(), perDrive) >= 0)
      throw new ObjectLayerError('StorageFull', STORAGE_FULL_MESSAGE);
    this.pending += perDrive;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pending -= perDrive;
      this.landed += perDrive;
    };
  }

  /** Reads the drives now: whether one is below its reserve (a write that failed ran out of space). */
  async full(): Promise<boolean> {
    const r = await this.refresh().catch(() => undefined);
    return r !== undefined && this.short(r, 0) >= 0;
  }
}
