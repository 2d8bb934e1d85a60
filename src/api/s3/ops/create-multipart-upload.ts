import type { ChecksumType, CreateMultipartOptions } from '../../../object/object-layer.js';
import {
  defaultMultipartChecksumType,
  multipartChecksumTypeAllowed,
  parseChecksumAlgorithm,
} from '../../../util/checksum.js';
import { header, type S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { rejectUnsupportedHeaders, storedMetadata } from '../request-headers.js';
import { sendXml } from '../response.js';
import { el, xmlDocument } from '../xml.js';

/** CreateMultipartUpload (POST ?uploads): metadata is fixed now; parts carry the checksum algorithm named here. */
export async function createMultipartUpload(ctx: S3Context): Promise<void> {
  rejectUnsupportedHeaders(ctx);
  const opts: CreateMultipartOptions = { metadata: storedMetadata(ctx) };
  const algorithmRaw = header(ctx, 'x-amz-checksum-algorithm');
  if (algorithmRaw !== undefined) {
    const algorithm = parseChecksumAlgorithm(algorithmRaw);
    if (algorithm === undefined)
      throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
    opts.checksumAlgorithm = algorithm;
  }
  const typeRaw = header(ctx, 'x-amz-checksum-type');
  if (typeRaw !== undefined) {
    const type = typeRaw.trim().toUpperCase();
    if (type !== 'FULL_OBJECT' && type !== 'COMPOSITE') {
      throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
    }
    if (opts.checksumAlgorithm === undefined) {
      throw new S3Error(
        'InvalidRequest',
        'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
      );
    }
    if (!multipartChecksumTypeAllowed(opts.checksumAlgorithm, type as ChecksumType)) {
      throw new S3Error(
        'InvalidRequest',
        `The ${type} checksum type cannot be used with the ${opts.checksumAlgorithm.toLowerCase()} checksum algorithm.`,
      );
    }
    opts.checksumType = type as ChecksumType;
  }

  const uploadId = await ctx.objects.createMultipartUpload(ctx.bucket, ctx.key, opts);
  const headers: Record<string, string> = {};
  if (opts.checksumAlgorithm !== undefined) {
    headers['x-amz-checksum-algorithm'] = opts.checksumAlgorithm;
    headers['x-amz-checksum-type'] =
      opts.checksumType ?? defaultMultipartChecksumType(opts.checksumAlgorithm);
  }
  sendXml(
    ctx,
    200,
    xmlDocument('InitiateMultipartUploadResult', [
      el('Bucket', ctx.bucket),
      el('Key', ctx.key),
      el('UploadId', uploadId),
    ]),
    headers,
  );
}
