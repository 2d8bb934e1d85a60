import { DeadlineQueue } from './deadline-queue.js';
import type {
  CallOptions,
  DataRef,
  DiskInfo,
  Drive,
  DriveProbe,
  ImmediateIndexReads,
  MetaEntry,
  MetaOp,
  MountOptions,
  ReadStreamOptions,
  ScanOptions,
  ShardStream,
  ShardWriter,
  SweepOptions,
} from './drive.js';
import { API, DriveStats } from './drive-stats.js';
import { DriveError } from './errors.js';
import { MonitoredStream, type StreamOwner } from './monitored-stream.js';

/** How long one drive call (one pull of a stream, one write of a shard file) may take, like MinIO's drive max_timeout. */
export const DRIVE_DEADLINE_MS = 30_000;
/**
 * How long a passed identity check vouches for the drive on the read path (like MinIO's disk-id
 * check). Commits need none: the drive checks with every commit batch.
 */
export const LIVENESS_TTL_MS = 1000;

export interface MonitorOptions {
  deadlineMs?: number;
  livenessTtlMs?: number;
  /** The inner drive's synchronous index reads, when it has them. */
  immediate?: ImmediateIndexReads;
  /** Where calls are counted; the slot's, when the drive is reopened (default: counts of its own). */
  stats?: DriveStats;
}

function isOffline(err: unknown): err is DriveError {
  return err instanceof DriveError && err.kind === 'DriveOffline';
}

/**
 * A Drive around any Drive that owns whether it is still online. The read path (index lookups and
 * scans) asks the inner drive's `checkIdentity` when the last passed check is older than
 * LIVENESS_TTL_MS; commits carry their own check. The first DriveOffline, from any call, takes the
 * drive offline for good (its inner drive is stale: whoever owns the slot opens the disk anew when
 * it comes back): `onOffline` is told once, and every later call fails at once with DriveOffline.
 * Every call also gets a deadline; one that misses it fails with DriveError 'Timeout' (its work
 * may still finish on the disk) and the drive stays in use: a slow disk is not a gone one. A
 * stream is timed per pull but watched as a whole (monitored-stream.ts); index reads the inner
 * drive answers synchronously (`immediate`) have none.
 */
export class MonitoredDrive implements Drive {
  /** Calls, their time and errors, per API (drive-stats.ts). */
  readonly stats: DriveStats;
  /** Told once, when the drive goes offline. */
  onOffline: ((reason: string) => void) | undefined;
  /** The error that took the drive offline; set once, never cleared. */
  private gone: DriveError | undefined;
  /** When the last identity check passed (performance.now()), and the one in flight. */
  private liveAt = 0;
  private liveCheck: Promise<void> | undefined;
  private readonly deadlineMs: number;
  private readonly ttlMs: number;
  private readonly immediate: ImmediateIndexReads | undefined;
  private readonly inFlight: DeadlineQueue;
  /** Open streams, checked on each sweep of `inFlight` for a pull past its deadline. */
  private readonly streams = new Set<MonitoredStream>();
  private readonly streamOwner: StreamOwner = {
    offlineError: () => (this.gone === undefined ? undefined : this.offlineError()),
    pullFailed: (err) => {
      if (isOffline(err)) this.goOffline(err);
    },
    forget: (stream) => {
      this.streams.delete(stream);
    },
  };

  constructor(
    readonly inner: Drive,
    opts: MonitorOptions = {},
  ) {
    this.deadlineMs = opts.deadlineMs ?? DRIVE_DEADLINE_MS;
    this.ttlMs = opts.livenessTtlMs ?? LIVENESS_TTL_MS;
    this.immediate = opts.immediate;
    this.stats = opts.stats ?? new DriveStats();
    this.inFlight = new DeadlineQueue(this.deadlineMs, (now) => {
      for (const stream of this.streams) stream.overdue(now, this.deadlineMs, this.endpoint);
    });
  }

  get endpoint(): string {
    return this.inner.endpoint;
  }

  /** False once the drive was found gone; it stays so. */
  get online(): boolean {
    return this.gone === undefined;
  }

  private offlineError(): DriveError {
    return new DriveError('DriveOffline', (this.gone as DriveError).message);
  }

  private goOffline(err: DriveError): void {
    if (this.gone !== undefined) return;
    this.gone = err;
    this.onOffline?.(err.message);
  }

  /**
   * Settles as `work` does, unless the deadline passes or `signal` aborts first. A DriveOffline
   * takes the drive offline. The call is counted under `api` when it settles; its start is its
   * deadline entry's (no second clock read), and a cancelled call counts no error.
   */
  private guard<T>(what: string, api: number, signal: AbortSignal | undefined, work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (err: unknown, value?: T, cancelled = false) => {
        if (done) return;
        done = true;
        this.inFlight.done(entry);
        this.stats.record(api, entry.at - this.deadlineMs, cancelled ? undefined : err);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve(value as T);
        else {
          if (isOffline(err)) this.goOffline(err);
          reject(err);
        }
      };
      const entry = this.inFlight.add(() => {
        finish(new DriveError('Timeout', `${this.endpoint}: ${what} took longer than ${this.deadlineMs} ms`));
      });
      const onAbort = signal
        ? () => finish(signal.reason ?? new Error('aborted'), undefined, true)
        : undefined;
      if (onAbort) signal?.addEventListener('abort', onAbort, { once: true });
      work.then(
        (v) => finish(undefined, v),
        (e) => finish(e ?? new Error(`${what} failed`)),
      );
    });
  }

  /** Runs `fn` on the inner drive under the drive's rules (offline fails fast, deadline, signal). */
  private call<T>(
    what: string,
    api: number,
    opts: CallOptions | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    if (this.gone !== undefined) return Promise.reject(this.offlineError());
    const signal = opts?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let work: Promise<T>;
    try {
      work = fn();
    } catch (err) {
      work = Promise.reject(err);
    }
    return this.guard(what, api, signal, work);
  }

  /** The identity check a read waits for: none while a passed one is younger than the TTL. */
  private freshness(): Promise<void> | undefined {
    if (performance.now() - this.liveAt < this.ttlMs) return undefined;
    this.liveCheck ??= this.inner.checkIdentity().then(
      () => {
        this.liveCheck = undefined;
        this.liveAt = performance.now();
      },
      (err: unknown) => {
        this.liveCheck = undefined;
        throw err;
      },
    );
    return this.liveCheck;
  }

  probe(opts?: CallOptions): Promise<DriveProbe> {
    return this.call('probe', API.CheckDisk, opts, () => this.inner.probe(opts));
  }

  readSysFile(name: string, opts?: CallOptions): Promise<Buffer | undefined> {
    return this.call('readSysFile', API.ReadAll, opts, () => this.inner.readSysFile(name, opts));
  }

  writeSysFile(name: string, data: Uint8Array, opts?: CallOptions): Promise<void> {
    return this.call('writeSysFile', API.WriteAll, opts, () => this.inner.writeSysFile(name, data, opts));
  }

  mount(opts?: MountOptions): Promise<void> {
    return this.call('mount', API.CheckDisk, opts, async () => {
      await this.inner.mount(opts);
      this.liveAt = performance.now();
    });
  }

  checkIdentity(opts?: CallOptions): Promise<void> {
    return this.call('checkIdentity', API.CheckDisk, opts, async () => {
      await this.inner.checkIdentity(opts);
      this.liveAt = performance.now();
    });
  }

  /**
   * A read the drive answers at once, when its identity need not be checked first; undefined
   * otherwise (the read then goes through `call`).
   */
  private readNow<T>(
    api: number,
    opts: CallOptions | undefined,
    read: (now: ImmediateIndexReads) => T,
  ): Promise<T> | undefined {
    const now = this.immediate;
    // The freshness test of `freshness()`, with its clock read kept as the call's start.
    const start = performance.now();
    if (!now || this.gone !== undefined || start - this.liveAt >= this.ttlMs) return undefined;
    if (opts?.signal?.aborted) return Promise.reject(opts.signal.reason);
    try {
      const value = read(now);
      this.stats.record(api, start, undefined);
      return Promise.resolve(value);
    } catch (err) {
      this.stats.record(api, start, err);
      return Promise.reject(err);
    }
  }

  /**
   * An index read: answered at once when it can be (`readNow`), else under the drive's rules, after
   * the identity check when one is due; `fast` reads synchronously, `slow` through the inner drive.
   */
  private indexRead<T>(
    what: string,
    api: number,
    opts: CallOptions | undefined,
    fast: (now: ImmediateIndexReads) => T,
    slow: () => Promise<T>,
  ): Promise<T> {
    return (
      this.readNow(api, opts, fast) ??
      this.call(what, api, opts, () => {
        const read = () => (this.immediate ? fast(this.immediate) : slow());
        const check = this.freshness();
        return check ? check.then(read) : Promise.resolve(read());
      })
    );
  }

  metaGet(table: string, key: Uint8Array, opts?: CallOptions): Promise<Buffer | undefined> {
    return this.indexRead(
      'metaGet',
      API.ReadVersion,
      opts,
      (now) => now.metaGetNow(table, key),
      () => this.inner.metaGet(table, key, opts),
    );
  }

  metaScan(table: string, scan: ScanOptions, opts?: CallOptions): Promise<MetaEntry[]> {
    return this.indexRead(
      'metaScan',
      API.WalkDir,
      opts,
      (now) => now.metaScanNow(table, scan),
      () => this.inner.metaScan(table, scan, opts),
    );
  }

  metaCommit(ops: readonly MetaOp[], opts?: CallOptions): Promise<void> {
    return this.call('metaCommit', API.WriteMetadata, opts, async () => {
      await this.inner.metaCommit(ops, opts);
      // The drive checked its identity alongside the transaction: reads may trust it as well.
      this.liveAt = performance.now();
    });
  }

  async createTempFile(tmpId: string, file: string, opts?: CallOptions): Promise<ShardWriter> {
    const w = await this.call('createTempFile', API.CreateFile, opts, () =>
      this.inner.createTempFile(tmpId, file, opts),
    );
    return {
      write: (chunks) => this.call('write', API.AppendFile, undefined, () => w.write(chunks)),
      finish: () => this.call('finish', API.AppendFile, undefined, () => w.finish()),
      // Never throws, but must not hang the caller's clean-up either.
      abort: () => this.guard('abort', API.Delete, undefined, w.abort()).catch(() => {}),
    };
  }

  commitTemp(tmpId: string, ref: DataRef, opts?: CallOptions): Promise<void> {
    return this.call('commitTemp', API.RenameData, opts, () => this.inner.commitTemp(tmpId, ref, opts));
  }

  deleteTemp(tmpId: string, opts?: CallOptions): Promise<void> {
    return this.call('deleteTemp', API.Delete, opts, () => this.inner.deleteTemp(tmpId, opts));
  }

  /**
   * The stream is watched as a whole (monitored-stream.ts): a pull running past the deadline
   * aborts the stream's signal, which the inner stream honours, and closes it.
   */
  async readFileStream(
    ref: DataRef,
    file: string,
    offset: number,
    length: number,
    opts?: ReadStreamOptions,
  ): Promise<ShardStream> {
    const control = new AbortController();
    const signal = opts?.signal ? AbortSignal.any([opts.signal, control.signal]) : control.signal;
    const stream = await this.call('readFileStream', API.ReadFileStream, opts, () =>
      this.inner.readFileStream(ref, file, offset, length, { ...opts, signal }),
    );
    const monitored = new MonitoredStream(stream, this.streamOwner, control, this.stats, opts?.signal);
    this.streams.add(monitored);
    return monitored;
  }

  deleteDataFile(ref: DataRef, file: string, opts?: CallOptions): Promise<void> {
    return this.call('deleteDataFile', API.Delete, opts, () => this.inner.deleteDataFile(ref, file, opts));
  }

  deleteData(ref: DataRef, opts?: CallOptions): Promise<void> {
    return this.call('deleteData', API.Delete, opts, () => this.inner.deleteData(ref, opts));
  }

  /** No deadline: a sweep walks the whole drive. It stops when `opts.signal` aborts. */
  sweep(opts: SweepOptions): Promise<number> {
    if (this.gone !== undefined) return Promise.reject(this.offlineError());
    return this.inner.sweep(opts).catch((err: unknown) => {
      if (isOffline(err)) this.goOffline(err);
      throw err;
    });
  }

  diskInfo(opts?: CallOptions): Promise<DiskInfo> {
    return this.call('diskInfo', API.DiskInfo, opts, () => this.inner.diskInfo(opts));
  }

  async close(): Promise<void> {
    this.inFlight.stop();
    await this.inner.close();
  }
}
