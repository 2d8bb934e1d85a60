import { mkdir, open, readdir, readFile, rename, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CallOptions,
  type DataRef,
  type DiskInfo,
  type Drive,
  type DriveProbe,
  type ImmediateIndexReads,
  type MetaEntry,
  type MetaOp,
  type MountOptions,
  type ReadStreamOptions,
  type ScanOptions,
  type ShardStream,
  type ShardWriter,
  type SweepOptions,
  SYS_DIR,
} from './drive.js';
import { DriveError } from './errors.js';
import type { KeyValueIndex } from './key-value-index.js';
import { LMDB_DATA_FILE, LmdbIndex } from './lmdb-index.js';
import { isErrno, syncDir } from './local-fs.js';
import { checkFile, ShardFiles } from './shard-files.js';

/** Root entries that belong to the drive, and the one a filesystem puts at its root. */
const OWN_ENTRIES = new Set([SYS_DIR, 'data', 'lost+found']);

interface Mounted {
  index: KeyValueIndex;
  files: ShardFiles;
  /** dev and inode of the index's data file when it was opened. */
  indexId: { dev: bigint; ino: bigint };
}

/**
 * A drive on a local directory: `.cairn.sys/meta` holds the metadata index (LMDB, lmdb-index.ts),
 * `.cairn.sys/tmp` the temp area and `data/` the shard files (shard-files.ts). Constructing one
 * touches nothing on disk; `probe` and the system files work at once, the rest after `mount`.
 */
export class LocalDrive implements Drive, ImmediateIndexReads {
  readonly endpoint: string;
  private mounted: Mounted | undefined;
  private closing: Promise<void> | undefined;

  constructor(readonly root: string) {
    this.endpoint = root;
  }

  private get sysDir(): string {
    return join(this.root, SYS_DIR);
  }

  private get indexFile(): string {
    return join(this.sysDir, 'meta', LMDB_DATA_FILE);
  }

  private use(): Mounted {
    if (this.mounted && !this.closing) return this.mounted;
    throw new DriveError(
      'NotMounted',
      `${this.endpoint}: drive is ${this.closing ? 'closed' : 'not mounted'}`,
    );
  }

  async probe(_opts?: CallOptions): Promise<DriveProbe> {
    let entries: string[];
    try {
      entries = await readdir(this.root);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return { kind: 'missing' };
      return { kind: 'unreadable', reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
    }
    return { kind: 'directory', foreign: entries.filter((e) => !OWN_ENTRIES.has(e)) };
  }

  async readSysFile(name: string, _opts?: CallOptions): Promise<Buffer | undefined> {
    try {
      return await readFile(join(this.sysDir, checkFile(name)));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  async writeSysFile(name: string, data: Uint8Array, _opts?: CallOptions): Promise<void> {
    const path = join(this.sysDir, checkFile(name));
    const tmp = `${path}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await syncDir(this.sysDir);
  }

  async mount(opts: MountOptions = {}): Promise<void> {
    if (this.closing) throw new DriveError('NotMounted', `${this.endpoint}: drive is closed`);
    if (this.mounted) return;
    if (opts.createRoot) await mkdir(this.root, { recursive: true });
    // Without createRoot, a missing root fails the first mkdir (ENOENT) instead of being created.
    for (const dir of [
      this.sysDir,
      join(this.sysDir, 'tmp'),
      join(this.sysDir, 'meta'),
      join(this.root, 'data'),
    ]) {
      try {
        await mkdir(dir);
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw err;
      }
    }
    await syncDir(this.sysDir);
    await syncDir(this.root);
    const index = LmdbIndex.open(join(this.sysDir, 'meta'), { batchCheck: () => this.checkIdentity() });
    try {
      const st = await stat(this.indexFile, { bigint: true });
      const files = new ShardFiles(this.endpoint, join(this.sysDir, 'tmp'), join(this.root, 'data'), (err) =>
        this.checkIdentity().then(
          () => err,
          (offline: unknown) => offline,
        ),
      );
      this.mounted = { index, files, indexId: { dev: st.dev, ino: st.ino } };
    } catch (err) {
      await index.close();
      throw err;
    }
  }

  /**
   * Whether the drive is still the directory it mounted: the index's data file at its path must be
   * the very file (same dev and inode) the index holds open. A drive whose directory was removed,
   * replaced or unmounted fails this, while its LMDB environment, open on unlinked files, would
   * still happily commit and answer stale reads. LMDB keeps that file open, so its inode cannot be
   * reused by a new file: one stat decides. The index runs this alongside every commit batch.
   */
  async checkIdentity(_opts?: CallOptions): Promise<void> {
    // Not `use()`: commit batches still being written when the drive is closed check too.
    if (!this.mounted) throw new DriveError('NotMounted', `${this.endpoint}: drive is not mounted`);
    const { indexId } = this.mounted;
    let reason: string | undefined;
    try {
      const st = await stat(this.indexFile, { bigint: true });
      if (st.dev !== indexId.dev || st.ino !== indexId.ino) reason = 'its metadata index was replaced';
    } catch (err) {
      reason = `its metadata index is unreachable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
    if (reason !== undefined)
      throw new DriveError('DriveOffline', `${this.endpoint}: drive is offline (${reason})`);
  }

  async metaGet(table: string, key: Uint8Array, _opts?: CallOptions): Promise<Buffer | undefined> {
    return this.use().index.get(table, key);
  }

  /** metaGet, answered synchronously (see ImmediateIndexReads). */
  metaGetNow(table: string, key: Uint8Array): Buffer | undefined {
    return this.use().index.get(table, key);
  }

  metaCommit(ops: readonly MetaOp[], _opts?: CallOptions): Promise<void> {
    try {
      return this.use().index.commit(ops);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async metaScan(table: string, scan: ScanOptions, _opts?: CallOptions): Promise<MetaEntry[]> {
    return this.use().index.scan(table, scan);
  }

  /** metaScan, answered synchronously (see ImmediateIndexReads). */
  metaScanNow(table: string, scan: ScanOptions): MetaEntry[] {
    return this.use().index.scan(table, scan);
  }

  async createTempFile(tmpId: string, file: string, _opts?: CallOptions): Promise<ShardWriter> {
    return this.use().files.createTempFile(tmpId, file);
  }

  async commitTemp(tmpId: string, ref: DataRef, _opts?: CallOptions): Promise<void> {
    return this.use().files.commitTemp(tmpId, ref);
  }

  async deleteTemp(tmpId: string, _opts?: CallOptions): Promise<void> {
    return this.use().files.deleteTemp(tmpId);
  }

  async readFileStream(
    ref: DataRef,
    file: string,
    offset: number,
    length: number,
    opts: ReadStreamOptions = {},
  ): Promise<ShardStream> {
    return this.use().files.readFileStream(ref, file, offset, length, opts.chunkSize, opts.signal);
  }

  async deleteDataFile(ref: DataRef, file: string, _opts?: CallOptions): Promise<void> {
    return this.use().files.deleteDataFile(ref, file);
  }

  async deleteData(ref: DataRef, _opts?: CallOptions): Promise<void> {
    return this.use().files.deleteData(ref);
  }

  async sweep(opts: SweepOptions): Promise<number> {
    const { index, files } = this.use();
    const refs = opts.refsTable;
    return files.sweep(
      opts.olderThan,
      (dataId) => index.get(refs, Buffer.from(dataId)) !== undefined,
      opts.signal,
    );
  }

  async diskInfo(_opts?: CallOptions): Promise<DiskInfo> {
    const s = await statfs(this.root);
    return { endpoint: this.endpoint, total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  }

  /** Commits already queued are written first. */
  close(): Promise<void> {
    this.closing ??= this.mounted ? this.mounted.index.close() : Promise.resolve();
    return this.closing;
  }
}
