/** Helpers for tests that run the object layer on real temp-directory drives. */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Drive } from '../../src/drive/drive.js';
import { openDrive } from '../../src/drive/open-drive.js';
import type { ObjectLayer, PutObjectOptions } from '../../src/object/object-layer.js';

export async function tempRoot(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-test-'));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Opens and mounts the drive at `path` (a formatted one: the object layer using it must be closed). */
export async function mountDrive(path: string): Promise<Drive> {
  const d = openDrive(path);
  await d.mount();
  return d;
}

export function drivePaths(root: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => join(root, `d${i}`));
}

/** Deterministic pseudo-random bytes (so failures are reproducible). */
export function pattern(size: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** A body stream delivering `data` in chunks of `chunk` bytes. */
export function bodyOf(data: Buffer, chunk = 64 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  return Readable.from(parts);
}

export async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

export async function put(
  ol: ObjectLayer,
  bucket: string,
  key: string,
  data: Buffer,
  extra: Partial<PutObjectOptions> = {},
) {
  return ol.putObject(bucket, key, bodyOf(data), { size: data.length, metadata: {}, ...extra });
}

export async function get(
  ol: ObjectLayer,
  bucket: string,
  key: string,
  range?: { start: number; end: number },
) {
  const r = await ol.openObject(bucket, key);
  return readAll(r.read(range));
}

/** Every file under `dir`, relative paths, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      const st = await stat(p);
      if (st.isDirectory()) await walk(p, join(rel, name));
      else out.push(join(rel, name));
    }
  };
  await walk(dir, '');
  return out.sort();
}
