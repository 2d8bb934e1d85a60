/** PutObject once admitted by the write limits: receives the body into shards, then commits it. */
import type { Readable } from 'node:stream';
import type { DigestSpec } from '../erasure/content-digests.js';
import type { ErasureLayout } from '../erasure/erasure-layout.js';
import { randomId, type WrittenData } from '../erasure/erasure-set.js';
import { afterCommit, commitVersionLocked } from './commit-version.js';
import { inlineDataId } from './index-keys.js';
import { type LayerContext, translateError } from './layer-context.js';
import { MAX_PUT_SIZE } from './limits.js';
import { toObjectInfo } from './object-info.js';
import type { ObjectInfo, PutObjectOptions } from './object-layer.js';
import type { ObjectRecord } from './object-record.js';
import { verifyBody } from './put-checks.js';
import { receiveBody, receiveUnsizedBody } from './receive-body.js';
import type { WriteHold, WriteLimits } from './write-limits.js';

/** Objects up to this size live inline in the metadata record: one index write per drive, no files. */
export const INLINE_MAX = 128 * 1024;

export interface PutTarget {
  bucket: string;
  bucketId: string;
  key: string;
  layout: ErasureLayout;
}

/**
 * Stores `body` as the key's new version. A body of unknown length streams until it passes the
 * single-PUT limit or the capacity left (`hold.room`), storing nothing then.
 */
export async function storeObject(
  ctx: LayerContext,
  target: PutTarget,
  body: Readable,
  opts: PutObjectOptions,
  hold: WriteHold,
): Promise<ObjectInfo> {
  const { bucket, bucketId, key, layout } = target;
  const { size } = opts;
  const set = ctx.set;
  const digests: DigestSpec = opts.checksum ? { checksum: opts.checksum.algorithm } : {};
  let inline: boolean;
  let written: WrittenData;
  if (size === undefined) {
    const room = hold.room;
    const maxBytes = Math.min(MAX_PUT_SIZE, room);
    const limits = { layout, file: 'part.1', inlineMax: INLINE_MAX, maxBytes, digests };
    const tooLong = () => (ctx.limits as WriteLimits).tooLong(maxBytes + 1);
    ({ inline, written } = await receiveUnsizedBody(
      set,
      body,
      room < MAX_PUT_SIZE ? { ...limits, tooLong } : limits,
    ));
  } else {
    inline = size <= INLINE_MAX;
    written = await receiveBody(set, body, { layout, inline, file: 'part.1', size, digests });
  }
  const dataId = inline ? inlineDataId() : randomId();
  const ref = { bucketId, dataId };
  let dataCommitted = false;
  try {
    if (size === undefined) hold.grow(written.size);
    const verified = verifyBody(written.size, size ?? written.size, written.digests, opts);
    if (!inline) {
      await set.commitData(written, ref, set.writeQuorum(layout));
      dataCommitted = true;
    }
    const rec: ObjectRecord = {
      size: written.size,
      etag: verified.md5.toString('hex'),
      mtime: 0,
      meta: { ...opts.metadata },
      dataId,
      inline,
      layout,
      multipart: false,
      parts: [],
    };
    if (verified.checksum && opts.checksum)
      rec.checksum = { algorithm: opts.checksum.algorithm, value: verified.checksum, type: 'FULL_OBJECT' };
    rec.parts = [{ n: 1, size: rec.size, etag: rec.etag, file: 'part.1' }];
    const res = await ctx.withObjectWrite(bucket, key, () =>
      commitVersionLocked(ctx, bucketId, key, rec, written, opts),
    );
    await afterCommit(ctx, bucket, key, bucketId, res);
    return toObjectInfo(bucket, key, res.rec);
  } catch (err) {
    if (dataCommitted) await set.deleteData(ref);
    else if (!inline) await set.discardTemp(written.tmpId);
    throw translateError(err);
  }
}
