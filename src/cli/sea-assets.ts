/**
 * The single executable's native addons. Node cannot load a `.node` file from memory, so the build
 * embeds the packages that hold them (lmdb and its dependencies, @ronomon/reed-solomon) as SEA
 * assets with a manifest of SHA-256 digests; at start they are unpacked once into a cache directory
 * named by the manifest's id and loaded from there. Every start checks each file against its digest
 * and unpacks again when one differs, so a damaged or edited cache is never loaded.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The asset holding the manifest; the files are assets named by their paths. */
export const MANIFEST_ASSET = 'cairn-sea-manifest.json';

export interface SeaManifest {
  /** Digest over every path and digest: the cache directory's name. */
  id: string;
  files: Array<{ path: string; sha256: string; mode: number }>;
}

/** Reads one embedded asset by key (`node:sea` getAsset in the executable). */
export type AssetSource = (key: string) => Buffer;

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Where unpacked assets live: $XDG_CACHE_HOME/cairn, else ~/.cache/cairn, else a directory of this
 * user's own in the temp directory (a service user without a writable home).
 */
export function seaCacheBase(env: NodeJS.ProcessEnv): string {
  const candidates: string[] = [];
  if (env.XDG_CACHE_HOME) candidates.push(join(env.XDG_CACHE_HOME, 'cairn'));
  const home = env.HOME ?? safeHomedir();
  if (home) candidates.push(join(home, '.cache', 'cairn'));
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      accessSync(dir, constants.W_OK);
      return dir;
    } catch {
      // not writable (read-only home, ProtectHome=): try the next place
    }
  }
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `cairn-cache-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Another user could have made this path first: only a directory we own is used.
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0)
    throw new Error(`cache directory ${dir} is not this user's private directory`);
  return dir;
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}

/** True when every file of the manifest is in `dir` with its digest. */
function holdsManifest(dir: string, manifest: SeaManifest): boolean {
  for (const file of manifest.files) {
    try {
      if (sha256(readFileSync(join(dir, file.path))) !== file.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Unpacks the manifest's files under `base`/<id> unless a verified copy is there already; returns
 * that directory. Files are written to a private temporary directory renamed into place, so a
 * crash or a second process starting at the same time never leaves a half-written copy in use.
 */
export function unpackAssets(source: AssetSource, base: string): string {
  const manifest = JSON.parse(source(MANIFEST_ASSET).toString('utf8')) as SeaManifest;
  if (!/^[0-9a-f]{16,64}$/.test(manifest.id)) throw new Error('embedded asset manifest has no valid id');
  const dir = join(base, manifest.id);
  if (holdsManifest(dir, manifest)) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const file of manifest.files) {
      const bytes = source(file.path);
      if (sha256(bytes) !== file.sha256)
        throw new Error(`embedded asset ${file.path} does not match its digest`);
      const target = join(tmp, file.path);
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFileSync(target, bytes, { mode: file.mode & 0o755 });
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another process unpacked the same id meanwhile: use its copy if it is whole.
      if (!holdsManifest(dir, manifest)) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!holdsManifest(dir, manifest)) throw new Error(`unpacked assets in ${dir} do not match their digests`);
  return dir;
}
