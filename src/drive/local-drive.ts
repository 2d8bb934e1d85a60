import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Database, open as openLmdb, type RootDatabase } from 'lmdb';
import { prefixEnd } from '../util/byte-range.js';
import type {
  DataRef,
  DiskInfo,
  Drive,
  MetaEntry,
  MetaOp,
  MetaTable,
  ScanOptions,
  ShardReader,
  ShardWriter,
} from './drive.js';
import { DriveError } from './errors.js';

export const SYS_DIR = '.cairn.sys';
const TABLES: readonly MetaTable[] = [
  'buckets',
  'objects',
  'uploads',
  'parts',
  'inline',
  'refs',
  'bucket-config',
];
const ID_RE = /^[0-9a-f]{8,64}$/;
const FILE_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
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
/** LMDB's data file inside `.cairn.sys/meta/`: the file whose identity tells the drive is still there. */
const META_FILE = 'data.mdb';
/**
 * How long a liveness check vouches for the drive on the read path (like MinIO's disk-id check).
 * Commits do not use it: each group-commit batch checks afresh, alongside its transaction.
 */
export const LIVENESS_TTL_MS = 1000;

function checkId(id: string): string {
  if (!ID_RE.test(id)) throw new DriveError('InvalidPath', `invalid id ${JSON.stringify(id)}`);
  return id;
}

function checkFile(name: string): string {
  if (!FILE_RE.test(name)) throw new DriveError('InvalidPath', `invalid file name ${JSON.stringify(name)}`);
  return name;
}

function isErrno(err: unknown, ...codes: string[]): boolean {
  return err instanceof Error && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/** fsyncs a directory so entries created or renamed in it survive a crash. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * A drive on a local directory: `.cairn.sys/meta` holds the LMDB metadata index, `.cairn.sys/tmp`
 * the temp area, and `data/` the shard files by bucket id and data id.
 */
export class LocalDrive implements Drive {
  readonly endpoint: string;
  private readonly tables: Map<MetaTable, Database<Buffer, Buffer>>;
  /** Directories known to exist durably, so the hot path skips mkdir and parent fsyncs. */
  private readonly knownDirs = new Set<string>();
  private commitQueue: { ops: readonly MetaOp[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private committing = false;
  /** Why the drive went offline; set once, never cleared (see `checkLive`). */
  private goneReason: string | undefined;
  /** When the last liveness check passed (performance.now()), and the one in flight. */
  private liveAt = 0;
  private liveCheck: Promise<void> | undefined;

  private constructor(
    readonly root: string,
    private readonly env: RootDatabase<Buffer, Buffer>,
    /** dev and inode of the LMDB data file this drive opened. */
    private readonly metaId: { dev: bigint; ino: bigint },
  ) {
    this.endpoint = root;
    this.tables = new Map(
      TABLES.map((name) => [
        name,
        env.openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary' }),
      ]),
    );
  }

  /** Opens (creating the system folders if needed) the drive rooted at `root`. */
  static async open(root: string): Promise<LocalDrive> {
    const sys = join(root, SYS_DIR);
    await mkdir(join(sys, 'tmp'), { recursive: true });
    await mkdir(join(sys, 'meta'), { recursive: true });
    await mkdir(join(root, 'data'), { recursive: true });
    await syncDir(sys);
    await syncDir(root);
    const env = openLmdb<Buffer, Buffer>({
      path: join(sys, 'meta'),
      maxDbs: 16,
      keyEncoding: 'binary',
      encoding: 'binary',
      // Resolve writes only once they are fsync'd (the default resolves at commit, before flush).
      overlappingSync: false,
      noMemInit: true,
      mapSize: INITIAL_MAP_BYTES,
    });
    try {
      const st = await stat(join(sys, 'meta', META_FILE), { bigint: true });
      const drive = new LocalDrive(root, env, { dev: st.dev, ino: st.ino });
      drive.liveAt = performance.now();
      return drive;
    } catch (err) {
      await env.close();
      throw err;
    }
  }

  /** False once the drive was found gone; this instance stays offline (the set reopens the drive if it comes back). */
  get online(): boolean {
    return this.goneReason === undefined;
  }

  private offlineError(): DriveError {
    return new DriveError('DriveOffline', `${this.endpoint}: drive is offline (${this.goneReason})`);
  }

  /**
   * Whether the drive is still the directory it opened: the LMDB data file at its path must be the
   * very file (same dev and inode) the environment holds open. A drive whose directory was removed,
   * replaced or unmounted fails this, while its LMDB environment, open on unlinked files, would
   * still happily commit and answer stale reads. LMDB keeps that file open, so its inode cannot be
   * reused by a new file: one stat decides. A drive found gone stays offline: its environment is
   * stale. If it comes back, the set opens it anew and heals what it missed (DriveReconnector).
   */
  private checkLive(): Promise<void> {
    if (this.goneReason !== undefined) return Promise.reject(this.offlineError());
    if (this.liveCheck) return this.liveCheck;
    const check = stat(join(this.root, SYS_DIR, 'meta', META_FILE), { bigint: true }).then(
      (st) => {
        if (st.dev !== this.metaId.dev || st.ino !== this.metaId.ino)
          this.goneReason ??= 'its metadata index was replaced';
      },
      (err: NodeJS.ErrnoException) => {
        this.goneReason ??= `its metadata index is unreachable: ${err.code ?? err.message}`;
      },
    );
    this.liveCheck = check.then(() => {
      this.liveCheck = undefined;
      if (this.goneReason !== undefined) throw this.offlineError();
      this.liveAt = performance.now();
    });
    return this.liveCheck;
  }

  /** The read path's check: free while a passed check is younger than LIVENESS_TTL_MS. */
  private async readable(): Promise<void> {
    if (this.goneReason !== undefined) throw this.offlineError();
    if (performance.now() - this.liveAt >= LIVENESS_TTL_MS) await this.checkLive();
  }

  /**
   * For an ENOENT on a directory the drive owns: DriveOffline when the drive itself is gone (its
   * root removed or unmounted), otherwise `err` as it is (one missing directory is not a dead drive).
   */
  private async explainMissing(err: unknown): Promise<unknown> {
    try {
      await this.checkLive();
      return err;
    } catch (offline) {
      return offline;
    }
  }

  /** Fails fast, without a syscall, once the drive is known gone. */
  private assertOnline(): void {
    if (this.goneReason !== undefined) throw this.offlineError();
  }

  private table(name: MetaTable): Database<Buffer, Buffer> {
    const t = this.tables.get(name);
    if (!t) throw new DriveError('InvalidPath', `unknown table ${name}`);
    return t;
  }

  private sysPath(name: string): string {
    return join(this.root, SYS_DIR, checkFile(name));
  }

  private tmpDir(tmpId: string): string {
    return join(this.root, SYS_DIR, 'tmp', checkId(tmpId));
  }

  private dataDir(ref: DataRef): string {
    const id = checkId(ref.dataId);
    return join(this.root, 'data', checkId(ref.bucketId), id.slice(0, 2), id);
  }

  async readSysFile(name: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.sysPath(name));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  async writeSysFile(name: string, data: Uint8Array): Promise<void> {
    const path = this.sysPath(name);
    const tmp = `${path}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await syncDir(dirname(path));
  }

  async metaGet(table: MetaTable, key: Uint8Array): Promise<Buffer | undefined> {
    await this.readable();
    return this.table(table).get(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
  }

  async metaCommit(ops: readonly MetaOp[]): Promise<void> {
    this.assertOnline();
    if (ops.length === 0) return;
    return new Promise((resolve, reject) => {
      this.commitQueue.push({ ops, resolve, reject });
      if (!this.committing) this.startCommit();
    });
  }

  /**
   * Group commit: while one LMDB transaction is being fsync'd, later commits queue up, and the next
   * transaction takes all of them (one fsync for many objects). Each caller's ops are issued in the
   * same event turn, so they land in one transaction: atomic per caller. Each batch checks that the
   * drive is still there (one stat, concurrent with the transaction) before acknowledging anything:
   * a vanished drive's environment still commits, to unlinked files.
   */
  private startCommit(): void {
    this.committing = true;
    setImmediate(() => {
      const batch = this.commitQueue;
      this.commitQueue = [];
      const pending: Promise<unknown>[] = [];
      const live = this.checkLive();
      live.catch(() => {}); // each entry below awaits it and rejects with it
      for (const entry of batch) {
        try {
          const mine: Promise<boolean>[] = [];
          for (const op of entry.ops) {
            const key = Buffer.from(op.key.buffer, op.key.byteOffset, op.key.byteLength);
            const table = this.table(op.table);
            if (op.op === 'put') {
              mine.push(
                table.put(key, Buffer.from(op.value.buffer, op.value.byteOffset, op.value.byteLength)),
              );
            } else {
              mine.push(table.remove(key));
            }
          }
          pending.push(
            Promise.all(mine)
              .then(() => live)
              .then(() => entry.resolve(), entry.reject),
          );
        } catch (err) {
          entry.reject(err);
        }
      }
      Promise.all(pending).finally(() => {
        if (this.commitQueue.length > 0) this.startCommit();
        else this.committing = false;
      });
    });
  }

  async metaScan(table: MetaTable, opts: ScanOptions): Promise<MetaEntry[]> {
    await this.readable();
    const db = this.table(table);
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

  /**
   * Creates `dir` (below `data/`) and makes each new entry durable in its parent. Never creates the
   * drive root or `data/` itself: a drive whose directory vanished (an unmounted or pulled disk)
   * must fail, not quietly fill the mount point.
   */
  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    const base = join(this.root, 'data');
    const parts = dir.slice(base.length + 1).split('/');
    let cur = base;
    for (const part of parts) {
      const parent = cur;
      cur = join(cur, part);
      if (this.knownDirs.has(cur)) continue;
      try {
        await mkdir(cur);
        await syncDir(parent);
      } catch (err) {
        if (isErrno(err, 'ENOENT', 'ENOTDIR')) throw await this.explainMissing(err);
        if (!isErrno(err, 'EEXIST')) throw err;
      }
      this.knownDirs.add(cur);
    }
  }

  async createTempFile(tmpId: string, file: string): Promise<ShardWriter> {
    this.assertOnline();
    const dir = this.tmpDir(tmpId);
    const path = join(dir, checkFile(file));
    try {
      await mkdir(dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) throw await this.explainMissing(err);
      if (!isErrno(err, 'EEXIST')) throw err;
    }
    const fh = await open(path, 'w');
    let closed = false;
    return {
      async write(chunks) {
        let total = 0;
        for (const c of chunks) total += c.byteLength;
        const { bytesWritten } = await fh.writev(chunks as Uint8Array[]);
        if (bytesWritten !== total) {
          // Short vectored write (rare on regular files): finish byte by byte of what remains.
          let skip = bytesWritten;
          for (const c of chunks) {
            if (skip >= c.byteLength) {
              skip -= c.byteLength;
              continue;
            }
            await fh.write(c.subarray(skip));
            skip = 0;
          }
        }
      },
      async finish() {
        await fh.datasync();
        closed = true;
        await fh.close();
      },
      async abort() {
        if (!closed) {
          closed = true;
          await fh.close().catch(() => {});
        }
        await rm(path, { force: true }).catch(() => {});
      },
    };
  }

  async commitTemp(tmpId: string, ref: DataRef): Promise<void> {
    this.assertOnline();
    const src = this.tmpDir(tmpId);
    const dest = this.dataDir(ref);
    const parent = dirname(dest);
    await this.ensureDir(parent);
    try {
      await rename(src, dest);
      await syncDir(parent);
      return;
    } catch (err) {
      if (!isErrno(err, 'ENOTEMPTY', 'EEXIST')) {
        if (isErrno(err, 'ENOENT'))
          throw new DriveError('FileNotFound', `${this.endpoint}: temp ${tmpId} missing`);
        throw err;
      }
    }
    // The data directory already exists (another part of the same upload): move the files in.
    for (const name of await readdir(src)) await rename(join(src, name), join(dest, name));
    await syncDir(dest);
    await rm(src, { recursive: true, force: true });
  }

  async deleteTemp(tmpId: string): Promise<void> {
    await rm(this.tmpDir(tmpId), { recursive: true, force: true });
  }

  async openDataFile(ref: DataRef, file: string): Promise<ShardReader> {
    this.assertOnline();
    const path = join(this.dataDir(ref), checkFile(file));
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR'))
        throw new DriveError('FileNotFound', `${this.endpoint}: ${file} missing`);
      throw err;
    }
    return {
      async read(position, length) {
        const buf = Buffer.allocUnsafe(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await fh.read(buf, got, length - got, position + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return got === length ? buf : buf.subarray(0, got);
      },
      async close() {
        await fh.close();
      },
    };
  }

  async deleteDataFile(ref: DataRef, file: string): Promise<void> {
    await rm(join(this.dataDir(ref), checkFile(file)), { force: true });
  }

  async deleteData(ref: DataRef): Promise<void> {
    await rm(this.dataDir(ref), { recursive: true, force: true });
  }

  async sweep(olderThan: Date): Promise<number> {
    const limit = olderThan.getTime();
    let removed = 0;
    const tmpRoot = join(this.root, SYS_DIR, 'tmp');
    for (const name of await readdir(tmpRoot).catch(() => [] as string[])) {
      const path = join(tmpRoot, name);
      const st = await stat(path).catch(() => undefined);
      if (st && st.mtimeMs < limit) {
        await rm(path, { recursive: true, force: true });
        removed++;
      }
    }
    const refs = this.table('refs');
    const dataRoot = join(this.root, 'data');
    for (const bucketId of await readdir(dataRoot).catch(() => [] as string[])) {
      for (const shard of await readdir(join(dataRoot, bucketId)).catch(() => [] as string[])) {
        const shardDir = join(dataRoot, bucketId, shard);
        for (const dataId of await readdir(shardDir).catch(() => [] as string[])) {
          if (refs.get(Buffer.from(dataId)) !== undefined) continue;
          const path = join(shardDir, dataId);
          const st = await stat(path).catch(() => undefined);
          if (st && st.mtimeMs < limit) {
            await rm(path, { recursive: true, force: true });
            removed++;
          }
        }
      }
    }
    return removed;
  }

  async diskInfo(): Promise<DiskInfo> {
    const s = await statfs(this.root);
    return { endpoint: this.endpoint, total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  }

  async close(): Promise<void> {
    while (this.committing) await new Promise((r) => setImmediate(r));
    await this.env.flushed;
    await this.env.close();
  }
}
