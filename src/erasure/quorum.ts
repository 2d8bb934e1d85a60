/**
 * The quorum rule for set-wide records (buckets, bucket configuration): what read quorum of drives
 * agree on, among the values (or the absence of one) each drive answered.
 */
import type { PerDrive } from './erasure-set.js';

export type Agreement<T> =
  /** At least `quorum` drives hold one value; `holders[d]`: drive d holds it. */
  | { kind: 'held'; value: T; holders: boolean[] }
  /**
   * At least `quorum` drives answered without any value; values on the other drives are dangling
   * (a delete they missed, or a write that failed), `holders[d]`: drive d holds one.
   */
  | { kind: 'absent'; holders: boolean[] }
  /** Too few drives answered, or they disagree: nothing can be decided. */
  | { kind: 'undecided'; answered: number; best: number };

/**
 * Decides what `answers` agree on: the value most drives hold when at least `quorum` hold it
 * (values are the same when `identity` says so), else absence when at least `quorum` drives
 * answered without one, else undecided.
 */
export function agree<T>(
  answers: PerDrive<T | undefined>,
  quorum: number,
  identity: (value: T) => string,
): Agreement<T> {
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
    const id = identity(a.value);
    const g = groups.get(id);
    if (g) g.drives.push(d);
    else groups.set(id, { value: a.value, drives: [d] });
  });
  let best: { value: T; drives: number[] } | undefined;
  for (const g of groups.values()) if (!best || g.drives.length > best.drives.length) best = g;
  if (best && best.drives.length >= quorum) {
    const held = best.drives;
    return { kind: 'held', value: best.value, holders: answers.map((_, d) => held.includes(d)) };
  }
  if (empty >= quorum) {
    return { kind: 'absent', holders: answers.map((a) => a.ok && a.value !== undefined) };
  }
  return { kind: 'undecided', answered, best: best?.drives.length ?? 0 };
}
