import type { ErasureLayout } from '../erasure/erasure-layout.js';

/** One erasure-coded part of an object's data: a shard file per drive in the object's data dir. */
export interface PartRecord {
  n: number;
  size: number;
  etag: string;
  /** Shard file name inside the data directory. */
  file: string;
  /** base64 checksum of this part, when the upload had an algorithm. */
  checksum?: string;
}

export interface RecordChecksum {
  algorithm: string;
  value: string;
  type: string;
}

/**
 * The multipart upload a version was completed from, so that a repeated CompleteMultipartUpload of
 * it (a client whose first answer was lost) gets the first answer again. Records written before it
 * existed have none, and a retry of their upload is NoSuchUpload.
 */
export interface UploadOrigin {
  id: string;
  /** The upload's checksum algorithm and type; absent when it was created without one. */
  algorithm?: string;
  type?: string;
  /**
   * The checksum the completion answered when it is not the version's own: uploads created without
   * an algorithm report a CRC64NVME full-object checksum that S3 does not keep with the object.
   */
  reported?: RecordChecksum;
}

/** What every drive stores for one object version (identical on all drives of the set). */
export interface ObjectRecord {
  size: number;
  etag: string;
  /** Modification time, ms since the epoch. */
  mtime: number;
  meta: Record<string, string>;
  checksum?: RecordChecksum;
  /** Random id naming the data directory (and the inline entry) of this version. */
  dataId: string;
  /** Shards are stored in the `inline` table under dataId instead of in files. */
  inline: boolean;
  layout: ErasureLayout;
  /** True for objects made by CompleteMultipartUpload. */
  multipart: boolean;
  /** Set by CompleteMultipartUpload (absent in records written before it was kept). */
  upload?: UploadOrigin;
  parts: PartRecord[];
}

/** The listing-relevant head of a record (everything but a multipart parts list). */
export type ObjectRecordHead = Omit<ObjectRecord, 'parts'> & { partCount: number };

const VERSION = 1;

/**
 * Encodes a record as [version u8][head length u32 BE][head JSON][parts JSON]. Listing decodes only
 * the head, so a 10,000-part object costs a listing no more than a small one. Single-part objects
 * store no parts list (it is implied: one part, file `part.1`).
 */
export function encodeRecord(rec: ObjectRecord): Buffer {
  const { parts, ...rest } = rec;
  const head = Buffer.from(JSON.stringify({ ...rest, partCount: parts.length }));
  const tail = rec.multipart ? Buffer.from(JSON.stringify(parts)) : Buffer.alloc(0);
  const out = Buffer.allocUnsafe(5 + head.length + tail.length);
  out[0] = VERSION;
  out.writeUInt32BE(head.length, 1);
  head.copy(out, 5);
  tail.copy(out, 5 + head.length);
  return out;
}

export function decodeRecordHead(buf: Buffer): ObjectRecordHead {
  if (buf[0] !== VERSION) throw new Error(`unknown metadata record version ${buf[0]}`);
  const len = buf.readUInt32BE(1);
  return JSON.parse(buf.toString('utf8', 5, 5 + len)) as ObjectRecordHead;
}

export function decodeRecord(buf: Buffer): ObjectRecord {
  const head = decodeRecordHead(buf);
  const len = buf.readUInt32BE(1);
  const { partCount: _count, ...rest } = head;
  const parts: PartRecord[] = head.multipart
    ? (JSON.parse(buf.toString('utf8', 5 + len)) as PartRecord[])
    : [{ n: 1, size: head.size, etag: head.etag, file: 'part.1' }];
  return { ...rest, parts };
}
