/**
 * The records of multipart uploads in progress, and how they are read: one upload record per
 * upload (`uploads` table) and one record per stored part (`parts` table), on every drive.
 */
import type { ScanOptions } from '../drive/drive.js';
import type { ErasureLayout } from '../erasure/erasure-layout.js';
import type { PerDrive } from '../erasure/erasure-set.js';
import { anyValue, mergedScan } from '../erasure/merged-scan.js';
import { agree } from '../erasure/quorum.js';
import { ObjectLayerError } from './errors.js';
import { partKey, prefixEnd, TABLES, uploadKey } from './index-keys.js';
import type { LayerContext } from './layer-context.js';
import { MAX_PARTS } from './limits.js';
import type { ChecksumAlgorithm, ChecksumType } from './object-layer.js';

export interface UploadRecord {
  key: string;
  uploadId: string;
  dataId: string;
  initiated: number;
  meta: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  layout: ErasureLayout;
}

export interface StoredPart {
  n: number;
  size: number;
  etag: string;
  file: string;
  mtime: number;
  checksum?: string;
  /** Algorithm of `checksum` (absent on parts written before it was recorded: the upload's). */
  algorithm?: ChecksumAlgorithm;
  /**
   * base64 CRC64NVME of the part, kept only in uploads created without an algorithm: S3 answers
   * their completion with a default CRC64NVME full-object checksum, combined from these.
   */
  crc64nvme?: string;
}

/** The upload's record as read quorum agrees on it; NoSuchUpload when it does not exist. */
export async function readUpload(
  ctx: LayerContext,
  bucketId: string,
  key: string,
  uploadId: string,
): Promise<UploadRecord> {
  if (!/^[0-9a-f]{32}$/.test(uploadId))
    throw new ObjectLayerError('NoSuchUpload', `upload ${uploadId} does not exist`);
  const res = await ctx.set.readAll(TABLES.uploads, uploadKey(bucketId, key, uploadId));
  const records: PerDrive<UploadRecord | undefined> = res.map((r) =>
    r.ok
      ? { ok: true, value: r.value ? (JSON.parse(r.value.toString('utf8')) as UploadRecord) : undefined }
      : r,
  );
  // An upload record is written once, with the layout of the object it will make.
  const agreed = agree(records, { quorum: (u) => u.layout.data, identity: (u) => u.dataId });
  if (agreed.kind === 'held') return agreed.value;
  if (agreed.kind === 'absent')
    throw new ObjectLayerError('NoSuchUpload', `upload ${uploadId} does not exist`);
  throw new ObjectLayerError('ReadQuorum', `upload ${uploadId} is on ${agreed.best} drives only`);
}

/**
 * The stored parts of an upload numbered above `after`, at most `limit`, merged over the drives
 * (a part on too few drives is left out).
 */
export async function readParts(
  ctx: LayerContext,
  u: UploadRecord,
  after = 0,
  limit = MAX_PARTS + 1,
): Promise<StoredPart[]> {
  const start = partKey(u.uploadId, after);
  const end = prefixEnd(Buffer.from(u.uploadId, 'latin1'));
  const out: StoredPart[] = [];
  let cursor = start;
  while (out.length < limit) {
    const want = Math.min(limit - out.length, 1000);
    const scan: ScanOptions = { start: cursor, startExclusive: true, limit: want };
    if (end) scan.end = end;
    const page = (await mergedScan(ctx.set, TABLES.parts, scan)).entries;
    for (const e of page) {
      out.push(JSON.parse(anyValue(e).toString('utf8')) as StoredPart);
      cursor = e.key;
    }
    if (page.length < want) break;
  }
  return out;
}
