import type { MetaEntry, ScanOptions } from '../drive/drive.js';
import type { ErasureSet } from './erasure-set.js';

export interface MergedEntry {
  key: Buffer;
  /** Each drive's value for the key; undefined where the drive lacks it or was not scanned. */
  perDrive: (Buffer | undefined)[];
  /**
   * Set when the scan collapsed this key's group (see ScanOptions.collapse). Only the group's
   * smallest merged key has exact `perDrive` values: a drive whose first key of the group is
   * smaller than this one never reported whether it holds this one.
   */
  group?: Buffer;
}

export interface MergedScan {
  entries: MergedEntry[];
  /** How many drives answered the scan. */
  answered: number;
}

interface DriveList {
  drive: number;
  entries: MetaEntry[];
}

/**
 * A sorted range scan on every online drive, merged by key, keeping each drive's value so callers
 * can apply the same quorum rule as a point read. Each drive returns at most `limit` entries; keys
 * past the smallest last key of a drive that hit the limit are dropped (that drive may hold more
 * before them on its next page). The result is the exact merge of the drives' entries up to that
 * horizon, at most `limit` keys; fewer than `limit` means every drive's range is exhausted.
 */
export async function mergedScan(set: ErasureSet, table: string, opts: ScanOptions): Promise<MergedScan> {
  const lists = await scanDrives(
    set,
    table,
    opts,
    set.drives.map((_, i) => i),
  );
  return { entries: mergeLists(lists, set.size, opts.limit), answered: lists.length };
}

/**
 * The same merge as `mergedScan`, read from as few drives as can decide every key: the first
 * `max(data, parity + 1)` drives that answer. When those drives all hold a key with identical
 * records, that record is on at least `data` drives and no newer version can be on read quorum
 * drives without one of them holding it, so it is what a GET returns. When they disagree about any
 * entry (a missed write or delete, a replaced drive), the rest of the drives are scanned too and
 * the page is the full merge. `full` tells which one the caller got.
 */
export async function quorumScan(
  set: ErasureSet,
  table: string,
  opts: ScanOptions,
): Promise<MergedScan & { full: boolean }> {
  const want = Math.max(set.size - set.parity, set.parity + 1);
  const order = set.drives.flatMap((d, i) => (d ? [i] : []));
  let next = Math.min(want, order.length);
  const lists = await scanDrives(set, table, opts, order.slice(0, next));
  while (lists.length < want && next < order.length) {
    const more = order.slice(next, next + want - lists.length);
    next += more.length;
    lists.push(...(await scanDrives(set, table, opts, more)));
  }
  let entries = mergeLists(lists, set.size, opts.limit);
  if (next < order.length && !agreeing(entries, lists)) {
    lists.push(...(await scanDrives(set, table, opts, order.slice(next))));
    entries = mergeLists(lists, set.size, opts.limit);
    next = order.length;
  }
  return { entries, answered: lists.length, full: next === order.length };
}

/** Whether every scanned drive holds every entry, byte for byte (later keys of a group excepted). */
function agreeing(entries: MergedEntry[], lists: DriveList[]): boolean {
  let group: Buffer | undefined;
  for (const e of entries) {
    if (e.group && group?.equals(e.group)) continue;
    group = e.group;
    const first = e.perDrive[(lists[0] as DriveList).drive];
    if (!first) return false;
    for (let i = 1; i < lists.length; i++) {
      const v = e.perDrive[(lists[i] as DriveList).drive];
      if (!v?.equals(first)) return false;
    }
  }
  return true;
}

async function scanDrives(
  set: ErasureSet,
  table: string,
  opts: ScanOptions,
  drives: number[],
): Promise<DriveList[]> {
  // Through `each`, so a drive found offline is taken out of the set as on every other path.
  const res = await set.each(async (d, i) => (drives.includes(i) ? d.metaScan(table, opts) : undefined));
  const lists: DriveList[] = [];
  res.forEach((r, drive) => {
    if (r.ok && r.value) lists.push({ drive, entries: r.value });
  });
  return lists;
}

function mergeLists(lists: DriveList[], size: number, limit: number): MergedEntry[] {
  let horizon: Buffer | undefined;
  for (const l of lists) {
    if (l.entries.length < limit) continue;
    const last = (l.entries[l.entries.length - 1] as MetaEntry).key;
    if (!horizon || Buffer.compare(last, horizon) < 0) horizon = last;
  }
  const entries: MergedEntry[] = [];
  if (lists.length === 1) {
    const { drive, entries: only } = lists[0] as DriveList;
    for (const e of only) {
      const perDrive: (Buffer | undefined)[] = new Array(size).fill(undefined);
      perDrive[drive] = e.value;
      entries.push(e.group ? { key: e.key, perDrive, group: e.group } : { key: e.key, perDrive });
    }
    return entries;
  }
  // k-way merge of the drives' sorted lists (k is at most the set size: a linear pick of the minimum).
  const pos = lists.map(() => 0);
  const at: number[] = [];
  while (entries.length < limit) {
    let min: MetaEntry | undefined;
    at.length = 0;
    for (let i = 0; i < lists.length; i++) {
      const e = (lists[i] as DriveList).entries[pos[i] as number];
      if (!e) continue;
      const c = min ? Buffer.compare(e.key, min.key) : -1;
      if (c < 0) {
        min = e;
        at.length = 0;
      }
      if (c <= 0) at.push(i);
    }
    if (!min || (horizon && Buffer.compare(min.key, horizon) > 0)) break;
    const perDrive: (Buffer | undefined)[] = new Array(size).fill(undefined);
    for (const i of at) {
      const l = lists[i] as DriveList;
      perDrive[l.drive] = (l.entries[pos[i] as number] as MetaEntry).value;
      pos[i] = (pos[i] as number) + 1;
    }
    entries.push(min.group ? { key: min.key, perDrive, group: min.group } : { key: min.key, perDrive });
  }
  return entries;
}

/** Any drive's value of a merged entry (for records written identically to every drive). */
export function anyValue(e: MergedEntry): Buffer {
  for (const v of e.perDrive) if (v) return v;
  throw new Error('merged entry without a value');
}

/** How many drives hold the entry. */
export function holders(e: MergedEntry): number {
  let n = 0;
  for (const v of e.perDrive) if (v) n++;
  return n;
}
