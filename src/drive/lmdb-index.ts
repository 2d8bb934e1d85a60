import { type Database, open as openLmdb, type RootDatabase } from 'lmdb';
import { prefixEnd } from '../util/byte-range.js';
import type { MetaEntry, MetaOp, ScanOptions } from './drive.js';
import { DriveError } from './errors.js';
import type { KeyValueIndex } from './key-value-index.js';

/** Table names: short, lower-case, no path characters. */
const TABLE_RE = /^[a-z][a-z0-9_-]{0,31}$/;
/** Most tables one index holds (LMDB's named-database limit). */
const MAX_TABLES = 16;
/** LMDB's data file in the index directory. */
export const LMDB_DATA_FILE = 'data.mdb';
/**
 * Address space LMDB maps for the index up front. lmdb-js starts at 128 KiB and, each time the
 * data file outgrows its map, maps it anew at twice the size and keeps every old map (readers may
 * still use them): a growing index faults its pages in again after each remap, and the resident
 * pages of the old maps count in the process's RSS a second time (at 300,000 objects: 10 maps,
 * 359 MiB VmRSS, against 1 map and 275 MiB with this). It is address space only: without
 * MDB_WRITEMAP the file is neither truncated to it nor preallocated, and past it the map still
 * doubles. 16 drives take 4 TiB of the 128 TiB a 64-bit Linux process can map.
 */
const INITIAL_MAP_BYTES = 256 * 1024 ** 3;

type Table = Database<Buffer, Buffer>;

function bytes(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export interface LmdbIndexOptions {
  /**
   * Run alongside every commit batch's transaction; the batch is acknowledged only when both
   * succeed, and fails with this check's error otherwise (the drive checks it is still there).
   */
  batchCheck?: () => Promise<void>;
}

/** The KeyValueIndex in an LMDB environment: one named database per table, with group commit. */
export class LmdbIndex implements KeyValueIndex {
  private readonly tables = new Map<string, Table>();
  private commitQueue: { ops: readonly MetaOp[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private committing = false;

  private constructor(
    private readonly env: RootDatabase<Buffer, Buffer>,
    private readonly opts: LmdbIndexOptions,
  ) {
    // Open the tables that exist; any other name has no entries until a commit creates it. The
    // root database's keys are the table names (lmdb-js stores them NUL-terminated).
    for (const raw of env.getKeys()) {
      const name = raw.toString('utf8').replace(/\0$/, '');
      if (TABLE_RE.test(name)) this.tables.set(name, this.openTable(name));
    }
  }

  /** Opens (creating if needed) the environment in directory `dir`, which must exist. */
  static open(dir: string, opts: LmdbIndexOptions = {}): LmdbIndex {
    const env = openLmdb<Buffer, Buffer>({
      path: dir,
      maxDbs: MAX_TABLES,
      keyEncoding: 'binary',
      encoding: 'binary',
      // Resolve writes only once they are fsync'd (the default resolves at commit, before flush).
      overlappingSync: false,
      noMemInit: true,
      mapSize: INITIAL_MAP_BYTES,
    });
    try {
      return new LmdbIndex(env, opts);
    } catch (err) {
      void env.close();
      throw err;
    }
  }

  private openTable(name: string): Table {
    return this.env.openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary' });
  }

  private checkName(name: string): string {
    if (!TABLE_RE.test(name))
      throw new DriveError('InvalidPath', `invalid table name ${JSON.stringify(name)}`);
    return name;
  }

  /** The table to write to, created on first use (outside any write transaction: see startCommit). */
  private writable(name: string): Table {
    let t = this.tables.get(name);
    if (!t) {
      this.checkName(name);
      if (this.tables.size >= MAX_TABLES)
        throw new DriveError('InvalidPath', `table ${name}: an index holds at most ${MAX_TABLES} tables`);
      t = this.openTable(name);
      this.tables.set(name, t);
    }
    return t;
  }

  get(table: string, key: Uint8Array): Buffer | undefined {
    const t = this.tables.get(table);
    if (t) return t.get(bytes(key));
    this.checkName(table);
    return undefined;
  }

  commit(ops: readonly MetaOp[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.commitQueue.push({ ops, resolve, reject });
      if (!this.committing) this.startCommit();
    });
  }

  /**
   * Group commit: while one LMDB transaction is being fsync'd, later commits queue up, and the next
   * transaction takes all of them (one fsync for many objects). Each caller's ops are issued in the
   * same event turn, so they land in one transaction: atomic per caller. `batchCheck` runs
   * concurrently with each transaction, and nothing in the batch is acknowledged before it passes.
   * Tables are created before the batch's writes are issued, while no write transaction is open
   * (creating one is a synchronous transaction of its own).
   */
  private startCommit(): void {
    this.committing = true;
    setImmediate(() => {
      const batch = this.commitQueue;
      this.commitQueue = [];
      const pending: Promise<unknown>[] = [];
      const check = this.opts.batchCheck?.();
      check?.catch(() => {}); // each entry below awaits it and rejects with it
      // Tables first: none may be created once this batch's writes are queued.
      const tables = batch.map((entry) => {
        try {
          return entry.ops.map((op) => this.writable(op.table));
        } catch (err) {
          entry.reject(err);
          return undefined;
        }
      });
      batch.forEach((entry, e) => {
        const mine = tables[e];
        if (!mine) return;
        try {
          const writes = entry.ops.map((op, i) => {
            const table = mine[i] as Table;
            return op.op === 'put' ? table.put(bytes(op.key), bytes(op.value)) : table.remove(bytes(op.key));
          });
          pending.push(
            Promise.all(writes)
              .then(() => check)
              .then(() => entry.resolve(), entry.reject),
          );
        } catch (err) {
          entry.reject(err); // e.g. a key longer than LMDB allows
        }
      });
      Promise.all(pending).finally(() => {
        if (this.commitQueue.length > 0) this.startCommit();
        else this.committing = false;
      });
    });
  }

  scan(table: string, opts: ScanOptions): MetaEntry[] {
    const db = this.tables.get(table);
    if (!db) {
      this.checkName(table);
      return [];
    }
    const end = opts.end ? Buffer.from(opts.end) : undefined;
    const delimiter = opts.collapse ? Buffer.from(opts.collapse.delimiter) : undefined;
    const from = opts.collapse?.from ?? 0;
    const suffix = opts.collapse?.suffix ?? 0;
    const out: MetaEntry[] = [];
    let start: Buffer = Buffer.from(opts.start);
    let exclusiveStart = opts.startExclusive ?? false;
    // One read transaction (lmdb-js renews it per event turn), so every seek sees the same snapshot.
    while (out.length < opts.limit) {
      const range = db.getRange({
        start,
        ...(end ? { end } : {}),
        exclusiveStart,
        limit: opts.limit - out.length,
      });
      let seek: Buffer | undefined;
      for (const { key, value } of range) {
        const at = delimiter ? key.indexOf(delimiter, from) : -1;
        const groupLen = at + (delimiter?.length ?? 0);
        if (at < 0 || groupLen > key.length - suffix) {
          out.push({ key, value });
          continue;
        }
        const group = key.subarray(0, groupLen);
        out.push({ key, value, group });
        seek = prefixEnd(group);
        break;
      }
      if (!seek) break; // a seek at or past `end` finds nothing and ends the loop

      start = seek;
      exclusiveStart = false;
    }
    return out;
  }

  async close(): Promise<void> {
    while (this.committing) await new Promise((r) => setImmediate(r));
    await this.env.flushed;
    await this.env.close();
  }
}
