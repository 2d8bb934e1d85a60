import type { MetaOp } from '../drive/drive.js';
import type { WrittenData } from '../erasure/erasure-set.js';
import { encodeRecord, type ObjectRecord } from '../erasure/metadata-record.js';
import { ObjectLayerError } from './errors.js';
import { idKey, objectKey } from './index-keys.js';
import type { DataOwner, LayerContext, ObjectState } from './layer-context.js';
import { checkPreconditions } from './put-checks.js';

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
 * version it replaces (plus `extraOps`). Reverts and throws WriteQuorum when too few drives commit.
 */
export async function commitVersionLocked(
  ctx: LayerContext,
  bucketId: string,
  key: string,
  rec: ObjectRecord,
  written: WrittenData | undefined,
  cond: { ifMatch?: string; ifNoneMatch?: string },
  extraOps?: (drive: number) => MetaOp[],
): Promise<CommitResult> {
  const { set } = ctx;
  const state = await ctx.objectState(bucketId, key);
  checkPreconditions(state.current, cond);
  rec.mtime = Math.max(Date.now(), (state.current?.mtime ?? 0) + 1);
  const value = encodeRecord(rec);
  const okey = objectKey(bucketId, key);
  const owner: DataOwner = { bucketId, key };
  const ownerValue = Buffer.from(JSON.stringify(owner));
  const quorum = set.writeQuorum(rec.layout);
  const committed = await set.commit((d) => {
    if (written && !written.ok[d]) return undefined;
    const ops: MetaOp[] = [
      { op: 'put', table: 'objects', key: okey, value },
      { op: 'put', table: 'refs', key: idKey(rec.dataId), value: ownerValue },
    ];
    const shard = written?.inline?.[d];
    if (rec.inline && shard && shard.length > 0)
      ops.push({ op: 'put', table: 'inline', key: idKey(rec.dataId), value: shard });
    const prev = state.perDrive[d];
    if (prev && prev.dataId !== rec.dataId) ops.push(...ctx.dropVersionOps(prev));
    if (extraOps) ops.push(...extraOps(d));
    return ops;
  });
  const count = committed.filter(Boolean).length;
  if (count < quorum) {
    await revert(ctx, bucketId, key, rec, state, committed);
    throw new ObjectLayerError('WriteQuorum', `only ${count} drives committed ${key} (need ${quorum})`);
  }
  return { rec, state, lacking: count < set.size };
}

/** Puts back, on the drives that committed, the version each held before. */
async function revert(
  ctx: LayerContext,
  bucketId: string,
  key: string,
  rec: ObjectRecord,
  state: ObjectState,
  committed: boolean[],
): Promise<void> {
  const okey = objectKey(bucketId, key);
  await ctx.set.commit((d) => {
    if (!committed[d]) return undefined;
    const ops: MetaOp[] = [
      { op: 'del', table: 'refs', key: idKey(rec.dataId) },
      { op: 'del', table: 'inline', key: idKey(rec.dataId) },
    ];
    const prev = state.perDrive[d];
    if (prev) {
      ops.push({ op: 'put', table: 'objects', key: okey, value: encodeRecord(prev) });
      const owner: DataOwner = { bucketId, key };
      ops.push({
        op: 'put',
        table: 'refs',
        key: idKey(prev.dataId),
        value: Buffer.from(JSON.stringify(owner)),
      });
    } else {
      ops.push({ op: 'del', table: 'objects', key: okey });
    }
    return ops;
  });
}

/** After the lock is released: deletes the superseded versions' data and queues healing. */
export async function afterCommit(
  ctx: LayerContext,
  bucket: string,
  key: string,
  bucketId: string,
  res: CommitResult,
) {
  await ctx.deleteVersionsData(bucketId, res.state.perDrive, res.rec.dataId);
  if (res.lacking) ctx.queueHeal(bucket, key);
}
