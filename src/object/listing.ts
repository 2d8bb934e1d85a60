import { decodeRecordHead, type ObjectRecordHead } from '../erasure/metadata-record.js';
import { ObjectLayerError } from './errors.js';
import { keyOfObjectKey, objectKey, prefixEnd } from './index-keys.js';
import type { LayerContext } from './layer-context.js';
import { mergedScan } from './merged-scan.js';
import type { ListObjectsOptions, ListObjectsResult, ObjectInfo } from './object-layer.js';

export const MAX_LIST_KEYS = 1000;

/** UTF-8 byte order, which is S3's key order (JS string comparison is UTF-16 order). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Where a listing resumes: strictly after `after`, but past the whole common prefix when `after`
 * is one (the previous page ended on it), and never before `prefix`.
 */
export function listStart(
  bucketId: string,
  prefix: string,
  delimiter: string,
  after: string,
): { start: Buffer; exclusive: boolean } {
  if (!after || compareKeys(after, prefix) < 0)
    return { start: objectKey(bucketId, prefix), exclusive: false };
  if (delimiter && after.startsWith(prefix)) {
    const idx = after.indexOf(delimiter, prefix.length);
    if (idx >= 0 && idx + delimiter.length === after.length) {
      const past = prefixEnd(objectKey(bucketId, after));
      if (past) return { start: past, exclusive: false };
    }
  }
  return { start: objectKey(bucketId, after), exclusive: true };
}

function headInfo(bucket: string, key: string, head: ObjectRecordHead): ObjectInfo {
  const info: ObjectInfo = {
    bucket,
    key,
    size: head.size,
    etag: head.etag,
    lastModified: new Date(head.mtime),
    metadata: { ...head.meta },
  };
  if (head.checksum) info.checksum = head.checksum as ObjectInfo['checksum'] & object;
  return info;
}

/**
 * One page of a bucket listing: a sorted range scan of the metadata index merged over the drives.
 * A common prefix is skipped with one seek past it, so the cost is O(page), not O(bucket).
 */
export async function listObjects(
  ctx: LayerContext,
  bucket: string,
  opts: ListObjectsOptions,
): Promise<ListObjectsResult> {
  const b = await ctx.bucket(bucket);
  if (!Number.isInteger(opts.maxKeys) || opts.maxKeys < 0)
    throw new ObjectLayerError('InvalidArgument', `maxKeys must be a non-negative integer`);
  const maxKeys = Math.min(opts.maxKeys, MAX_LIST_KEYS);
  const result: ListObjectsResult = { objects: [], commonPrefixes: [], isTruncated: false };
  if (maxKeys === 0) return result;
  const { prefix, delimiter, after } = opts;
  const end = prefixEnd(objectKey(b.id, prefix));
  let { start, exclusive } = listStart(b.id, prefix, delimiter, after);
  let count = 0;
  let last: string | undefined;
  // With a delimiter, a seek past a common prefix makes the rest of a page useless: fetch small
  // pages after a seek and grow them while keys keep coming, so each prefix costs O(1) entries.
  let batch = delimiter ? 8 : maxKeys + 1;

  scanning: for (;;) {
    const limit = Math.min(maxKeys - count + 1, batch);
    batch = Math.min(batch * 4, maxKeys + 1);
    const page = await mergedScan(ctx.set, 'objects', start, exclusive, end, limit);
    if (page.length === 0) break;
    for (const entry of page) {
      const key = keyOfObjectKey(entry.key);
      if (delimiter) {
        const idx = key.indexOf(delimiter, prefix.length);
        if (idx >= 0) {
          const cp = key.slice(0, idx + delimiter.length);
          if (!after || compareKeys(cp, after) > 0) {
            if (count === maxKeys) {
              result.isTruncated = true;
              break scanning;
            }
            result.commonPrefixes.push(cp);
            count++;
            last = cp;
          }
          const past = prefixEnd(objectKey(b.id, cp));
          if (!past) break scanning;
          start = past;
          exclusive = false;
          batch = 2;
          continue scanning;
        }
      }
      if (count === maxKeys) {
        result.isTruncated = true;
        break scanning;
      }
      result.objects.push(headInfo(bucket, key, newestHead(entry.values)));
      count++;
      last = key;
      start = entry.key;
      exclusive = true;
    }
    if (page.length < limit) break;
  }
  if (result.isTruncated && last !== undefined) result.nextAfter = last;
  return result;
}

function newestHead(values: Buffer[]): ObjectRecordHead {
  let best: ObjectRecordHead | undefined;
  for (const v of values) {
    const h = decodeRecordHead(v);
    if (!best || h.mtime > best.mtime) best = h;
  }
  return best as ObjectRecordHead;
}
