import type { S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import {
  commonPrefixesXml,
  contentsXml,
  encoder,
  optional,
  parseEncodingType,
  parseMaxParam,
} from '../listing.js';
import { sendXml } from '../response.js';
import { el, xmlDocument } from '../xml.js';

/** Continuation tokens are opaque to clients: base64 of the last key or prefix returned. */
export function encodeContinuationToken(after: string): string {
  return Buffer.from(after, 'utf8').toString('base64');
}

export function decodeContinuationToken(token: string): string {
  const decoded = Buffer.from(token, 'base64');
  if (token === '' || decoded.toString('base64') !== token) {
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', {
      ArgumentName: 'continuation-token',
    });
  }
  return decoded.toString('utf8');
}

/** ListObjectsV2 (`list-type=2`). */
export async function listObjectsV2(ctx: S3Context): Promise<void> {
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const startAfter = ctx.query.get('start-after') ?? '';
  const token = ctx.query.get('continuation-token');
  const maxKeys = parseMaxParam(ctx, 'max-keys');
  const encoding = parseEncodingType(ctx);
  const fetchOwner = ctx.query.get('fetch-owner') === 'true';
  // An empty token means none: listing starts at start-after (or the beginning) and the empty token
  // is echoed back, as ceph/s3-tests expects of S3 (test_bucket_listv2_continuationtoken_empty).
  const after = token === null || token === '' ? startAfter : decodeContinuationToken(token);
  const encode = encoder(encoding);

  let result: Awaited<ReturnType<typeof ctx.objects.listObjects>>;
  if (maxKeys === 0) {
    await ctx.objects.getBucketInfo(ctx.bucket);
    result = { objects: [], commonPrefixes: [], isTruncated: false };
  } else {
    result = await ctx.objects.listObjects(ctx.bucket, { prefix, delimiter, after, maxKeys });
  }
  const next = result.isTruncated && result.nextAfter !== undefined ? result.nextAfter : undefined;

  sendXml(
    ctx,
    200,
    xmlDocument('ListBucketResult', [
      el('Name', ctx.bucket),
      el('Prefix', encode(prefix)),
      el('ContinuationToken', token ?? undefined),
      el('NextContinuationToken', next === undefined ? undefined : encodeContinuationToken(next)),
      el('StartAfter', optional(startAfter) === undefined ? undefined : encode(startAfter)),
      el('KeyCount', result.objects.length + result.commonPrefixes.length),
      el('MaxKeys', maxKeys),
      el('Delimiter', optional(delimiter) === undefined ? undefined : encode(delimiter)),
      el('EncodingType', encoding),
      el('IsTruncated', result.isTruncated),
      contentsXml(result.objects, encode, fetchOwner ? ctx.owner : undefined),
      commonPrefixesXml(result.commonPrefixes, encode),
    ]),
  );
}
