import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DataRef, ShardStream, ShardWriter } from './drive.js';
import { DriveError } from './errors.js';
import { isErrno, syncDir } from './local-fs.js';

const ID_RE = /^[0-9a-f]{8,64}$/;
const FILE_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
/** Chunk size of a range stream when the caller names none. */
const DEFAULT_CHUNK = 256 * 1024;

export function checkId(id: string): string {
  if (!ID_RE.test(id)) throw new DriveError('InvalidPath', `invalid id ${JSON.stringify(id)}`);
  return id;
}

export function checkFile(name: string): string {
  if (!FILE_RE.test(name)) throw new DriveError('InvalidPath', `invalid file name ${JSON.stringify(name)}`);
  return name;
}

/**
 * The shard files of a local drive: the temp area (`tmpRoot/<tmp-id>/`) where they are written,
 * and `dataRoot/<bucket-id>/<2 hex>/<data-id>/` where committed ones live.
 */
export class ShardFiles {
  /** Directories known to exist durably, so the hot path skips mkdir and parent fsyncs. */
  private readonly knownDirs = new Set<string>();

  constructor(
    private readonly endpoint: string,
    private readonly tmpRoot: string,
    private readonly dataRoot: string,
    /**
     * For an ENOENT on a directory the drive owns: DriveOffline when the drive itself is gone
     * (its root removed or unmounted), otherwise `err` as it is (one missing directory is not a
     * dead drive).
     */
    private readonly explainMissing: (err: unknown) => Promise<unknown>,
  ) {}

  private tmpDir(tmpId: string): string {
    return join(this.tmpRoot, checkId(tmpId));
  }

  private dataDir(ref: DataRef): string {
    const id = checkId(ref.dataId);
    return join(this.dataRoot, checkId(ref.bucketId), id.slice(0, 2), id);
  }

  /**
   * Creates `dir` (below the data root) and makes each new entry durable in its parent. Never
   * creates the drive root or the data root itself: a drive whose directory vanished (an
   * unmounted or pulled disk) must fail, not quietly fill the mount point.
   */
  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    const parts = dir.slice(this.dataRoot.length + 1).split('/');
    let cur = this.dataRoot;
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

  async readFileStream(
    ref: DataRef,
    file: string,
    offset: number,
    length: number,
    chunkSize = DEFAULT_CHUNK,
    signal?: AbortSignal,
  ): Promise<ShardStream> {
    if (!(Number.isSafeInteger(offset) && offset >= 0 && Number.isSafeInteger(length) && length >= 0))
      throw new DriveError('InvalidPath', `invalid range ${offset}+${length}`);
    if (!(Number.isSafeInteger(chunkSize) && chunkSize > 0))
      throw new DriveError('InvalidPath', `invalid chunk size ${chunkSize}`);
    const path = join(this.dataDir(ref), checkFile(file));
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR'))
        throw new DriveError('FileNotFound', `${this.endpoint}: ${file} missing`);
      throw err;
    }
    return new FileRangeStream(fh, offset, length, chunkSize, signal);
  }

  async deleteDataFile(ref: DataRef, file: string): Promise<void> {
    await rm(join(this.dataDir(ref), checkFile(file)), { force: true });
  }

  async deleteData(ref: DataRef): Promise<void> {
    await rm(this.dataDir(ref), { recursive: true, force: true });
  }

  /** Removes temp entries, and data dirs `isReferenced` does not know, last modified before `olderThan`. */
  async sweep(
    olderThan: number,
    isReferenced: (dataId: string) => boolean,
    signal?: AbortSignal,
  ): Promise<number> {
    let removed = 0;
    const removeIfOld = async (path: string) => {
      signal?.throwIfAborted();
      const st = await stat(path).catch(() => undefined);
      if (st && st.mtimeMs < olderThan) {
        await rm(path, { recursive: true, force: true });
        removed++;
      }
    };
    for (const name of await readdir(this.tmpRoot).catch(() => [] as string[]))
      await removeIfOld(join(this.tmpRoot, name));
    for (const bucketId of await readdir(this.dataRoot).catch(() => [] as string[])) {
      for (const shard of await readdir(join(this.dataRoot, bucketId)).catch(() => [] as string[])) {
        const shardDir = join(this.dataRoot, bucketId, shard);
        for (const dataId of await readdir(shardDir).catch(() => [] as string[])) {
          if (!isReferenced(dataId)) await removeIfOld(join(shardDir, dataId));
        }
      }
    }
    return removed;
  }
}

/**
 * A byte range of an open file, read one chunk per pull: each `next()` reserves the next
 * `chunkSize` bytes at once and reads them into a fresh buffer (callers keep the chunks they are
 * given), so pulls issued together read concurrently and still come back in order. Memory is what
 * the consumer asked for; nothing is read that it did not ask for.
 */
class FileRangeStream implements ShardStream, AsyncIterator<Buffer> {
  private closing: Promise<void> | undefined;
  /** Set once a read came back short: the file ends there. */
  private ended = false;

  constructor(
    private readonly fh: FileHandle,
    private position: number,
    private left: number,
    private readonly chunkSize: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this;
  }

  next(): Promise<IteratorResult<Buffer>> {
    if (this.closing || this.ended || this.left === 0) return this.finish();
    if (this.signal?.aborted) {
      const reason: unknown = this.signal.reason;
      return this.close().then(() => Promise.reject(reason));
    }
    const want = Math.min(this.chunkSize, this.left);
    const at = this.position;
    this.position += want;
    this.left -= want;
    return this.readChunk(at, want);
  }

  private async readChunk(at: number, want: number): Promise<IteratorResult<Buffer>> {
    const buf = Buffer.allocUnsafe(want);
    let got = 0;
    try {
      while (got < want) {
        const { bytesRead } = await this.fh.read(buf, got, want - got, at + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    if (got < want) this.ended = true; // a short read: the file ends here
    if (got === 0) return this.finish();
    return { done: false, value: got === want ? buf : buf.subarray(0, got) };
  }

  private async finish(): Promise<IteratorResult<Buffer>> {
    await this.close();
    return { done: true, value: undefined };
  }

  return(): Promise<IteratorResult<Buffer>> {
    return this.finish();
  }

  /** Node's FileHandle.close waits for reads in flight before closing. */
  close(): Promise<void> {
    this.closing ??= this.fh.close().catch(() => {});
    return this.closing;
  }
}
