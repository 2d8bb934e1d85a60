/**
 * One disk, as erasure code sees it. A local directory implements it today (local-drive.ts); a
 * peer's disk will implement it over HTTP, so every method is shaped like a remote call: it is
 * async, takes plain data (strings, numbers, byte arrays, plain objects) and an options object
 * carrying an AbortSignal, returns plain data or a handle the caller drives (a shard writer, a
 * stream of bytes), and never calls back into the caller. Object keys never reach this layer as
 * file names: data lives under random ids, and keys are only ever index keys. The index's table
 * names are opaque here: the object layer owns its schema.
 */

/** The drive's own folder at its root: `format.json`, the metadata index, the temp area. */
export const SYS_DIR = '.cairn.sys';

/** What every call accepts. */
export interface CallOptions {
  /**
   * Abandons the call: it rejects with the signal's reason. Work the disk already did stays done
   * (a commit that reached the disk is not taken back).
   */
  signal?: AbortSignal;
}

/** One change to a table of the metadata index. Table names are the caller's, opaque to the drive. */
export type MetaOp =
  | { op: 'put'; table: string; key: Uint8Array; value: Uint8Array }
  | { op: 'del'; table: string; key: Uint8Array };

export interface MetaEntry {
  key: Buffer;
  value: Buffer;
  /** With `collapse`: the group (key bytes through the delimiter) this first key stands for. */
  group?: Buffer;
}

export interface ScanOptions {
  /** First key (inclusive unless `startExclusive`). */
  start: Uint8Array;
  startExclusive?: boolean;
  /** Keys must be strictly below `end` when given. */
  end?: Uint8Array;
  limit: number;
  /**
   * Delimiter roll-up: a key holding `delimiter` at byte `from` or later stands for its whole group
   * (every key sharing its bytes up to and including that delimiter). The scan returns the group's
   * first key, with `group` set to those shared bytes, counts it as one entry and seeks past the
   * group, so a page of common prefixes costs one seek each instead of every key below them.
   */
  collapse?: {
    delimiter: Uint8Array;
    from: number;
    /** Bytes at the end of every key that are not searched (a fixed-length id suffix). */
    suffix?: number;
  };
}

/** Where an object's (or upload's) shard files live on every drive: `data/<bucketId>/<xx>/<dataId>/`. */
export interface DataRef {
  bucketId: string;
  dataId: string;
}

export interface DiskInfo {
  endpoint: string;
  total: number;
  free: number;
}

/**
 * What is at a drive's location before anything is created or opened there: nothing (`missing`),
 * something that cannot be listed (`unreadable`: not a directory, permission denied, I/O error;
 * `reason` is the system's error code or message), or a directory, with the names at its root that
 * are neither the drive's own nor the filesystem's (`lost+found`).
 */
export type DriveProbe =
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'directory'; foreign: string[] };

export interface MountOptions extends CallOptions {
  /**
   * Create the drive's directory when it is missing (first start). Without it a missing directory
   * fails the mount: a disk that is not mounted must not turn into a directory on the root
   * filesystem.
   */
  createRoot?: boolean;
}

export interface SweepOptions extends CallOptions {
  /** Remove only entries last modified before this time (ms since the epoch). */
  olderThan: number;
  /** Index table whose keys are the data ids in use (UTF-8): data directories without one are removed. */
  refsTable: string;
}

export interface ReadStreamOptions extends CallOptions {
  /**
   * Preferred chunk size: a local drive yields chunks of exactly this many bytes (the last may be
   * shorter), so a caller reading fixed-size frames takes them without copying; a remote drive
   * may yield any size.
   */
  chunkSize?: number;
}

/** An append-only shard file being written in the drive's temp area. */
export interface ShardWriter {
  /** Appends the chunks in order (one vectored write). */
  write(chunks: readonly Uint8Array[]): Promise<void>;
  /** Flushes the file to stable storage (fdatasync) and closes it. */
  finish(): Promise<void>;
  /** Closes and removes the file; never throws. */
  abort(): Promise<void>;
}

/**
 * Bytes of a file, in order, read as they are pulled (nothing is read ahead of the consumer). The
 * stream ends early, without an error, where the file ends. Iterating to the end, breaking out of
 * a `for await`, or `close()` releases it.
 */
export interface ShardStream extends AsyncIterable<Buffer> {
  /** Stops reading and releases the file; safe at any time and more than once. */
  close(): Promise<void>;
}

export interface Drive {
  /** Human-readable location, used in messages (a path, or host:path for a remote drive). */
  readonly endpoint: string;

  // ---- The drive's location; these work before `mount`.

  /** What is at the drive's location; creates and opens nothing. */
  probe(opts?: CallOptions): Promise<DriveProbe>;
  /** Reads a small file under `.cairn.sys/` (e.g. `format.json`); undefined when it does not exist. */
  readSysFile(name: string, opts?: CallOptions): Promise<Buffer | undefined>;
  /** Writes a small file under `.cairn.sys/` atomically and durably (after `mount`). */
  writeSysFile(name: string, data: Uint8Array, opts?: CallOptions): Promise<void>;
  /**
   * Readies the drive for data: creates its folders (the root itself only with `createRoot`) and
   * opens its metadata index. The index and data calls below need it.
   */
  mount(opts?: MountOptions): Promise<void>;
  /**
   * Resolves while the drive is still the one it mounted; rejects with DriveError 'DriveOffline'
   * once its directory was removed, replaced or unmounted (for a local drive: the index's data
   * file at its path is no longer the file the index holds open).
   */
  checkIdentity(opts?: CallOptions): Promise<void>;

  // ---- Metadata index: sorted tables of byte keys, by name.

  /** The value under `key`; undefined when there is none (or no such table). */
  metaGet(table: string, key: Uint8Array, opts?: CallOptions): Promise<Buffer | undefined>;
  /**
   * Applies all ops in one atomic transaction (creating tables on first use); resolves once it is
   * durable (fsync'd). Commits issued concurrently share transactions and fsyncs. The drive checks
   * its identity alongside every commit: one it cannot vouch for rejects with DriveOffline.
   */
  metaCommit(ops: readonly MetaOp[], opts?: CallOptions): Promise<void>;
  /** Entries in key order from `start`, at most `limit` (a collapsed group counts as one). */
  metaScan(table: string, scan: ScanOptions, opts?: CallOptions): Promise<MetaEntry[]>;

  // ---- Shard files.

  /** Creates `tmp/<tmpId>/<file>` for writing. */
  createTempFile(tmpId: string, file: string, opts?: CallOptions): Promise<ShardWriter>;
  /**
   * Moves every file of `tmp/<tmpId>/` into the data directory of `ref` (created if needed),
   * replacing same-named files, durably; the temp directory is gone afterwards.
   */
  commitTemp(tmpId: string, ref: DataRef, opts?: CallOptions): Promise<void>;
  /** Removes `tmp/<tmpId>/` and everything in it; missing is fine. */
  deleteTemp(tmpId: string, opts?: CallOptions): Promise<void>;
  /**
   * Streams `length` bytes of a data file from byte `offset` (fewer where the file ends); rejects
   * with DriveError 'FileNotFound' when the file is missing. Pulls may be issued before earlier
   * ones settle (they are answered in order); once `opts.signal` aborts, pulls reject with its
   * reason.
   */
  readFileStream(
    ref: DataRef,
    file: string,
    offset: number,
    length: number,
    opts?: ReadStreamOptions,
  ): Promise<ShardStream>;
  /** Removes one file of a data directory; missing is fine. */
  deleteDataFile(ref: DataRef, file: string, opts?: CallOptions): Promise<void>;
  /** Removes a whole data directory; missing is fine. */
  deleteData(ref: DataRef, opts?: CallOptions): Promise<void>;
  /**
   * Removes temp entries, and data directories whose data id has no key in `refsTable`, last
   * modified before `olderThan`. Returns how many entries it removed.
   */
  sweep(opts: SweepOptions): Promise<number>;

  diskInfo(opts?: CallOptions): Promise<DiskInfo>;
  /** Waits for commits in flight and releases the drive; the handle is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * Not part of the seam: index reads a local drive answers synchronously (its index is memory-
 * mapped). A deadline cannot cut them short, so the liveness wrapper makes them directly, without
 * the promise and timer bookkeeping of a call that waits (that bookkeeping measured a fifth of the
 * CPU of a 4 KiB GET on 4 drives).
 */
export interface ImmediateIndexReads {
  metaGetNow(table: string, key: Uint8Array): Buffer | undefined;
  metaScanNow(table: string, scan: ScanOptions): MetaEntry[];
}
