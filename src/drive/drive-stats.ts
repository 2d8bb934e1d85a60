import { DriveError } from './errors.js';

/**
 * The drive APIs calls are counted under: MinIO's storage API names (its `api="storage.…"`
 * labels) where a call does what theirs does, our own where none maps. Index (a number) is what
 * the hot path passes; the names are read only when a snapshot is taken.
 */
export const DRIVE_APIS = [
  'DiskInfo', // diskInfo
  'CheckDisk', // probe, mount, checkIdentity: is the drive there and ours (ours)
  'ReadAll', // readSysFile (format, small system documents)
  'WriteAll', // writeSysFile
  'ReadVersion', // metaGet: one index record (an object's version, a bucket)
  'WalkDir', // metaScan: a range of index records (listings)
  'WriteMetadata', // metaCommit: one index transaction
  'CreateFile', // createTempFile: a shard file opened for writing
  'AppendFile', // a shard writer's write and finish (the last bytes, then sync)
  'RenameData', // commitTemp: written shards moved into place
  'Delete', // deleteTemp, deleteDataFile, deleteData, a shard writer's abort
  'ReadFileStream', // readFileStream: a shard file opened for reading
  'StreamRead', // one pull of an open read stream (ours)
] as const;

export type DriveApi = (typeof DRIVE_APIS)[number];

/** An API's index in DRIVE_APIS, as the counting code takes it. */
export const API = Object.fromEntries(DRIVE_APIS.map((name, i) => [name, i])) as Record<DriveApi, number>;

export interface DriveApiStats {
  api: DriveApi;
  /** Calls finished (answered, failed or timed out; calls the caller cancelled included). */
  calls: number;
  /** Their time, summed, in seconds. */
  seconds: number;
}

export interface DriveStatsSnapshot {
  /** Per API, only those called at least once. */
  apis: DriveApiStats[];
  /** Calls that missed their deadline (DriveError 'Timeout'). */
  timeouts: number;
  /** Calls that failed because the drive is gone (DriveError 'DriveOffline'). */
  offline: number;
  /**
   * Calls that failed with an error from the disk or filesystem (EIO, ENOSPC, EACCES, …). Answers
   * about the request (FileNotFound, InvalidPath, NotMounted) and cancellations are not errors
   * of the drive and are not counted.
   */
  io: number;
}

/**
 * Counts of one drive's calls: how many per API, their summed time, and errors by kind. Made once
 * per drive slot and kept across the drive being reopened (its counts are monotonic, as
 * Prometheus counters must be). Counting allocates nothing: typed arrays indexed by API.
 */
export class DriveStats {
  private readonly calls = new Float64Array(DRIVE_APIS.length);
  private readonly ms = new Float64Array(DRIVE_APIS.length);
  private timeouts = 0;
  private offline = 0;
  private io = 0;

  /** A call of `api` that started at `start` (performance.now()) ended now, with `err` if it failed. */
  record(api: number, start: number, err: unknown): void {
    this.recordSpan(api, performance.now() - start, err);
  }

  /** A call of `api` that took `ms` milliseconds ended, with `err` if it failed. */
  recordSpan(api: number, ms: number, err: unknown): void {
    this.calls[api] = (this.calls[api] as number) + 1;
    this.ms[api] = (this.ms[api] as number) + ms;
    if (err !== undefined) this.error(err);
  }

  private error(err: unknown): void {
    if (!(err instanceof DriveError)) this.io++;
    else if (err.kind === 'Timeout') this.timeouts++;
    else if (err.kind === 'DriveOffline') this.offline++;
  }

  snapshot(): DriveStatsSnapshot {
    const apis: DriveApiStats[] = [];
    DRIVE_APIS.forEach((api, i) => {
      const calls = this.calls[i] as number;
      if (calls > 0) apis.push({ api, calls, seconds: (this.ms[i] as number) / 1000 });
    });
    return { apis, timeouts: this.timeouts, offline: this.offline, io: this.io };
  }
}
