import { checksumHeaderName } from '../../../util/checksum.js';
import type { S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { parsePartNumber } from '../object-headers.js';
import { checksumRequest, contentMd5, payloadSize } from '../request-headers.js';
import { sendEmpty } from '../response.js';
import { quoteEtag } from '../xml.js';

/** UploadPart (PUT ?partNumber&uploadId): one part, up to 5 GiB, checksummed like a PutObject body. */
export async function uploadPart(ctx: S3Context): Promise<void> {
  const partNumber = parsePartNumber(ctx.query.get('partNumber') ?? '');
  const uploadId = ctx.query.get('uploadId') ?? '';
  ctx.errorContext.uploadId = uploadId;
  const md5 = contentMd5(ctx);
  const body = ctx.body();
  const size = payloadSize(ctx, body);
  // S3 refuses a chunked part of undeclared length with 501 naming Transfer-Encoding (MinIO: 411
  // MissingContentLength); only PutObject, where streaming clients such as `curl -T -` land, takes one.
  if (size === undefined) throw new S3Error('NotImplemented', undefined, { Header: 'Transfer-Encoding' });
  const checksum = checksumRequest(ctx, body);
  ctx.errorContext.checksumAlgorithm = checksum?.algorithm;

  const part = await ctx.objects.uploadPart(ctx.bucket, ctx.key, body, {
    uploadId,
    partNumber,
    size,
    ...(md5 === undefined ? {} : { contentMd5: md5 }),
    ...(checksum === undefined ? {} : { checksum }),
  });

  const headers: Record<string, string> = { ETag: quoteEtag(part.etag) };
  if (checksum !== undefined && part.checksum !== undefined) {
    headers[checksumHeaderName(checksum.algorithm)] = part.checksum;
  }
  sendEmpty(ctx, 200, headers);
}
