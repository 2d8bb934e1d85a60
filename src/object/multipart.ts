import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { MetaOp, ScanOptions } from '../drive/drive.js';
import type { DigestSpec } from '../erasure/content-digests.js';
import { randomId } from '../erasure/erasure-set.js';
import { anyValue, holders, type MergedEntry, mergedScan, quorumScan } from '../erasure/merged-scan.js';
import { commitOnQuorum } from '../erasure/quorum-commit.js';
import {
  type ChecksumAlgorithm,
  defaultMultipartChecksumType,
  multipartChecksumTypeAllowed,
} from '../util/checksum.js';
import { completeUpload } from './complete-upload.js';
import { ObjectLayerError } from './errors.js';
import { idKey, keyOfObjectKey, objectKey, partKey, prefixEnd, TABLES, uploadKey } from './index-keys.js';
import { type LayerContext, translateError } from './layer-context.js';
import { MAX_PART_SIZE, MAX_PARTS } from './limits.js';
import { compareKeys } from './listing.js';
import { DEFAULT_ALGORITHM } from './multipart-checksum.js';
import type {
  CompleteMultipartOptions,
  CreateMultipartOptions,
  ListPartsOptions,
  ListPartsResult,
  ListUploadsOptions,
  ListUploadsResult,
  ObjectInfo,
  PartInfo,
  UploadInfo,
  UploadOptions,
  UploadPartOptions,
} from './object-layer.js';
import { verifyBody } from './put-checks.js';
import { receiveBody } from './receive-body.js';
import { readParts, readUpload, type StoredPart, type UploadRecord } from './upload-store.js';
import { type DataOwner, putRefOp } from './version-ops.js';

function uploadInfo(bucket: string, u: UploadRecord): UploadInfo {
  const info: UploadInfo = {
    bucket,
    key: u.key,
    uploadId: u.uploadId,
    initiated: new Date(u.initiated),
    metadata: { ...u.meta },
  };
  if (u.checksumAlgorithm) info.checksumAlgorithm = u.checksumAlgorithm;
  if (u.checksumType) info.checksumType = u.checksumType;
  return info;
}

function partInfo(p: StoredPart, u: UploadRecord): PartInfo {
  const info: PartInfo = { partNumber: p.n, etag: p.etag, size: p.size, lastModified: new Date(p.mtime) };
  if (p.checksum !== undefined) {
    info.checksum = p.checksum;
    const algorithm = p.algorithm ?? u.checksumAlgorithm;
    if (algorithm !== undefined) info.checksumAlgorithm = algorithm;
  }
  return info;
}

/** Multipart uploads: each part erasure-coded into `part.N.<id>` files of the upload's data dir. */
export class MultipartOps {
  constructor(private readonly ctx: LayerContext) {}

  async create(bucket: string, key: string, opts: CreateMultipartOptions): Promise<string> {
    const b = await this.ctx.buckets.get(bucket);
    const rec: UploadRecord = {
      key,
      uploadId: randomId(),
      dataId: randomId(),
      initiated: Date.now(),
      meta: { ...opts.metadata },
      layout: this.ctx.set.newLayout(key),
    };
    if (opts.checksumAlgorithm) {
      const type = opts.checksumType ?? defaultMultipartChecksumType(opts.checksumAlgorithm);
      if (!multipartChecksumTypeAllowed(opts.checksumAlgorithm, type))
        throw new ObjectLayerError(
          'InvalidArgument',
          `the ${type} checksum type cannot be used with the ${opts.checksumAlgorithm} checksum algorithm`,
        );
      rec.checksumAlgorithm = opts.checksumAlgorithm;
      rec.checksumType = type;
    } else if (opts.checksumType) {
      throw new ObjectLayerError('InvalidArgument', 'a checksum type needs a checksum algorithm');
    }
    const owner: DataOwner = { bucketId: b.id, key, uploadId: rec.uploadId };
    const ukey = uploadKey(b.id, key, rec.uploadId);
    const value = Buffer.from(JSON.stringify(rec));
    await commitOnQuorum(
      this.ctx.set,
      this.ctx.set.drives.map(() => ({
        apply: [{ op: 'put', table: TABLES.uploads, key: ukey, value }, putRefOp(rec.dataId, owner)],
        undo: [
          { op: 'del', table: TABLES.uploads, key: ukey },
          { op: 'del', table: TABLES.refs, key: idKey(rec.dataId) },
        ],
      })),
      this.ctx.metaWriteQuorum,
      `upload ${rec.uploadId}`,
    ).catch((err) => {
      throw translateError(err);
    });
    return rec.uploadId;
  }

  /** The upload's record as read quorum agrees on it; NoSuchUpload when it does not exist. */
  private upload(bucketId: string, key: string, uploadId: string): Promise<UploadRecord> {
    return readUpload(this.ctx, bucketId, key, uploadId);
  }

  /** Every stored part of an upload, merged over the drives (a part on too few drives is left out). */
  private storedParts(u: UploadRecord, after = 0, limit = MAX_PARTS + 1): Promise<StoredPart[]> {
    return readParts(this.ctx, u, after, limit);
  }

  async uploadPart(bucket: string, key: string, body: Readable, opts: UploadPartOptions): Promise<PartInfo> {
    const { uploadId, partNumber } = opts;
    const b = await this.ctx.buckets.get(bucket);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS)
      throw new ObjectLayerError('InvalidArgument', `part number must be 1 to ${MAX_PARTS}`);
    if (!Number.isSafeInteger(opts.size) || opts.size < 0)
      throw new ObjectLayerError('InvalidArgument', `invalid part size ${opts.size}`);
    if (opts.size > MAX_PART_SIZE)
      throw new ObjectLayerError('EntityTooLarge', `part of ${opts.size} bytes is too large`);
    const u = await this.upload(b.id, key, uploadId);
    if (opts.checksum && u.checksumAlgorithm && opts.checksum.algorithm !== u.checksumAlgorithm)
      throw new ObjectLayerError('InvalidArgument', `the upload uses ${u.checksumAlgorithm} checksums`);
    const algorithm = opts.checksum?.algorithm ?? u.checksumAlgorithm;
    const file = `part.${partNumber}.${randomBytes(4).toString('hex')}`;
    const extra = u.checksumAlgorithm === undefined ? DEFAULT_ALGORITHM : undefined;
    const spec: DigestSpec = {};
    if (algorithm) spec.checksum = algorithm;
    if (extra) spec.extra = extra;
    const hold = await this.ctx.limits?.admit(opts.size, u.layout.data);
    try {
      return await this.storePart(bucket, key, b.id, u, body, opts, { file, spec, algorithm });
    } catch (err) {
      throw (await this.ctx.limits?.explain(err)) ?? err;
    } finally {
      hold?.release();
    }
  }

  /** uploadPart once admitted: receives the part, then commits its record. */
  private async storePart(
    bucket: string,
    key: string,
    bucketId: string,
    u: UploadRecord,
    body: Readable,
    opts: UploadPartOptions,
    part: { file: string; spec: DigestSpec; algorithm: ChecksumAlgorithm | undefined },
  ): Promise<PartInfo> {
    const { uploadId, partNumber } = opts;
    const { file, spec, algorithm } = part;
    const set = this.ctx.set;
    const b = { id: bucketId };
    const written = await receiveBody(set, body, {
      layout: u.layout,
      inline: false,
      file,
      size: opts.size,
      digests: spec,
    });
    const ref = { bucketId: b.id, dataId: u.dataId };
    let moved = false;
    try {
      const hashed = written.digests;
      const digests = verifyBody(written.size, opts.size, hashed, opts);
      const part: StoredPart = {
        n: partNumber,
        size: written.size,
        etag: digests.md5.toString('hex'),
        file,
        mtime: 0,
      };
      // A part sent without a checksum (or copied) still gets the upload's: completion needs it.
      const checksum = digests.checksum ?? hashed.checksum?.toString('base64');
      if (checksum !== undefined && algorithm !== undefined) {
        part.checksum = checksum;
        part.algorithm = algorithm;
      }
      if (hashed.extra !== undefined) part.crc64nvme = hashed.extra.toString('base64');
      await set.commitData(written, ref, set.writeQuorum(u.layout));
      moved = true;
      const replaced = await this.ctx.withObjectWrite(bucket, key, async () => {
        await this.upload(b.id, key, uploadId);
        const pkey = partKey(uploadId, partNumber);
        const prev = await set.readAll(TABLES.parts, pkey);
        part.mtime = Date.now();
        const value = Buffer.from(JSON.stringify(part));
        // On too few drives, each drive's previous record of the part (or none) is put back.
        await commitOnQuorum(
          set,
          set.drives.map((_, d) => {
            const before = prev[d];
            if (!written.ok[d] || !before?.ok) return undefined;
            const undo: MetaOp = before.value
              ? { op: 'put', table: TABLES.parts, key: pkey, value: before.value }
              : { op: 'del', table: TABLES.parts, key: pkey };
            return { apply: [{ op: 'put', table: TABLES.parts, key: pkey, value }], undo: [undo] };
          }),
          set.writeQuorum(u.layout),
          `part ${partNumber} of ${uploadId}`,
        );
        const files = new Set<string>();
        for (const r of prev) {
          if (r.ok && r.value) files.add((JSON.parse(r.value.toString('utf8')) as StoredPart).file);
        }
        return files;
      });
      for (const f of replaced) if (f !== file) await set.deleteDataFile(ref, f);
      return partInfo(part, u);
    } catch (err) {
      if (moved) await set.deleteDataFile(ref, file);
      else await set.discardTemp(written.tmpId);
      throw translateError(err);
    }
  }

  complete(bucket: string, key: string, opts: CompleteMultipartOptions): Promise<ObjectInfo> {
    return completeUpload(this.ctx, bucket, key, opts);
  }

  async abort(bucket: string, key: string, { uploadId }: UploadOptions): Promise<void> {
    const b = await this.ctx.buckets.get(bucket);
    const u = await this.ctx.withObjectWrite(bucket, key, async () => {
      const u = await this.upload(b.id, key, uploadId);
      const partKeys = (await this.storedParts(u)).map((p) => partKey(uploadId, p.n));
      const ok = await this.ctx.set.commit(
        this.ctx.set.drives.map(() => [
          { op: 'del', table: TABLES.uploads, key: uploadKey(b.id, key, uploadId) },
          { op: 'del', table: TABLES.refs, key: idKey(u.dataId) },
          ...partKeys.map((k): MetaOp => ({ op: 'del', table: TABLES.parts, key: k })),
        ]),
      );
      if (ok.filter(Boolean).length < this.ctx.metaWriteQuorum)
        throw new ObjectLayerError('WriteQuorum', `abort of ${uploadId} reached too few drives`);
      return u;
    });
    await this.ctx.set.deleteData({ bucketId: b.id, dataId: u.dataId });
  }

  async listParts(bucket: string, key: string, opts: ListPartsOptions): Promise<ListPartsResult> {
    const { uploadId } = opts;
    const b = await this.ctx.buckets.get(bucket);
    const u = await this.upload(b.id, key, uploadId);
    const max = Math.max(0, Math.min(opts.maxParts, 1000));
    const marker = Math.max(0, Math.floor(opts.partNumberMarker || 0));
    const found = await this.storedParts(u, marker, max + 1);
    const page = found.slice(0, max);
    const last = page[page.length - 1];
    return {
      upload: uploadInfo(bucket, u),
      parts: page.map((p) => partInfo(p, u)),
      isTruncated: found.length > max,
      nextPartNumberMarker: last ? last.n : marker,
    };
  }

  async listUploads(bucket: string, opts: ListUploadsOptions): Promise<ListUploadsResult> {
    const b = await this.ctx.buckets.get(bucket);
    const max = Math.max(0, Math.min(opts.maxUploads, 1000));
    const result: ListUploadsResult = { uploads: [], commonPrefixes: [], isTruncated: false };
    if (max === 0) return result;
    const { prefix, delimiter, keyMarker, uploadIdMarker } = opts;
    const end = prefixEnd(objectKey(b.id, prefix));
    let start: Buffer;
    let exclusive: boolean;
    if (!keyMarker || compareKeys(keyMarker, prefix) < 0) {
      start = objectKey(b.id, prefix);
      exclusive = false;
    } else if (uploadIdMarker) {
      start = uploadKey(b.id, keyMarker, uploadIdMarker);
      exclusive = true;
    } else {
      start = prefixEnd(Buffer.from(`${b.id}${keyMarker}\u0000`, 'utf8')) as Buffer;
      exclusive = false;
    }
    let count = 0;
    let lastKey: string | undefined;
    let lastId: string | undefined;
    let lastGroup: Buffer | undefined;
    const markerKey = keyMarker ? objectKey(b.id, keyMarker) : undefined;
    // Each drive rolls common prefixes up itself; the delimiter is searched in the object key only
    // (not in the NUL and upload id that end every uploads-table key).
    const collapse = delimiter
      ? { delimiter: Buffer.from(delimiter, 'utf8'), from: objectKey(b.id, prefix).length, suffix: 33 }
      : undefined;
    const listable = (e: MergedEntry): UploadRecord | undefined => {
      const u = JSON.parse(anyValue(e).toString('utf8')) as UploadRecord;
      return holders(e) >= u.layout.data ? u : undefined; // the same rule as readUpload
    };
    scanning: for (;;) {
      const limit = max - count + 1;
      const scan: ScanOptions = { start, startExclusive: exclusive, limit };
      if (end) scan.end = end;
      if (collapse) scan.collapse = collapse;
      const page = (await quorumScan(this.ctx.set, TABLES.uploads, scan)).entries;
      for (const e of page) {
        if (e.group) {
          if (lastGroup?.equals(e.group)) continue;
          lastGroup = e.group;
          if (markerKey && Buffer.compare(e.group, markerKey) <= 0) continue;
          if (!listable(e) && !(await this.groupHasUpload(e, listable))) continue;
          if (count === max) {
            result.isTruncated = true;
            break scanning;
          }
          const cp = keyOfObjectKey(e.group);
          result.commonPrefixes.push(cp);
          count++;
          lastKey = cp;
          lastId = undefined;
          continue;
        }
        const u = listable(e);
        if (!u) continue;
        if (count === max) {
          result.isTruncated = true;
          break scanning;
        }
        result.uploads.push(uploadInfo(bucket, u));
        count++;
        lastKey = u.key;
        lastId = u.uploadId;
      }
      const tail = page.at(-1);
      if (page.length < limit || !tail) break;
      const past = tail.group ? prefixEnd(tail.group) : tail.key;
      if (!past) break;
      start = past;
      exclusive = !tail.group;
    }
    if (result.isTruncated) {
      if (lastKey !== undefined) result.nextKeyMarker = lastKey;
      if (lastId !== undefined) result.nextUploadIdMarker = lastId;
    }
    return result;
  }

  /** Whether a rolled-up group whose first upload is not listable holds any upload that is. */
  private async groupHasUpload(
    first: MergedEntry,
    listable: (e: MergedEntry) => UploadRecord | undefined,
  ): Promise<boolean> {
    const end = prefixEnd(first.group as Buffer);
    let start = first.key;
    for (;;) {
      const scan: ScanOptions = { start, startExclusive: true, limit: 100 };
      if (end) scan.end = end;
      const page = (await mergedScan(this.ctx.set, TABLES.uploads, scan)).entries;
      if (page.some((e) => listable(e))) return true;
      const tail = page.at(-1);
      if (page.length < 100 || !tail) return false;
      start = tail.key;
    }
  }
}
