/**
 * The object layer's tables in every drive's metadata index (the drive sees only their names) and
 * their byte keys. Bucket ids are 16 hex characters and upload/data ids 32, so
 * fixed-length prefixes keep each bucket's keys contiguous and sorted by the object key's UTF-8
 * bytes, which is S3's listing order.
 */
import { randomUUID } from 'node:crypto';

const BUCKET_ID_LEN = 16;

/** Table names; docs/architecture.md ("On each drive") says what each holds. */
export const TABLES = {
  buckets: 'buckets',
  objects: 'objects',
  uploads: 'uploads',
  parts: 'parts',
  inline: 'inline',
  refs: 'refs',
  bucketConfig: 'bucket-config',
} as const;

export function bucketKey(name: string): Buffer {
  return Buffer.from(name, 'utf8');
}

export function objectKey(bucketId: string, key: string): Buffer {
  return Buffer.from(bucketId + key, 'utf8');
}

/** The object key a key of the `objects` table holds. */
export function keyOfObjectKey(k: Buffer): string {
  return k.toString('utf8', BUCKET_ID_LEN);
}

/** Uploads sort by object key, then upload id (NUL separates: it sorts below every key byte). */
export function uploadKey(bucketId: string, key: string, uploadId: string): Buffer {
  return Buffer.from(`${bucketId}${key}\u0000${uploadId}`, 'utf8');
}

export function parseUploadKey(k: Buffer): { key: string; uploadId: string } {
  const sep = k.lastIndexOf(0);
  return { key: k.toString('utf8', BUCKET_ID_LEN, sep), uploadId: k.toString('latin1', sep + 1) };
}

/** A bucket's configuration document: the bucket id, then the document's name. */
export function bucketConfigKey(bucketId: string, name: string): Buffer {
  return Buffer.from(bucketId + name, 'utf8');
}

export function partKey(uploadId: string, partNumber: number): Buffer {
  const b = Buffer.alloc(uploadId.length + 4);
  b.write(uploadId, 0, 'latin1');
  b.writeUInt32BE(partNumber, uploadId.length);
  return b;
}

/**
 * A data id for an inline version: 12 hex digits of the time in ms, then 20 random ones (32 in
 * all, like the random ids of file-backed versions, whose data directories fan out by the first
 * two digits). Inline versions have no directory, and their `inline` and `refs` entries are keyed
 * by this id: ids that grow with time put one commit batch's inserts side by side in the B-tree,
 * so each fsync writes a few pages for the batch instead of a few per object (one drive, 32
 * concurrent 4 KiB commits: 5.8k durable commits/s with random ids, 9.9k with these).
 */
export function inlineDataId(): string {
  return Date.now().toString(16).padStart(12, '0') + randomUUID().replace(/-/g, '').slice(0, 20);
}

export function idKey(id: string): Buffer {
  return Buffer.from(id, 'latin1');
}

export { prefixEnd } from '../util/byte-range.js';
