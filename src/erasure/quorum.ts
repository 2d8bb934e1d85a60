/**
 * The one quorum rule: what the drives of a set agree on, among the values (or the absence of one)
 * each drive answered. Set-wide records (buckets, bucket configuration, uploads) and object
 * versions are all decided here; only the options differ.
 */
import type { PerDrive } from './erasure-set.js';

export type Agreement<T> =
  /** A value reached its quorum; `holders[d]`: drive d holds that same value. */
  | { kind: 'held'; value: T; holders: boolean[] }
  /**
   * Enough drives answered without any value that none can be on quorum drives; values on the
   * others are dangling (a delete they missed, or a write that failed), `holders[d]`: drive d holds one.
   */
  | { kind: 'absent'; holders: boolean[] }
  /** Too few drives answered, or they disagree: nothing can be decided. */
  | { kind: 'undecided'; answered: number; best: number };

export interface AgreeOptions<T> {
  /** How many drives must hold one value for it to count: a number, or per value (an object's data shards). */
  quorum: number | ((value: T) => number);
  /** Two answers are the same value when their identities are equal. */
  identity: (value: T) => string;
  /** Among values that reach their quorum, whether `a` wins over `b`; by default, the one more drives hold. */
  prefer?: (a: T, b: T) => boolean;
}

/**
 * Decides what `answers` agree on: among the values that reach their quorum, the preferred one;
 * else absence, when at least as many drives answered without a value as the most demanding value
 * present would need (when no drive holds any value, absence); else undecided.
 */
export function agree<T>(answers: PerDrive<T | undefined>, opts: AgreeOptions<T>): Agreement<T> {
  const quorumOf = typeof opts.quorum === 'number' ? () => opts.quorum as number : opts.quorum;
  const groups = new Map<string, { value: T; drives: number[] }>();
  let answered = 0;
  let empty = 0;
  answers.forEach((a, d) => {
    if (!a.ok) return;
    answered++;
    if (a.value === undefined) {
      empty++;
      return;
    }
    const id = opts.identity(a.value);
    const g = groups.get(id);
    if (g) g.drives.push(d);
    else groups.set(id, { value: a.value, drives: [d] });
  });
  let best: { value: T; drives: number[] } | undefined;
  let absentQuorum = typeof opts.quorum === 'number' ? opts.quorum : 0;
  let most = 0;
  for (const g of groups.values()) {
    const need = quorumOf(g.value);
    absentQuorum = Math.max(absentQuorum, need);
    most = Math.max(most, g.drives.length);
    if (g.drives.length < need) continue;
    const wins =
      best === undefined ||
      (opts.prefer ? opts.prefer(g.value, best.value) : g.drives.length > best.drives.length);
    if (wins) best = g;
  }
  if (best) {
    const held = best.drives;
    return { kind: 'held', value: best.value, holders: answers.map((_, d) => held.includes(d)) };
  }
  if (groups.size === 0 && typeof opts.quorum !== 'number')
    return { kind: 'absent', holders: answers.map(() => false) };
  if (empty >= absentQuorum) {
    return { kind: 'absent', holders: answers.map((a) => a.ok && a.value !== undefined) };
  }
  return { kind: 'undecided', answered, best: most };
}
