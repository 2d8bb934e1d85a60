import type { MetaTable } from '../drive/drive.js';
import type { ErasureSet } from '../erasure/erasure-set.js';

export interface MergedEntry {
  key: Buffer;
  /** The distinct values the drives holding the key returned, most common first. */
  values: Buffer[];
}

/**
 * A sorted range scan over every online drive, merged by key, so a wiped or replaced drive hides
 * nothing. Each drive returns at most `limit` entries; keys past the first drive's last entry (when
 * that drive hit the limit) are dropped, since another page may still hold them on that drive.
 * The result is the exact merge of the drives' key sets up to that horizon, at most `limit` keys.
 */
export async function mergedScan(
  set: ErasureSet,
  table: MetaTable,
  start: Buffer,
  startExclusive: boolean,
  end: Buffer | undefined,
  limit: number,
): Promise<MergedEntry[]> {
  const scans = await set.each((d) =>
    d.metaScan(table, end ? { start, startExclusive, end, limit } : { start, startExclusive, limit }),
  );
  let horizon: Buffer | undefined;
  const lists: { key: Buffer; value: Buffer }[][] = [];
  for (const s of scans) {
    if (!s.ok) continue;
    lists.push(s.value);
    if (s.value.length >= limit) {
      const last = s.value[s.value.length - 1]?.key as Buffer;
      if (!horizon || Buffer.compare(last, horizon) < 0) horizon = last;
    }
  }
  if (lists.length === 1) return (lists[0] ?? []).map((e) => ({ key: e.key, values: [e.value] }));
  const byKey = new Map<string, MergedEntry>();
  for (const list of lists) {
    for (const e of list) {
      if (horizon && Buffer.compare(e.key, horizon) > 0) break;
      const id = e.key.toString('latin1');
      const m = byKey.get(id);
      if (m) m.values.push(e.value);
      else byKey.set(id, { key: e.key, values: [e.value] });
    }
  }
  const merged = [...byKey.values()].sort((a, b) => Buffer.compare(a.key, b.key));
  for (const m of merged) if (m.values.length > 1) m.values = mostCommonFirst(m.values);
  return merged.slice(0, limit);
}

function mostCommonFirst(values: Buffer[]): Buffer[] {
  const groups: { v: Buffer; n: number }[] = [];
  for (const v of values) {
    const g = groups.find((x) => x.v.equals(v));
    if (g) g.n++;
    else groups.push({ v, n: 1 });
  }
  groups.sort((a, b) => b.n - a.n);
  return groups.map((g) => g.v);
}
