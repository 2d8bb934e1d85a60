import type { ScanOptions } from '../drive/drive.js';
import { type MergedEntry, mergedScan, quorumScan } from '../erasure/merged-scan.js';
import { ObjectLayerError } from './errors.js';
import { keyOfObjectKey, objectKey, prefixEnd, TABLES } from './index-keys.js';
import type { LayerContext } from './layer-context.js';
import type { ListObjectsOptions, ListObjectsResult, ObjectInfo } from './object-layer.js';
import { decodeRecordHead, type ObjectRecordHead } from './object-record.js';
import { pickAnswered } from './version-pick.js';

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
    metadata: head.meta,
  };
  if (head.checksum) info.checksum = head.checksum as ObjectInfo['checksum'] & object;
  return info;
}

/**
 * One page of a bucket listing: a sorted range scan of the metadata index, merged over enough
 * drives to decide every key (`quorumScan`). A key is listed only with the version a GET would
 * return (the newest version on read quorum drives, `pickVersion`), so a delete or overwrite that
 * missed a minority of drives neither resurrects a key nor shows a stale size. With a delimiter
 * each drive rolls common prefixes up itself (one seek per prefix), so a page costs O(page), not
 * O(keys below the prefixes).
 */
export async function listObjects(
  ctx: LayerContext,
  bucket: string,
  opts: ListObjectsOptions,
): Promise<ListObjectsResult> {
  const b = await ctx.buckets.get(bucket);
  if (!Number.isInteger(opts.maxKeys) || opts.maxKeys < 0)
    throw new ObjectLayerError('InvalidArgument', `maxKeys must be a non-negative integer`);
  const maxKeys = Math.min(opts.maxKeys, MAX_LIST_KEYS);
  const result: ListObjectsResult = { objects: [], commonPrefixes: [], isTruncated: false };
  if (maxKeys === 0) return result;
  const { prefix, delimiter, after } = opts;
  const end = prefixEnd(objectKey(b.id, prefix));
  const afterKey = after ? objectKey(b.id, after) : undefined;
  const collapse = delimiter
    ? { delimiter: Buffer.from(delimiter, 'utf8'), from: objectKey(b.id, prefix).length }
    : undefined;
  let { start, exclusive } = listStart(b.id, prefix, delimiter, after);
  let count = 0;
  let last: string | undefined;
  let lastGroup: Buffer | undefined;
  const dataShards = ctx.set.size - ctx.set.parity;

  scanning: for (;;) {
    const limit = maxKeys - count + 1;
    const scan: ScanOptions = { start, startExclusive: exclusive, limit };
    if (end) scan.end = end;
    if (collapse) scan.collapse = collapse;
    const page = await quorumScan(ctx.set, TABLES.objects, scan);
    if (page.answered < ctx.metaReadQuorum)
      throw new ObjectLayerError('ReadQuorum', `only ${page.answered} drives answered the listing`);
    for (const entry of page.entries) {
      if (entry.group) {
        // Later entries of a group already seen are other drives' first keys of it.
        if (lastGroup?.equals(entry.group)) continue;
        lastGroup = entry.group;
        if (afterKey && Buffer.compare(entry.group, afterKey) <= 0) continue;
        if (!groupListable(entry.perDrive, dataShards) && !(await groupHasKey(ctx, entry))) continue;
        if (count === maxKeys) {
          result.isTruncated = true;
          break scanning;
        }
        const cp = keyOfObjectKey(entry.group);
        result.commonPrefixes.push(cp);
        count++;
        last = cp;
        continue;
      }
      const head = agreedHead(entry.perDrive);
      if (!head) continue;
      if (count === maxKeys) {
        result.isTruncated = true;
        break scanning;
      }
      const key = keyOfObjectKey(entry.key);
      result.objects.push(headInfo(bucket, key, head));
      count++;
      last = key;
    }
    const tail = page.entries.at(-1);
    if (page.entries.length < limit || !tail) break;
    if (tail.group) {
      const past = prefixEnd(tail.group);
      if (!past) break;
      start = past;
      exclusive = false;
    } else {
      start = tail.key;
      exclusive = true;
    }
  }
  if (result.isTruncated && last !== undefined) result.nextAfter = last;
  return result;
}

/**
 * The head of the version a GET of this key would return, from each drive's record: undefined
 * when no version is on read quorum drives (deleted, never committed, or unreadable).
 */
function agreedHead(perDrive: (Buffer | undefined)[]): ObjectRecordHead | undefined {
  let first: Buffer | undefined;
  let holders = 0;
  let same = true;
  for (const v of perDrive) {
    if (!v) continue;
    holders++;
    if (!first) first = v;
    else if (same && !v.equals(first)) same = false;
  }
  if (!first) return undefined;
  if (same) {
    // The healthy case: every drive that has the key holds the identical record.
    const head = tryDecodeHead(first);
    return head && holders >= head.layout.data ? head : undefined;
  }
  try {
    return pickAnswered(perDrive.map((v) => (v ? tryDecodeHead(v) : undefined)));
  } catch {
    return undefined;
  }
}

/**
 * Whether a common prefix's first key is listable. Every version is written with the set's layout,
 * so identical records on `data` drives already prove what `agreedHead` would decode to prove.
 */
function groupListable(perDrive: (Buffer | undefined)[], data: number): boolean {
  let first: Buffer | undefined;
  let holders = 0;
  for (const v of perDrive) {
    if (!v) continue;
    if (!first) first = v;
    else if (!v.equals(first)) return agreedHead(perDrive) !== undefined;
    holders++;
  }
  return holders >= data || agreedHead(perDrive) !== undefined;
}

function tryDecodeHead(v: Buffer): ObjectRecordHead | undefined {
  try {
    return decodeRecordHead(v);
  } catch {
    return undefined;
  }
}

/**
 * Whether a rolled-up group whose first key is not listable (a leftover of a partial delete) holds
 * any key a GET would return: scans the group key by key. Only inconsistent groups get here.
 */
async function groupHasKey(ctx: LayerContext, first: MergedEntry): Promise<boolean> {
  const group = first.group as Buffer;
  const end = prefixEnd(group);
  let start = first.key;
  for (;;) {
    const scan: ScanOptions = { start, startExclusive: true, limit: 100 };
    if (end) scan.end = end;
    const page = await mergedScan(ctx.set, TABLES.objects, scan);
    for (const e of page.entries) if (agreedHead(e.perDrive)) return true;
    const tail = page.entries.at(-1);
    if (page.entries.length < 100 || !tail) return false;
    start = tail.key;
  }
}
