/**
 * The index entries that make a version a drive's current one (record, inline shard, data-dir
 * ref) and take them away, and the deletion of superseded versions' data.
 */
import type { MetaOp } from '../drive/drive.js';
import { idKey, objectKey, TABLES } from './index-keys.js';
import type { LayerContext } from './layer-context.js';
import type { ObjectRecord } from './object-record.js';

/** Owner of a data id, stored in the `refs` table so the startup sweep knows what is live. */
export interface DataOwner {
  bucketId: string;
  key: string;
  uploadId?: string;
}

/** The op that records `owner` as the owner of the data dir `dataId` (read by the drive's sweep). */
export function putRefOp(dataId: string, owner: DataOwner): MetaOp {
  return { op: 'put', table: TABLES.refs, key: idKey(dataId), value: Buffer.from(JSON.stringify(owner)) };
}

/**
 * Metadata ops that make `rec` (encoded as `value`) a drive's version of the key: its record, its
 * inline shard (`shard`, inline versions only), and for a version with a data dir the ref naming
 * the dir's owner, which the drive's sweep reads before it deletes an unreferenced dir. Inline
 * versions have no dir and get no ref: one index write fewer per object and drive.
 */
export function putVersionOps(
  bucketId: string,
  key: string,
  rec: ObjectRecord,
  value: Buffer,
  shard?: Buffer,
): MetaOp[] {
  const ops: MetaOp[] = [{ op: 'put', table: TABLES.objects, key: objectKey(bucketId, key), value }];
  if (rec.inline) {
    if (shard && shard.length > 0)
      ops.push({ op: 'put', table: TABLES.inline, key: idKey(rec.dataId), value: shard });
  } else {
    ops.push(putRefOp(rec.dataId, { bucketId, key }));
  }
  return ops;
}

/**
 * Metadata ops that drop a version's index entries (its data dir is deleted separately). The ref
 * is dropped for inline versions too: versions written before inline ones stopped getting one have it.
 */
export function dropVersionOps(rec: ObjectRecord): MetaOp[] {
  const ops: MetaOp[] = [{ op: 'del', table: TABLES.refs, key: idKey(rec.dataId) }];
  if (rec.inline) ops.push({ op: 'del', table: TABLES.inline, key: idKey(rec.dataId) });
  return ops;
}

/**
 * Deletes the data files of versions no longer referenced. Resolves when the unused ones are gone;
 * a version some read still streams is deleted when that read ends.
 */
export async function deleteVersionsData(
  ctx: LayerContext,
  bucketId: string,
  recs: (ObjectRecord | undefined)[],
  keep?: string,
): Promise<void> {
  const ids = new Set<string>();
  for (const r of recs) if (r && !r.inline && r.dataId !== keep) ids.add(r.dataId);
  const now: Promise<void>[] = [];
  for (const dataId of ids) {
    const run = () =>
      ctx.set
        .deleteData({ bucketId, dataId })
        .catch((err: unknown) => ctx.logger.warn(`delete of data ${dataId} failed`, { dataId, err }));
    if (ctx.pins.isPinned(dataId)) ctx.pins.whenFree(dataId, () => void run());
    else now.push(run());
  }
  await Promise.all(now);
}
