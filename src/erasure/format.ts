import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { type Drive, type DriveProbe, SYS_DIR } from '../drive/drive.js';
import type { DriveStats } from '../drive/drive-stats.js';
import { StorageConfigError } from '../drive/errors.js';
import type { MonitoredDrive } from '../drive/monitored-drive.js';
import { openDrive } from '../drive/open-drive.js';
import { defaultParity, writeQuorum } from './erasure-layout.js';
import { MAX_PARITY_SHARDS } from './reed-solomon.js';

export const FORMAT_FILE = 'format.json';

/** `.cairn.sys/format.json`: who this drive is and which set it belongs to. */
export interface FormatFile {
  version: 1;
  deploymentId: string;
  /** Default parity of the deployment (objects record their own). */
  parity: number;
  /** uuids of every drive of the set, in order. */
  drives: string[];
  /** This drive: its position in `drives` and its uuid. */
  index: number;
  uuid: string;
}

/** The part of the format every drive of a set shares. */
export type SetFormat = Omit<FormatFile, 'index' | 'uuid'>;

export interface OpenedSet {
  /** One per drive path, mounted; undefined for an offline drive. */
  drives: (MonitoredDrive | undefined)[];
  format: SetFormat;
  /** Drives found fresh (missing or empty) and formatted with their expected identity. */
  fresh: number[];
  /** Drives that could not be opened (unreadable directory, format or index): offline until they come back. */
  offline: { index: number; path: string; reason: string }[];
  /** This start formatted a new set (every readable drive was fresh). */
  created: boolean;
}

export function validateParity(parity: number, drives: number): void {
  if (!Number.isInteger(parity) || parity < 0)
    throw new StorageConfigError(`parity must be a non-negative integer, got ${parity}`);
  if (parity > Math.floor(drives / 2))
    throw new StorageConfigError(`parity ${parity} is more than half of the ${drives} drives`);
  if (parity > MAX_PARITY_SHARDS)
    throw new StorageConfigError(`parity ${parity} is above the codec's maximum of ${MAX_PARITY_SHARDS}`);
}

/**
 * What start-up finds on a drive. A drive that cannot be read (not a directory, permission
 * denied, I/O error, a format file that cannot be read or parsed) is offline: a failed disk, which
 * the set survives within its parity. A readable drive that is not ours is an operator mistake
 * and stops start-up (StorageConfigError).
 */
type DriveState =
  | { kind: 'formatted'; format: FormatFile }
  | { kind: 'fresh'; missing: boolean }
  | { kind: 'offline'; reason: string };

function errText(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/** What is on `drive`, through the Drive itself (a remote drive answers the same questions). */
async function inspect(drive: Drive): Promise<DriveState> {
  let probe: DriveProbe;
  try {
    probe = await drive.probe();
  } catch (err) {
    return { kind: 'offline', reason: `cannot read directory: ${errText(err)}` };
  }
  if (probe.kind === 'missing') return { kind: 'fresh', missing: true };
  if (probe.kind === 'unreadable')
    return { kind: 'offline', reason: `cannot read directory: ${probe.reason}` };
  let raw: Buffer | undefined;
  try {
    raw = await drive.readSysFile(FORMAT_FILE);
  } catch (err) {
    return { kind: 'offline', reason: `cannot read ${SYS_DIR}/${FORMAT_FILE}: ${errText(err)}` };
  }
  if (raw) {
    try {
      const f = JSON.parse(raw.toString('utf8')) as FormatFile;
      if (f.version !== 1 || !Array.isArray(f.drives) || typeof f.uuid !== 'string')
        throw new Error('bad shape');
      return { kind: 'formatted', format: f };
    } catch {
      return { kind: 'offline', reason: `${SYS_DIR}/${FORMAT_FILE} is corrupt` };
    }
  }
  if (probe.foreign.length > 0)
    throw new StorageConfigError(
      `drive ${drive.endpoint} is not empty and holds no ${SYS_DIR}/${FORMAT_FILE}; refusing to use it`,
    );
  return { kind: 'fresh', missing: false };
}

/**
 * Opens the drives of one erasure set. On first start (every readable drive fresh) formats them
 * all; later verifies every formatted drive belongs to the same deployment at the same position,
 * and formats fresh (replaced or wiped) drives with the identity they are expected to have, as long
 * as enough drives are formatted to read the set. Drives that cannot be opened are left offline
 * (listed in `offline`) while read quorum holds (write quorum on first start). Throws
 * StorageConfigError naming the offending drive, or saying how many drives are missing.
 */
export async function openSetDrives(paths: string[], parity?: number): Promise<OpenedSet> {
  if (paths.length < 1 || paths.length > 16)
    throw new StorageConfigError(`an erasure set has 1 to 16 drives, got ${paths.length}`);
  // Throws for an endpoint that is not a drive; opening a handle touches nothing yet.
  const handles = paths.map((p) => openDrive(p));
  const seen = new Set<string>();
  for (const p of paths) {
    const r = resolve(p);
    if (seen.has(r)) throw new StorageConfigError(`drive ${p} is listed twice`);
    seen.add(r);
  }
  if (parity !== undefined) validateParity(parity, paths.length);
  try {
    return await openHandles(paths, handles, parity);
  } catch (err) {
    await Promise.all(handles.map((d) => d.close().catch(() => {})));
    throw err;
  }
}

async function openHandles(
  paths: string[],
  handles: MonitoredDrive[],
  parity: number | undefined,
): Promise<OpenedSet> {
  const states = await Promise.all(handles.map(inspect));
  const formatted = states.flatMap((s, i) => (s.kind === 'formatted' ? [{ i, f: s.format }] : []));

  let base: SetFormat;
  /** Drives that must open: write quorum to format a new set, read quorum to serve an existing one. */
  let needed: number;
  const offlineAt = (): OpenedSet['offline'] =>
    states.flatMap((s, i) =>
      s.kind === 'offline' ? [{ index: i, path: paths[i] as string, reason: s.reason }] : [],
    );
  const offlineText = () =>
    offlineAt()
      .map((o) => `${o.path}: ${o.reason}`)
      .join('; ');
  if (formatted.length === 0) {
    const p = parity ?? defaultParity(paths.length);
    validateParity(p, paths.length);
    // An unreadable drive may hold a format; formatting a new deployment needs write quorum anyway.
    const usable = states.filter((s) => s.kind === 'fresh').length;
    needed = writeQuorum(paths.length - p, p);
    if (usable < needed)
      throw new StorageConfigError(
        `only ${usable} of ${paths.length} drives are usable, ${needed} are needed to format a new set (${offlineText()})`,
      );
    base = { version: 1, deploymentId: randomUUID(), parity: p, drives: paths.map(() => randomUUID()) };
  } else {
    // The deployment most drives agree on is the reference; any other is a foreign drive.
    const votes = new Map<string, number>();
    for (const { f } of formatted) votes.set(f.deploymentId, (votes.get(f.deploymentId) ?? 0) + 1);
    const deploymentId = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as string;
    const ref = formatted.find((x) => x.f.deploymentId === deploymentId)?.f as FormatFile;
    base = { version: 1, deploymentId, parity: ref.parity, drives: ref.drives };
    if (ref.drives.length !== paths.length)
      throw new StorageConfigError(
        `the set was formatted with ${ref.drives.length} drives but ${paths.length} were given`,
      );
    const uuidsSeen = new Map<string, number>();
    for (const { i, f } of formatted) {
      const path = paths[i] as string;
      if (f.deploymentId !== deploymentId)
        throw new StorageConfigError(
          `drive ${path} belongs to another deployment (${f.deploymentId}, expected ${deploymentId})`,
        );
      if (f.drives.join() !== ref.drives.join())
        throw new StorageConfigError(`drive ${path} has a different set layout than the other drives`);
      const dup = uuidsSeen.get(f.uuid);
      if (dup !== undefined)
        throw new StorageConfigError(
          `drive ${path} is a duplicate of drive ${paths[dup]} (same drive id ${f.uuid})`,
        );
      uuidsSeen.set(f.uuid, i);
      const expectedAt = ref.drives.indexOf(f.uuid);
      if (expectedAt !== i)
        throw new StorageConfigError(
          `drive ${path} is drive #${expectedAt + 1} of the set but was given at position #${i + 1}; drives reordered?`,
        );
    }
    if (parity !== undefined) base.parity = parity;
    needed = paths.length - ref.parity;
    if (formatted.length < needed) {
      const offline = offlineAt().length;
      throw new StorageConfigError(
        `only ${formatted.length} of ${paths.length} drives are formatted${offline > 0 ? ` and readable (${offlineText()})` : ''}; at least ${needed} are needed to start`,
      );
    }
  }

  // A drive whose directory, index or format cannot be opened or written is offline too.
  const drives = await Promise.all(
    handles.map(async (drive, i): Promise<MonitoredDrive | undefined> => {
      const s = states[i] as DriveState;
      try {
        if (s.kind === 'offline') return undefined;
        await drive.mount({ createRoot: true });
        if (s.kind === 'fresh') await writeFormat(drive, base, i);
        return drive;
      } catch (err) {
        states[i] = { kind: 'offline', reason: `cannot open: ${errText(err)}` };
        return undefined;
      } finally {
        if (states[i]?.kind === 'offline') await drive.close().catch(() => {});
      }
    }),
  );
  const online = drives.filter(Boolean).length;
  const formattedOnline = drives.filter((d, i) => d && formatted.some((x) => x.i === i)).length;
  if ((formatted.length === 0 ? online : formattedOnline) < needed) {
    await Promise.all(drives.map((d) => d?.close()));
    throw new StorageConfigError(
      `only ${online} of ${paths.length} drives could be opened, ${needed} are needed to start (${offlineText()})`,
    );
  }
  const fresh = states.flatMap((s, i) => (s.kind === 'fresh' ? [i] : []));
  return { drives, format: base, fresh, offline: offlineAt(), created: formatted.length === 0 };
}

/** Gives a fresh drive the identity of slot `index` of the set. */
async function writeFormat(drive: Drive, base: SetFormat, index: number): Promise<void> {
  const f: FormatFile = { ...base, index, uuid: base.drives[index] as string };
  await drive.writeSysFile(FORMAT_FILE, Buffer.from(`${JSON.stringify(f, null, 2)}\n`));
}

/**
 * Opens drive `index` of a running set again once it is back at `path`: the same drive (its format
 * names this deployment and this slot), or an empty replacement, which gets the slot's identity.
 * Undefined while the path is missing, unreadable, or holds anything else: a foreign or corrupt
 * drive is never taken in, and a missing path is not created, so an unmounted disk is not replaced
 * by a directory on the root filesystem.
 */
export async function reopenDrive(
  path: string,
  base: SetFormat,
  index: number,
  stats?: DriveStats,
): Promise<{ drive: MonitoredDrive; fresh: boolean } | undefined> {
  const drive = openDrive(path, { stats });
  const back = await takeBack(drive, base, index).catch(() => undefined);
  if (back === undefined) await drive.close().catch(() => {});
  return back;
}

async function takeBack(
  drive: MonitoredDrive,
  base: SetFormat,
  index: number,
): Promise<{ drive: MonitoredDrive; fresh: boolean } | undefined> {
  const state = await inspect(drive);
  if (state.kind === 'offline' || (state.kind === 'fresh' && state.missing)) return undefined;
  if (
    state.kind === 'formatted' &&
    (state.format.deploymentId !== base.deploymentId || state.format.uuid !== base.drives[index])
  )
    return undefined;
  await drive.mount({ createRoot: false });
  if (state.kind === 'fresh') await writeFormat(drive, base, index);
  return { drive, fresh: state.kind === 'fresh' };
}
