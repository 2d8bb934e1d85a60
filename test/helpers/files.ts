import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** A fresh temp directory; remove it with removeDir. */
export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `cairn-${prefix}-`));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes `size` random bytes to `path` in 1 MiB blocks (never the whole file in memory) and
 * returns their sha256.
 */
export async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'w');
  try {
    let left = size;
    while (left > 0) {
      const block = randomBytes(Math.min(left, 1024 * 1024));
      hash.update(block);
      await file.write(block);
      left -= block.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

export interface FoundFile {
  path: string;
  /** Path relative to the directory walked. */
  rel: string;
  size: number;
}

/** Every regular file under `dir` (recursively); a missing dir yields none. Bounded by `limit`. */
export async function walkFiles(dir: string, limit = 100_000): Promise<FoundFile[]> {
  const out: FoundFile[] = [];
  const stack = [dir];
  while (stack.length > 0 && out.length < limit) {
    const current = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile()) {
        const info = await stat(path).catch(() => undefined);
        if (info) out.push({ path, rel: relative(dir, path), size: info.size });
      }
    }
  }
  return out;
}

/** Every entry (file, directory, symlink…) under `dir`, as paths relative to it. */
export async function walkEntries(dir: string, limit = 100_000): Promise<string[]> {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0 && out.length < limit) {
    const current = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      out.push(relative(dir, path));
      if (entry.isDirectory()) stack.push(path);
    }
  }
  return out;
}

/** Deterministic pseudo-random bytes (so a failure can be reproduced from the seed). */
export function seededBytes(size: number, seed: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf[i] = x & 0xff;
  }
  return buf;
}
