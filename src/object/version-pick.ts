/**
 * Which version of a key a read returns, from the record each drive holds: the quorum rule
 * (erasure/quorum.ts) with the version's own terms. Records are the same version when they share
 * data id and mod time; a version counts when its data shards' worth of drives hold it; among those,
 * the newest wins. A key whose records are dangling (on fewer drives than their data shards, while
 * at least that many drives answer without any: what a delete or an overwrite leaves on drives
 * that were away, or a write that failed) reads as absent.
 */
import type { PerDrive } from '../erasure/erasure-set.js';
import { ErasureReadQuorum } from '../erasure/errors.js';
import { agree } from '../erasure/quorum.js';

/** What the rule needs of a record: a full record or just its head. */
export interface VersionHead {
  dataId: string;
  mtime: number;
  layout: { data: number };
}

const VERSION_RULE = {
  quorum: (r: VersionHead) => r.layout.data,
  identity: (r: VersionHead) => `${r.dataId}:${r.mtime}`,
  prefer: (a: VersionHead, b: VersionHead) => a.mtime > b.mtime,
};

/**
 * The version `answers` agree on and which drives hold it; undefined when the key has none (never
 * written, deleted, or only dangling records). Throws ErasureReadQuorum when it cannot be told.
 */
export function pickVersion<R extends VersionHead>(
  answers: PerDrive<R | undefined>,
): { record: R; agree: boolean[] } | undefined {
  const agreed = agree(answers, VERSION_RULE);
  if (agreed.kind === 'held') return { record: agreed.value, agree: agreed.holders };
  if (agreed.kind === 'absent') return undefined;
  throw new ErasureReadQuorum(`no version of the object is on enough drives (best: ${agreed.best})`);
}

/** `pickVersion` over records from drives that all answered (undefined: no record there). */
export function pickAnswered<R extends VersionHead>(records: (R | undefined)[]): R | undefined {
  return pickVersion(records.map((value) => ({ ok: true as const, value })))?.record;
}
