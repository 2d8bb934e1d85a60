import type { ServerResponse } from 'node:http';
import { MAX_PARTS } from '../../object/limits.js';
import type { ObjectInfo } from '../../object/object-layer.js';
import { checksumHeaderName } from '../../util/checksum.js';
import { header, type S3Context } from './context.js';
import { S3Error } from './errors.js';
import { STORED_HEADERS } from './request-headers.js';
import { quoteEtag } from './xml.js';

/** Objects stored without a Content-Type are served as S3 serves them. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/** Query parameters that override response headers on a signed GET, and the header each sets. */
const RESPONSE_OVERRIDES: ReadonlyArray<readonly [string, string]> = [
  ['response-content-type', 'Content-Type'],
  ['response-content-language', 'Content-Language'],
  ['response-expires', 'Expires'],
  ['response-cache-control', 'Cache-Control'],
  ['response-content-disposition', 'Content-Disposition'],
  ['response-content-encoding', 'Content-Encoding'],
];

/** Formatted Last-Modified values by second: toUTCString costs more than the rest of a HEAD's headers. */
const httpDates = new Map<number, string>();
const HTTP_DATES_MAX = 1024;

/** RFC 1123 date in GMT, the form of Last-Modified. */
export function httpDate(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  let text = httpDates.get(second);
  if (text === undefined) {
    text = date.toUTCString();
    // Objects written close together share seconds; a full table is simply started afresh.
    if (httpDates.size >= HTTP_DATES_MAX) httpDates.clear();
    httpDates.set(second, text);
  }
  return text;
}

/** Headers that describe the object itself: ETag, Last-Modified, stored content headers and x-amz-meta-*. */
export function setObjectHeaders(res: ServerResponse, info: ObjectInfo): void {
  res.setHeader('ETag', quoteEtag(info.etag));
  res.setHeader('Last-Modified', httpDate(info.lastModified));
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', info.metadata['content-type'] ?? DEFAULT_CONTENT_TYPE);
  for (const name of STORED_HEADERS) {
    const value = info.metadata[name];
    if (name !== 'content-type' && value !== undefined) res.setHeader(name, value);
  }
  for (const [name, value] of Object.entries(info.metadata)) {
    if (name.startsWith('x-amz-meta-')) res.setHeader(name, value);
  }
}

/** Applies response-* query overrides (S3 honours them only on signed requests; all ours are signed). */
export function applyResponseOverrides(ctx: S3Context): void {
  for (const [param, headerName] of RESPONSE_OVERRIDES) {
    const value = ctx.query.get(param);
    if (value !== null) ctx.res.setHeader(headerName, value);
  }
}

/** `x-amz-checksum-mode: ENABLED`, the client's request to see the stored checksum. */
export function checksumModeEnabled(ctx: S3Context): boolean {
  return header(ctx, 'x-amz-checksum-mode')?.trim().toUpperCase() === 'ENABLED';
}

/**
 * Sets the checksum headers for a whole-object read, or for one part of a multipart object
 * (the part's own checksum, which is what its bytes hash to).
 */
export function setChecksumHeaders(
  res: ServerResponse,
  info: ObjectInfo,
  partNumber: number | undefined,
): void {
  const checksum = info.checksum;
  if (checksum === undefined) return;
  if (partNumber === undefined) {
    res.setHeader(checksumHeaderName(checksum.algorithm), checksum.value);
    res.setHeader('x-amz-checksum-type', checksum.type);
    return;
  }
  const part = info.parts?.find((p) => p.partNumber === partNumber);
  if (part?.checksum !== undefined) {
    res.setHeader(checksumHeaderName(checksum.algorithm), part.checksum);
    res.setHeader('x-amz-checksum-type', 'COMPOSITE');
  }
}

/** Parses the `partNumber` query parameter: an integer 1..10000, else InvalidArgument. */
export function parsePartNumber(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > MAX_PARTS) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: value,
    });
  }
  return Number(value);
}
