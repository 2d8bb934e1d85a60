import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Database, open as openLmdb, type RootDatabase } from 'lmdb';
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
const TABLES: readonly MetaTable[] = ['buckets', 'objects', 'uploads', 'parts', 'inline', 'refs'];
const ID_RE = /^[0-9a-f]{8,64}$/;
const FILE_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

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

  private constructor(
    readonly root: string,
    private readonly env: RootDatabase<Buffer, Buffer>,
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
    });
    return new LocalDrive(root, env);
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
    return this.table(table).get(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
  }

  async metaCommit(ops: readonly MetaOp[]): Promise<void> {
    if (ops.length === 0) return;
    return new Promise((resolve, reject) => {
      this.commitQueue.push({ ops, resolve, reject });
      if (!this.committing) this.startCommit();
    });
  }

  /**
   * Group commit: while one LMDB transaction is being fsync'd, later commits queue up, and the next
   * transaction takes all of them (one fsync for many objects). Each caller's ops are issued in the
   * same event turn, so they land in one transaction: atomic per caller.
   */
  private startCommit(): void {
    this.committing = true;
    setImmediate(() => {
      const batch = this.commitQueue;
      this.commitQueue = [];
      const pending: Promise<unknown>[] = [];
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
          pending.push(Promise.all(mine).then(() => entry.resolve(), entry.reject));
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
    const out: MetaEntry[] = [];
    const range = this.table(table).getRange({
      start: Buffer.from(opts.start),
      ...(opts.end ? { end: Buffer.from(opts.end) } : {}),
      exclusiveStart: opts.startExclusive ?? false,
      limit: opts.limit,
    });
    for (const { key, value } of range) out.push({ key, value });
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
        if (isErrno(err, 'ENOENT'))
          throw new DriveError('DriveOffline', `${this.endpoint}: drive directory is gone`);
        if (!isErrno(err, 'EEXIST')) throw err;
      }
      this.knownDirs.add(cur);
    }
  }

  async createTempFile(tmpId: string, file: string): Promise<ShardWriter> {
    const dir = this.tmpDir(tmpId);
    const path = join(dir, checkFile(file));
    try {
      await mkdir(dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT'))
        throw new DriveError('DriveOffline', `${this.endpoint}: drive directory is gone`);
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
