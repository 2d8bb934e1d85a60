import type { S3Context } from '../context.js';
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

/**
 * ListObjects (version 1). NextMarker is returned only with a delimiter, as S3 does; without one the
 * client continues from the last key it received.
 */
export async function listObjects(ctx: S3Context): Promise<void> {
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const marker = ctx.query.get('marker') ?? '';
  const maxKeys = parseMaxParam(ctx, 'max-keys');
  const encoding = parseEncodingType(ctx);
  const encode = encoder(encoding);

  let result: Awaited<ReturnType<typeof ctx.objects.listObjects>>;
  if (maxKeys === 0) {
    await ctx.objects.getBucketInfo(ctx.bucket);
    result = { objects: [], commonPrefixes: [], isTruncated: false };
  } else {
    result = await ctx.objects.listObjects(ctx.bucket, { prefix, delimiter, after: marker, maxKeys });
  }
  const nextMarker =
    result.isTruncated && delimiter !== '' && result.nextAfter !== undefined ? result.nextAfter : undefined;

  sendXml(
    ctx,
    200,
    xmlDocument('ListBucketResult', [
      el('Name', ctx.bucket),
      el('Prefix', encode(prefix)),
      el('Marker', encode(marker)),
      el('NextMarker', nextMarker === undefined ? undefined : encode(nextMarker)),
      el('MaxKeys', maxKeys),
      el('Delimiter', optional(delimiter) === undefined ? undefined : encode(delimiter)),
      el('EncodingType', encoding),
      el('IsTruncated', result.isTruncated),
      contentsXml(result.objects, encode, ctx.owner),
      commonPrefixesXml(result.commonPrefixes, encode),
    ]),
  );
}
