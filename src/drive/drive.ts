/**
 * One disk, as erasure code sees it. A local directory implements it today (local-drive.ts); a
 * peer's disk will implement it over RPC, so every operation is async and takes only plain,
 * serializable arguments (strings, numbers, byte arrays). Object keys never reach this layer as
 * file names: data lives under random ids, and keys are only ever metadata index keys.
 */

/** Tables of the per-drive metadata index. Each is a sorted map of byte keys to byte values. */
export type MetaTable = 'buckets' | 'objects' | 'uploads' | 'parts' | 'inline' | 'refs' | 'bucket-config';

export type MetaOp =
  | { op: 'put'; table: MetaTable; key: Uint8Array; value: Uint8Array }
  | { op: 'del'; table: MetaTable; key: Uint8Array };

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

/** An append-only shard file being written in the drive's temp area. */
export interface ShardWriter {
  /** Appends the chunks in order (one vectored write). */
  write(chunks: readonly Uint8Array[]): Promise<void>;
  /** Flushes the file to stable storage (fdatasync) and closes it. */
  finish(): Promise<void>;
  /** Closes and removes the file; never throws. */
  abort(): Promise<void>;
}

export interface ShardReader {
  /** Reads up to `length` bytes at `position`; a shorter result means the file ended. */
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export interface Drive {
  /** Human-readable location, used in messages (a path, or host:path for a remote drive). */
  readonly endpoint: string;

  /** Reads a small file under `.cairn.sys/` (e.g. `format.json`); undefined when it does not exist. */
  readSysFile(name: string): Promise<Buffer | undefined>;
  /** Writes a small file under `.cairn.sys/` atomically and durably. */
  writeSysFile(name: string, data: Uint8Array): Promise<void>;

  metaGet(table: MetaTable, key: Uint8Array): Promise<Buffer | undefined>;
  /**
   * Applies all ops in one atomic transaction; resolves once it is durable (fsync'd). Commits issued
   * concurrently share transactions and fsyncs.
   */
  metaCommit(ops: readonly MetaOp[]): Promise<void>;
  /** Entries in key order from `start`, at most `limit` (a collapsed group counts as one). */
  metaScan(table: MetaTable, opts: ScanOptions): Promise<MetaEntry[]>;

  /** Creates `tmp/<tmpId>/<file>` for writing. */
  createTempFile(tmpId: string, file: string): Promise<ShardWriter>;
  /**
   * Moves every file of `tmp/<tmpId>/` into the data directory of `ref` (created if needed),
   * replacing same-named files, durably; the temp directory is gone afterwards.
   */
  commitTemp(tmpId: string, ref: DataRef): Promise<void>;
  /** Removes `tmp/<tmpId>/` and everything in it; missing is fine. */
  deleteTemp(tmpId: string): Promise<void>;

  /** Opens a shard file for reading; rejects with DriveError 'FileNotFound' when it is missing. */
  openDataFile(ref: DataRef, file: string): Promise<ShardReader>;
  /** Removes one file of a data directory; missing is fine. */
  deleteDataFile(ref: DataRef, file: string): Promise<void>;
  /** Removes a whole data directory; missing is fine. */
  deleteData(ref: DataRef): Promise<void>;

  /**
   * Removes temp entries and unreferenced data directories (no `refs` entry for their data id) last
   * modified before `olderThan`. Returns how many entries it removed.
   */
  sweep(olderThan: Date): Promise<number>;

  diskInfo(): Promise<DiskInfo>;
  close(): Promise<void>;
}
