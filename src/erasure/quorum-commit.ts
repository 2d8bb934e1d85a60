/**
 * Metadata commits that stand on write quorum or not at all: the one place a failed commit is
 * taken back.
 */
import type { MetaOp } from '../drive/drive.js';
import type { ErasureSet } from './erasure-set.js';
import { ErasureWriteQuorum } from './errors.js';

/** What one drive commits, and the ops that put back what it held before. */
export interface DriveChange {
  apply: MetaOp[];
  undo: MetaOp[];
}

/**
 * Commits each drive's `apply` (`changes[d]` for drive d: one atomic transaction per drive; an
 * undefined change skips the drive). When fewer than `quorum` drives commit, the drives that did
 * commit their `undo`, and it throws ErasureWriteQuorum naming `what`. Returns which drives committed.
 */
export async function commitOnQuorum(
  set: ErasureSet,
  changes: readonly (DriveChange | undefined)[],
  quorum: number,
  what: string,
): Promise<boolean[]> {
  const committed = await set.commit(changes.map((c) => c?.apply));
  const count = committed.filter(Boolean).length;
  if (count < quorum) {
    await set.commit(changes.map((c, d) => (committed[d] ? c?.undo : undefined)));
    throw new ErasureWriteQuorum(`only ${count} of ${set.size} drives committed ${what} (need ${quorum})`);
  }
  return committed;
}
