/**
 * What the object layer reports about itself and the limits it is given: drives and capacity,
 * per-bucket usage, heal and scanner status, drive call counts. The admin API, metrics and the
 * console read these; they are snapshots, cheap to take.
 */
import type { DriveStatsSnapshot } from '../drive/drive-stats.js';
import type { SizeOrShare } from '../util/setting-types.js';

/** The limits `setWriteLimits` sets; a field left out keeps its value. */
export interface WriteLimitSettings {
  /** Most logical object bytes stored; undefined: no limit. */
  capacity?: number | undefined;
  /** Free space each drive keeps; undefined: max(64 MiB, 1% of the drive), at most 10% of it. */
  driveReserve?: SizeOrShare | undefined;
}

export interface DriveStatus {
  endpoint: string;
  /** Position in the erasure set. */
  index: number;
  state: 'online' | 'offline';
  /** Bytes of the filesystem the drive lives on; 0 when offline or unknown. */
  total: number;
  free: number;
}

/** One drive's call counts (drive-stats.ts), labelled with its endpoint. */
export interface DriveCallStats extends DriveStatsSnapshot {
  endpoint: string;
}

export interface StorageInfo {
  /** The id every drive's format names: the deployment these drives belong to. */
  deploymentId: string;
  drives: DriveStatus[];
  /** Data and parity shards of new objects. */
  data: number;
  parity: number;
  /** Sums over online drives. */
  rawTotal: number;
  rawFree: number;
  /** What objects can use of the raw space, after parity: raw × data / (data + parity). */
  usableTotal: number;
  usableFree: number;
}

export interface HealStatus {
  /** Objects queued for healing (found damaged or stale by reads). */
  queued: number;
  /** A sweep over every bucket and object (after a drive came back) is running. */
  sweeping: boolean;
  /** Objects rewritten on at least one drive since start. */
  healedObjects: number;
  /** When the last full sweep ended, if one has. */
  lastSweepEnded?: Date;
  /** Drives an object's shards were rewritten on, summed over healed objects, since start. */
  healedShards: number;
  /** Heals that failed (and were logged) since start. */
  failedObjects: number;
}

export interface HealRunOptions {
  bucket: string;
  prefix: string;
  deep: boolean;
  /** Start a new run even when one on the same bucket and prefix is going (that one is stopped). */
  force?: boolean;
}

/** What scans find, by kind; an object is counted once per drive found lacking. */
export interface ScanFindings {
  /** An online drive lacks the object's current version (it missed a write or delete). */
  stale: number;
  /** A drive's shard file (or inline shard) of the current version is not there. */
  missing: number;
  /** A drive's shard is short or fails its bitrot hash. */
  corrupt: number;
  /** A version left on too few drives to be read (removed by the healer). */
  dangling: number;
}

/** One pass of the scanner (background) or one heal run (asked for). */
export interface ScanPass {
  started: Date;
  ended?: Date;
  /** Shards read and verified (a scrub), not just records compared. */
  deep: boolean;
  /** Objects visited and the bytes of their current versions. */
  objects: number;
  bytes: number;
  /** Bytes of shards read from drives and verified. */
  shardBytes: number;
  findings: ScanFindings;
}

export interface ScanStatus {
  /** Speed name (MinIO's: fastest … slowest), objects-per-second bound (0: none), scrub interval (ms; absent: off). */
  settings: { speed: string; objectsPerSec: number; scrubIntervalMs?: number };
  /** The pass in progress, and the bucket it is in. */
  current?: ScanPass & { bucket?: string };
  /** The last full pass over every bucket, and the last deep (scrubbing) one. */
  lastPass?: ScanPass;
  lastDeepPass?: ScanPass;
  /** When the next deep pass is due (it starts with the first pass from then on); absent when scrub is off. */
  nextScrub?: Date;
  /** Full passes ended since start. */
  passes: number;
  /** Totals since start, over passes and heal runs (monotonic: metrics counters). */
  totals: { objects: number; bytes: number; shardBytes: number; findings: ScanFindings };
}

export type HealRunState = 'running' | 'finished' | 'stopped' | 'failed';

/** One object a heal run found damaged, and each drive's state as found. */
export interface HealRunItem {
  bucket: string;
  key: string;
  size: number;
  /** Per drive, in set order: ok, missing, corrupt, stale (lacks the version), offline. */
  drives: string[];
}

export interface HealRun extends ScanPass {
  token: string;
  bucket: string;
  prefix: string;
  state: HealRunState;
  /** Why it failed or stopped. */
  detail?: string;
  /** Damaged objects found (the first 1000). */
  items: HealRunItem[];
}

export interface BucketUsage {
  objects: number;
  bytes: number;
}
