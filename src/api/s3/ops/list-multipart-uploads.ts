import type { S3Context } from '../context.js';
import {
  commonPrefixesXml,
  encoder,
  optional,
  ownerElement,
  parseEncodingType,
  parseMaxParam,
} from '../listing.js';
import { sendXml } from '../response.js';
import { el, xmlDocument, xmlTimestamp } from '../xml.js';

/** ListMultipartUploads (GET ?uploads): in-progress uploads by key, then upload id. */
export async function listMultipartUploads(ctx: S3Context): Promise<void> {
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const keyMarker = ctx.query.get('key-marker') ?? '';
  // An upload-id-marker means nothing without a key-marker (S3 ignores it then).
  const uploadIdMarker = keyMarker === '' ? '' : (ctx.query.get('upload-id-marker') ?? '');
  const maxUploads = parseMaxParam(ctx, 'max-uploads');
  const encoding = parseEncodingType(ctx);
  const encode = encoder(encoding);

  const result =
    maxUploads === 0
      ? await ctx.objects.getBucketInfo(ctx.bucket).then(() => ({
          uploads: [],
          commonPrefixes: [],
          isTruncated: false,
          nextKeyMarker: undefined,
          nextUploadIdMarker: undefined,
        }))
      : await ctx.objects.listMultipartUploads(ctx.bucket, {
          prefix,
          delimiter,
          keyMarker,
          uploadIdMarker,
          maxUploads,
        });

  sendXml(
    ctx,
    200,
    xmlDocument('ListMultipartUploadsResult', [
      el('Bucket', ctx.bucket),
      el('KeyMarker', encode(keyMarker)),
      el('UploadIdMarker', uploadIdMarker),
      el('NextKeyMarker', result.nextKeyMarker === undefined ? undefined : encode(result.nextKeyMarker)),
      el('NextUploadIdMarker', result.nextUploadIdMarker),
      el('Prefix', encode(prefix)),
      el('Delimiter', optional(delimiter) === undefined ? undefined : encode(delimiter)),
      el('MaxUploads', maxUploads),
      el('EncodingType', encoding),
      el('IsTruncated', result.isTruncated),
      ...result.uploads.map((u) =>
        el('Upload', [
          el('Key', encode(u.key)),
          el('UploadId', u.uploadId),
          ownerElement('Initiator', ctx.owner),
          ownerElement('Owner', ctx.owner),
          el('StorageClass', 'STANDARD'),
          el('Initiated', xmlTimestamp(u.initiated)),
          el('ChecksumAlgorithm', u.checksumAlgorithm),
          el('ChecksumType', u.checksumAlgorithm === undefined ? undefined : (u.checksumType ?? 'COMPOSITE')),
        ]),
      ),
      commonPrefixesXml(result.commonPrefixes, encode),
    ]),
  );
}
