import type { MetaOp } from '../drive/drive.js';
import type { WrittenData } from '../erasure/erasure-set.js';
import { commitOnQuorum } from '../erasure/quorum-commit.js';
import { idKey, objectKey, TABLES } from './index-keys.js';
import { type LayerContext, translateError } from './layer-context.js';
import { encodeRecord, type ObjectRecord } from './object-record.js';
import { checkPreconditions } from './put-checks.js';
import { deleteVersionsData, dropVersionOps, putVersionOps } from './version-ops.js';
import type { ObjectState } from './version-state.js';

/** Ops a commit makes on each drive beside the version's own, and the ops that take them back. */
export interface ExtraOps {
  apply: (drive: number) => MetaOp[];
  undo: (drive: number) => MetaOp[];
}

export interface CommitResult {
  rec: ObjectRecord;
  /** What each drive held before: its data is deleted once the caller released the lock. */
  state: ObjectState;
  /** Some drive did not take the new version (queue it for healing). */
  lacking: boolean;
}

/**
 * Commits `rec` as the key's current version. The caller holds the key's write lock (and the
 * bucket's read lock). Checks preconditions against the current version, then writes, on every
 * drive that holds the data, the record and its data ref atomically with the removal of the
 * version it replaces (plus `extraOps`); when too few drives commit, every drive that did is put
 * back as it was and it throws WriteQuorum.
 */
export async function commitVersionLocked(
  ctx: LayerContext,
  bucketId: string,
  key: string,
  rec: ObjectRecord,
  written: WrittenData | undefined,
  cond: { ifMatch?: string; ifNoneMatch?: string },
  extra?: ExtraOps,
): Promise<CommitResult> {
  const { set } = ctx;
  const state = await ctx.versions.state(bucketId, key);
  checkPreconditions(state.current, cond);
  rec.mtime = Math.max(Date.now(), (state.current?.mtime ?? 0) + 1);
  const value = encodeRecord(rec);
  const prevShards = await inlineShards(ctx, state);
  const okey = objectKey(bucketId, key);
  const committed = await commitOnQuorum(
    set,
    set.drives.map((_, d) => {
      if (written && !written.ok[d]) return undefined;
      const prev = state.perDrive[d];
      const apply = putVersionOps(bucketId, key, rec, value, written?.inline?.[d]);
      if (prev && prev.dataId !== rec.dataId) apply.push(...dropVersionOps(prev));
      if (extra) apply.push(...extra.apply(d));
      // The undo puts back the version the drive held (with its inline shard, which the commit drops).
      const undo = dropVersionOps(rec);
      if (prev) undo.push(...putVersionOps(bucketId, key, prev, encodeRecord(prev), prevShards[d]));
      else undo.push({ op: 'del', table: TABLES.objects, key: okey });
      // Last, so what they put back (a ref the version's dir had before, say) stands.
      if (extra) undo.push(...extra.undo(d));
      return { apply, undo };
    }),
    set.writeQuorum(rec.layout),
    key,
  ).catch((err) => {
    throw translateError(err);
  });
  const prev = state.current;
  ctx.usage.change(bucketId, key, prev ? 0 : 1, rec.size - (prev?.size ?? 0));
  return { rec, state, lacking: committed.filter(Boolean).length < set.size };
}

/**
 * Each drive's inline shard of the version the commit replaces. The commit drops it in the same
 * transaction, so this copy is what the undo puts back. No read at all when no version is inline.
 */
async function inlineShards(ctx: LayerContext, state: ObjectState): Promise<(Buffer | undefined)[]> {
  if (!state.perDrive.some((prev) => prev?.inline)) return [];
  const res = await ctx.set.each(async (d, i) => {
    const prev = state.perDrive[i];
    return prev?.inline ? d.metaGet(TABLES.inline, idKey(prev.dataId)) : undefined;
  });
  return res.map((r) => (r.ok ? r.value : undefined));
}

/** After the lock is released: deletes the superseded versions' data and queues healing. */
export async function afterCommit(
  ctx: LayerContext,
  bucket: string,
  key: string,
  bucketId: string,
  res: CommitResult,
) {
  await deleteVersionsData(ctx, bucketId, res.state.perDrive, res.rec.dataId);
  if (res.lacking) ctx.heals.add(bucket, key);
}
