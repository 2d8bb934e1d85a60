import { MAX_PUT_SIZE } from '../../../object/limits.js';
import { header, type S3Context } from '../context.js';
import { openCopySource } from '../copy-source.js';
import { S3Error } from '../errors.js';
import { parsePartNumber } from '../object-headers.js';
import { resolveCopySourceRange } from '../range.js';
import { sendXml } from '../response.js';
import { el, quoteEtag, xmlDocument, xmlTimestamp } from '../xml.js';

/** UploadPartCopy: a part made of the source object's bytes, or of `x-amz-copy-source-range`. */
export async function uploadPartCopy(ctx: S3Context): Promise<void> {
  const partNumber = parsePartNumber(ctx.query.get('partNumber') ?? '');
  const uploadId = ctx.query.get('uploadId') ?? '';
  ctx.errorContext.uploadId = uploadId;
  const { reader } = await openCopySource(ctx);
  const info = reader.info;
  const rangeHeader = header(ctx, 'x-amz-copy-source-range');
  const range = rangeHeader === undefined ? undefined : resolveCopySourceRange(rangeHeader, info.size);
  const size = range === undefined ? info.size : range.end - range.start + 1;
  if (size > MAX_PUT_SIZE) {
    throw new S3Error(
      'InvalidRequest',
      `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_PUT_SIZE}`,
    );
  }

  const part = await ctx.objects.uploadPart(ctx.bucket, ctx.key, reader.read(range), {
    uploadId,
    partNumber,
    size,
  });
  sendXml(
    ctx,
    200,
    xmlDocument('CopyPartResult', [
      el('ETag', quoteEtag(part.etag)),
      el('LastModified', xmlTimestamp(part.lastModified)),
      // The part is hashed with the upload's algorithm, if it has one; the client needs the value
      // to list the part on CompleteMultipartUpload.
      el(`Checksum${part.checksumAlgorithm ?? 'CRC32'}`, part.checksumAlgorithm && part.checksum),
    ]),
  );
}
