import { pipeline } from 'node:stream/promises';
import type { ByteRange, ObjectInfo } from '../../../object/object-layer.js';
import { evaluateConditions } from '../conditions.js';
import { header, requestedVersion, type S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { readExisting } from '../missing-object.js';
import {
  applyResponseOverrides,
  checksumModeEnabled,
  httpDate,
  parsePartNumber,
  setChecksumHeaders,
  setObjectHeaders,
} from '../object-headers.js';
import { resolveRange } from '../range.js';
import { sendEmpty } from '../response.js';
import { quoteEtag } from '../xml.js';

interface ReadPlan {
  range: ByteRange | undefined;
  partNumber: number | undefined;
}

/** The byte range of part `partNumber`; a single-part object has exactly one part, itself. */
function partRange(info: ObjectInfo, partNumber: number): ByteRange | undefined {
  const parts = info.parts;
  if (parts === undefined || parts.length === 0) {
    if (partNumber !== 1) throw new S3Error('InvalidPartNumber');
    return info.size === 0 ? undefined : { start: 0, end: info.size - 1 };
  }
  let start = 0;
  for (const part of parts) {
    if (part.partNumber === partNumber) return { start, end: start + part.size - 1 };
    start += part.size;
  }
  throw new S3Error('InvalidPartNumber');
}

/**
 * Checks conditions and decides what to send. Answers 304 itself (and returns undefined); throws
 * PreconditionFailed, InvalidRange and InvalidPartNumber.
 */
function plan(ctx: S3Context, info: ObjectInfo): ReadPlan | undefined {
  const outcome = evaluateConditions(
    {
      ifMatch: header(ctx, 'if-match'),
      ifNoneMatch: header(ctx, 'if-none-match'),
      ifModifiedSince: header(ctx, 'if-modified-since'),
      ifUnmodifiedSince: header(ctx, 'if-unmodified-since'),
    },
    info.etag,
    info.lastModified,
  );
  if (outcome === 'precondition-failed') {
    throw new S3Error('PreconditionFailed', undefined, {
      Condition: header(ctx, 'if-match') !== undefined ? 'If-Match' : 'If-Unmodified-Since',
    });
  }
  if (outcome === 'not-modified') {
    sendEmpty(ctx, 304, { ETag: quoteEtag(info.etag), 'Last-Modified': httpDate(info.lastModified) });
    return undefined;
  }
  const partParam = ctx.query.get('partNumber');
  const rangeHeader = header(ctx, 'range');
  if (partParam !== null) {
    const partNumber = parsePartNumber(partParam);
    if (rangeHeader !== undefined) {
      throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
    }
    return { range: partRange(info, partNumber), partNumber };
  }
  return { range: resolveRange(rangeHeader, info.size), partNumber: undefined };
}

function setReadHeaders(ctx: S3Context, info: ObjectInfo, p: ReadPlan): void {
  const { res } = ctx;
  setObjectHeaders(res, info);
  applyResponseOverrides(ctx);
  if (p.partNumber !== undefined && info.parts !== undefined && info.parts.length > 0) {
    res.setHeader('x-amz-mp-parts-count', String(info.parts.length));
  }
  if (checksumModeEnabled(ctx) && (p.range === undefined || p.partNumber !== undefined)) {
    setChecksumHeaders(res, info, p.partNumber);
  }
  if (p.range === undefined) {
    res.statusCode = 200;
    res.setHeader('Content-Length', info.size);
  } else {
    res.statusCode = 206;
    res.setHeader('Content-Length', p.range.end - p.range.start + 1);
    res.setHeader('Content-Range', `bytes ${p.range.start}-${p.range.end}/${info.size}`);
  }
}

/**
 * GetObject: conditions, one range or one part, response overrides, checksum mode. A small object
 * whose bytes came with its metadata is answered in one write; others are piped with backpressure
 * once their first block is readable, and a failure after the headers went out destroys the connection (the client sees a short body,
 * never a wrong one).
 */
export async function getObject(ctx: S3Context): Promise<void> {
  const reader = await readExisting(ctx, () =>
    ctx.objects.openObject(ctx.bucket, ctx.key, requestedVersion(ctx)),
  );
  const p = plan(ctx, reader.info);
  if (p === undefined) return;
  setReadHeaders(ctx, reader.info, p);
  if (reader.info.size === 0) {
    ctx.res.end();
    return;
  }
  if (reader.readBuffer !== undefined) {
    ctx.res.end(reader.readBuffer(p.range));
    return;
  }
  // The first block is decoded before the headers go out: quorum loss answers an S3 error.
  await pipeline(await reader.openRead(p.range), ctx.res);
}

/** HeadObject: GetObject's headers and status without the body (and without opening the data). */
export async function headObject(ctx: S3Context): Promise<void> {
  const info = await readExisting(ctx, () =>
    ctx.objects.getObjectInfo(ctx.bucket, ctx.key, requestedVersion(ctx)),
  );
  const p = plan(ctx, info);
  if (p === undefined) return;
  setReadHeaders(ctx, info, p);
  ctx.res.end();
}
