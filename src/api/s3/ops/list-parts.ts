import type { S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { ownerElement, parseMaxParam } from '../listing.js';
import { sendXml } from '../response.js';
import { el, quoteEtag, xmlDocument, xmlTimestamp } from '../xml.js';

/** ListParts (GET ?uploadId): `part-number-marker` and `max-parts` page the uploaded parts. */
export async function listParts(ctx: S3Context): Promise<void> {
  const uploadId = ctx.query.get('uploadId') ?? '';
  ctx.errorContext.uploadId = uploadId;
  const markerRaw = ctx.query.get('part-number-marker') ?? '';
  if (markerRaw !== '' && !/^\d{1,5}$/.test(markerRaw)) {
    throw new S3Error(
      'InvalidArgument',
      'Provided part-number-marker not an integer or within integer range',
      {
        ArgumentName: 'part-number-marker',
        ArgumentValue: markerRaw,
      },
    );
  }
  const partNumberMarker = markerRaw === '' ? 0 : Number(markerRaw);
  const maxParts = parseMaxParam(ctx, 'max-parts');

  const result = await ctx.objects.listParts(ctx.bucket, ctx.key, { uploadId, partNumberMarker, maxParts });
  const algorithm = result.upload.checksumAlgorithm;
  sendXml(
    ctx,
    200,
    xmlDocument('ListPartsResult', [
      el('Bucket', ctx.bucket),
      el('Key', ctx.key),
      el('UploadId', uploadId),
      ownerElement('Initiator', ctx.owner),
      ownerElement('Owner', ctx.owner),
      el('StorageClass', 'STANDARD'),
      el('PartNumberMarker', partNumberMarker),
      el('NextPartNumberMarker', result.nextPartNumberMarker),
      el('MaxParts', maxParts),
      el('IsTruncated', result.isTruncated),
      el('ChecksumAlgorithm', algorithm),
      el('ChecksumType', algorithm === undefined ? undefined : (result.upload.checksumType ?? 'COMPOSITE')),
      ...result.parts.map((p) =>
        el('Part', [
          el('PartNumber', p.partNumber),
          el('LastModified', xmlTimestamp(p.lastModified)),
          el('ETag', quoteEtag(p.etag)),
          el('Size', p.size),
          el(`Checksum${algorithm ?? 'CRC32'}`, algorithm === undefined ? undefined : p.checksum),
        ]),
      ),
    ]),
  );
}
