import { open, readdir, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FoundFile, walkFiles } from './files.js';

/**
 * Ways to break a stopped server's drives, the way disks and operators break them. Shard files
 * are found by walking each drive's `data/` tree: object keys never map to paths.
 */

/** Every shard file under a drive's data/ tree, sorted by path (stable across runs). */
export async function shardFiles(drive: string): Promise<FoundFile[]> {
  const files = await walkFiles(join(drive, 'data'));
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export async function deleteFiles(files: FoundFile[]): Promise<void> {
  for (const f of files) await unlink(f.path);
}

/** Cuts each file to half its length (a torn write). */
export async function truncateFiles(files: FoundFile[]): Promise<void> {
  for (const f of files) await truncate(f.path, Math.floor(f.size / 2));
}

/**
 * Flips bytes (XOR 0xff) in place: the first byte, the last, and one every `stride` bytes in
 * between, so every erasure block of a large shard is hit (bit rot).
 */
export async function flipBytes(files: FoundFile[], stride = 64 * 1024): Promise<void> {
  for (const f of files) {
    if (f.size === 0) continue;
    const offsets = new Set<number>([0, f.size - 1, Math.floor(f.size / 2)]);
    for (let off = stride; off < f.size; off += stride) offsets.add(off);
    const handle = await open(f.path, 'r+');
    try {
      const one = Buffer.alloc(1);
      for (const off of offsets) {
        await handle.read(one, 0, 1, off);
        one[0] = one[0]! ^ 0xff;
        await handle.write(one, 0, 1, off);
      }
    } finally {
      await handle.close();
    }
  }
}

/** Removes everything inside a drive directory, keeping the (now empty) directory: a replaced disk. */
export async function emptyDrive(drive: string): Promise<void> {
  for (const name of await readdir(drive)) await rm(join(drive, name), { recursive: true, force: true });
}

/**
 * Makes a drive unusable: its directory is replaced by a plain file, so the server can neither
 * use nor recreate it (a dead or unmounted disk whose mount point is gone).
 */
export async function killDrive(drive: string): Promise<void> {
  await rm(drive, { recursive: true, force: true });
  await writeFile(drive, 'this drive has failed\n');
}
