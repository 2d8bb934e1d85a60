/**
 * CompleteMultipartUpload: the listed parts become the key's new version without moving bytes
 * (the upload's data dir becomes the version's), in one metadata commit that also drops the
 * upload's records. A repeated Complete of an upload already completed is answered from the
 * version it made (repeated-complete.ts).
 */
import { createHash } from 'node:crypto';
import type { MetaOp } from '../drive/drive.js';
import { defaultMultipartChecksumType } from '../util/checksum.js';
import { afterCommit, type CommitResult, commitVersionLocked, type ExtraOps } from './commit-version.js';
import { ObjectLayerError } from './errors.js';
import { partKey, TABLES, uploadKey } from './index-keys.js';
import type { LayerContext } from './layer-context.js';
import { MAX_PARTS, MIN_PART_SIZE } from './limits.js';
import {
  defaultChecksum,
  objectChecksum,
  type UploadChecksumMode,
  verifySentChecksum,
} from './multipart-checksum.js';
import { toObjectInfo } from './object-info.js';
import type {
  ChecksumType,
  CompleteMultipartOptions,
  CompletePart,
  ObjectInfo,
  StoredChecksum,
} from './object-layer.js';
import type { ObjectRecord, UploadOrigin } from './object-record.js';
import { stripEtag } from './put-checks.js';
import { repeatedCompletion } from './repeated-complete.js';
import { readParts, readUpload, type StoredPart, type UploadRecord } from './upload-store.js';
import { putRefOp } from './version-ops.js';
import type { WriteHold } from './write-limits.js';

/** The stored parts `parts` names, in order: each must exist with its ETag (and checksum, if sent). */
function chosenParts(stored: Map<number, StoredPart>, parts: CompletePart[]): StoredPart[] {
  // Every listed part must exist first; sizes are judged only on a valid list.
  const chosen = parts.map((p) => {
    const s = stored.get(p.partNumber);
    if (!s || s.etag !== stripEtag(p.etag))
      throw new ObjectLayerError('InvalidPart', `part ${p.partNumber} was not uploaded or its ETag differs`);
    if (p.checksum !== undefined && s.checksum !== undefined && p.checksum !== s.checksum)
      throw new ObjectLayerError('InvalidPart', `part ${p.partNumber}: checksum differs`);
    return s;
  });
  chosen.forEach((s, i) => {
    if (i < chosen.length - 1 && s.size < MIN_PART_SIZE)
      throw new ObjectLayerError('EntityTooSmall', `part ${s.n} is smaller than 5 MiB`);
  });
  return chosen;
}

/**
 * The version `chosen` makes, and the checksum the completion answers: the object's own, or for
 * an upload created without an algorithm the CRC64NVME S3 reports without keeping it. A checksum
 * or checksum type the client sent is verified here.
 */
function completedVersion(
  u: UploadRecord,
  chosen: StoredPart[],
  opts: CompleteMultipartOptions,
): { rec: ObjectRecord; answered: StoredChecksum | undefined } {
  const algorithm = u.checksumAlgorithm;
  const mode: UploadChecksumMode = algorithm
    ? { algorithm, type: u.checksumType ?? defaultMultipartChecksumType(algorithm) }
    : {};
  const checksum = algorithm
    ? objectChecksum(algorithm, mode.type as ChecksumType, chosen)
    : defaultChecksum(chosen);
  verifySentChecksum(mode, checksum, opts);
  // What a repeated Complete of this upload needs to answer the same.
  const upload: UploadOrigin = { id: u.uploadId, ...mode };
  if (!algorithm && checksum) upload.reported = checksum;
  const md5s = createHash('md5');
  for (const s of chosen) md5s.update(Buffer.from(s.etag, 'hex'));
  const rec: ObjectRecord = {
    size: chosen.reduce((a, s) => a + s.size, 0),
    etag: `${md5s.digest('hex')}-${chosen.length}`,
    mtime: 0,
    meta: { ...u.meta },
    dataId: u.dataId,
    inline: false,
    layout: u.layout,
    multipart: true,
    upload,
    parts: chosen.map((s) =>
      s.checksum !== undefined
        ? { n: s.n, size: s.size, etag: s.etag, file: s.file, checksum: s.checksum }
        : { n: s.n, size: s.size, etag: s.etag, file: s.file },
    ),
  };
  if (algorithm && checksum) rec.checksum = checksum;
  return { rec, answered: checksum };
}

/**
 * Metadata ops committed with the version: the upload's records go. A completion that fails on
 * write quorum is taken back whole (the upload, its parts, its data dir's ref), so the client can
 * retry the Complete. Only then are they encoded.
 */
function dropUploadOps(bucketId: string, u: UploadRecord, stored: Map<number, StoredPart>): ExtraOps {
  const upKey = uploadKey(bucketId, u.key, u.uploadId);
  return {
    apply: () => [
      { op: 'del', table: TABLES.uploads, key: upKey },
      ...[...stored.keys()].map(
        (n): MetaOp => ({ op: 'del', table: TABLES.parts, key: partKey(u.uploadId, n) }),
      ),
    ],
    undo: () => [
      { op: 'put', table: TABLES.uploads, key: upKey, value: Buffer.from(JSON.stringify(u)) },
      ...[...stored.values()].map(
        (p): MetaOp => ({
          op: 'put',
          table: TABLES.parts,
          key: partKey(u.uploadId, p.n),
          value: Buffer.from(JSON.stringify(p)),
        }),
      ),
      putRefOp(u.dataId, { bucketId, key: u.key, uploadId: u.uploadId }),
    ],
  };
}

/** Assembles the listed parts of `uploadId` into the key's new version. */
export async function completeUpload(
  ctx: LayerContext,
  bucket: string,
  key: string,
  opts: CompleteMultipartOptions,
): Promise<ObjectInfo> {
  const { parts } = opts;
  const b = await ctx.buckets.get(bucket);
  if (parts.length === 0)
    throw new ObjectLayerError('InvalidArgument', 'a multipart upload needs at least one part');
  if (parts.length > MAX_PARTS) throw new ObjectLayerError('InvalidArgument', `at most ${MAX_PARTS} parts`);
  for (let i = 1; i < parts.length; i++) {
    if ((parts[i] as CompletePart).partNumber <= (parts[i - 1] as CompletePart).partNumber)
      throw new ObjectLayerError('InvalidPartOrder', 'parts must be listed in ascending order');
  }
  let hold: WriteHold | undefined;
  try {
    return await complete(ctx, bucket, key, b.id, opts, (h) => {
      hold = h;
    });
  } finally {
    hold?.release();
  }
}

async function complete(
  ctx: LayerContext,
  bucket: string,
  key: string,
  bucketId: string,
  opts: CompleteMultipartOptions,
  held: (hold: WriteHold) => void,
): Promise<ObjectInfo> {
  const { uploadId, parts } = opts;
  const b = { id: bucketId };
  type Done = { res: CommitResult; u: UploadRecord; unused: StoredPart[]; answered?: StoredChecksum };
  const done = await ctx.withObjectWrite(bucket, key, async (): Promise<Done | { repeated: ObjectInfo }> => {
    let u: UploadRecord;
    try {
      u = await readUpload(ctx, b.id, key, uploadId);
    } catch (err) {
      if (!(err instanceof ObjectLayerError) || err.kind !== 'NoSuchUpload') throw err;
      // Perhaps a retry of a Complete that succeeded: answered from the version it made.
      const { current } = await ctx.versions.read(b.id, key);
      const again = repeatedCompletion(current, opts);
      const info = toObjectInfo(bucket, key, again.rec);
      if (again.checksum) info.checksum = again.checksum;
      return { repeated: info };
    }
    const stored = new Map((await readParts(ctx, u)).map((p) => [p.n, p]));
    const chosen = chosenParts(stored, parts);
    const { rec, answered } = completedVersion(u, chosen, opts);
    // The parts are on the drives already: only the capacity is checked.
    const hold = await ctx.limits?.admit(rec.size, rec.layout.data, false);
    if (hold) held(hold);
    const used = new Set(chosen.map((s) => s.n));
    const unused = [...stored.values()].filter((s) => !used.has(s.n));
    const res = await commitVersionLocked(
      ctx,
      b.id,
      key,
      rec,
      undefined,
      opts,
      dropUploadOps(b.id, u, stored),
    );
    return answered ? { res, u, unused, answered } : { res, u, unused };
  });
  if ('repeated' in done) return done.repeated;
  await afterCommit(ctx, bucket, key, b.id, done.res);
  for (const s of done.unused)
    await ctx.set.deleteDataFile({ bucketId: b.id, dataId: done.u.dataId }, s.file);
  const info = toObjectInfo(bucket, key, done.res.rec);
  if (done.answered) info.checksum = done.answered;
  return info;
}
