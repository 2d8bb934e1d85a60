/**
 * Byte keys of the metadata index. Bucket ids are 16 hex characters and upload/data ids 32, so
 * fixed-length prefixes keep each bucket's keys contiguous and sorted by the object key's UTF-8
 * bytes, which is S3's listing order.
 */
const BUCKET_ID_LEN = 16;

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

export function partKey(uploadId: string, partNumber: number): Buffer {
  const b = Buffer.alloc(uploadId.length + 4);
  b.write(uploadId, 0, 'latin1');
  b.writeUInt32BE(partNumber, uploadId.length);
  return b;
}

export function idKey(id: string): Buffer {
  return Buffer.from(id, 'latin1');
}

/** The smallest byte string greater than every string starting with `prefix` (undefined: none). */
export function prefixEnd(prefix: Buffer): Buffer | undefined {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if ((b[i] as number) < 0xff) {
      b[i] = (b[i] as number) + 1;
      return b.subarray(0, i + 1);
    }
  }
  return undefined;
}
