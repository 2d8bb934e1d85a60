/** What the API sees of a stored version. */

import type { ObjectInfo, StoredChecksum } from './object-layer.js';
import type { ObjectRecord } from './object-record.js';

export function toObjectInfo(bucket: string, key: string, rec: ObjectRecord): ObjectInfo {
  const info: ObjectInfo = {
    bucket,
    key,
    size: rec.size,
    etag: rec.etag,
    lastModified: new Date(rec.mtime),
    metadata: { ...rec.meta },
  };
  if (rec.checksum) info.checksum = rec.checksum as StoredChecksum;
  if (rec.multipart) {
    info.parts = rec.parts.map((p) =>
      p.checksum !== undefined
        ? { partNumber: p.n, size: p.size, etag: p.etag, checksum: p.checksum }
        : { partNumber: p.n, size: p.size, etag: p.etag },
    );
  }
  return info;
}
