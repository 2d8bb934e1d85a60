import { MAX_PUT_SIZE } from '../../../object/limits.js';
import type { ChecksumRequest } from '../../../object/object-layer.js';
import { parseChecksumAlgorithm } from '../../../util/checksum.js';
import { header, type S3Context } from '../context.js';
import { openCopySource } from '../copy-source.js';
import { S3Error } from '../errors.js';
import { rejectUnsupportedHeaders, storedMetadata } from '../request-headers.js';
import { sendXml } from '../response.js';
import { writeConditions } from '../write-conditions.js';
import { el, quoteEtag, xmlDocument, xmlTimestamp } from '../xml.js';

const SELF_COPY_MESSAGE =
  "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.";

function metadataDirective(ctx: S3Context): 'COPY' | 'REPLACE' {
  const raw = header(ctx, 'x-amz-metadata-directive');
  if (raw === undefined) return 'COPY';
  const value = raw.trim().toUpperCase();
  if (value !== 'COPY' && value !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown metadata directive.', {
      ArgumentName: 'x-amz-metadata-directive',
      ArgumentValue: raw,
    });
  }
  return value;
}

/**
 * CopyObject: streams the source's bytes into a new PUT of the destination. COPY keeps the source's
 * metadata, REPLACE takes the request's. The source's checksum algorithm carries over and, for a
 * full-object checksum, is verified on the way (the copy must hash to what the source stored).
 */
export async function copyObject(ctx: S3Context): Promise<void> {
  rejectUnsupportedHeaders(ctx);
  const directive = metadataDirective(ctx);
  const requestMetadata = directive === 'REPLACE' ? storedMetadata(ctx) : undefined;
  const conditions = writeConditions(ctx);
  const requestedAlgorithmRaw = header(ctx, 'x-amz-checksum-algorithm');
  const requestedAlgorithm =
    requestedAlgorithmRaw === undefined ? undefined : parseChecksumAlgorithm(requestedAlgorithmRaw);
  if (requestedAlgorithmRaw !== undefined && requestedAlgorithm === undefined) {
    throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
  }

  const { source, reader } = await openCopySource(ctx);
  const info = reader.info;
  if (
    source.bucket === ctx.bucket &&
    source.key === ctx.key &&
    directive === 'COPY' &&
    requestedAlgorithm === undefined
  ) {
    throw new S3Error('InvalidRequest', SELF_COPY_MESSAGE);
  }
  if (info.size > MAX_PUT_SIZE) {
    throw new S3Error(
      'InvalidRequest',
      `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_PUT_SIZE}`,
    );
  }

  let checksum: ChecksumRequest | undefined;
  const stored = info.checksum;
  if (requestedAlgorithm !== undefined && requestedAlgorithm !== stored?.algorithm) {
    checksum = { algorithm: requestedAlgorithm, expected: () => undefined };
  } else if (stored !== undefined) {
    const expected = stored.type === 'FULL_OBJECT' ? stored.value : undefined;
    checksum = { algorithm: stored.algorithm, expected: () => expected };
  }
  ctx.errorContext.checksumAlgorithm = checksum?.algorithm;

  const copied = await ctx.objects.putObject(ctx.bucket, ctx.key, reader.read(), {
    size: info.size,
    metadata: requestMetadata ?? { ...info.metadata },
    ...(checksum === undefined ? {} : { checksum }),
    ...conditions,
  });

  const result = copied.checksum;
  sendXml(
    ctx,
    200,
    xmlDocument('CopyObjectResult', [
      el('ETag', quoteEtag(copied.etag)),
      el('LastModified', xmlTimestamp(copied.lastModified)),
      el('ChecksumType', result?.type),
      el(result === undefined ? 'ChecksumCRC32' : `Checksum${result.algorithm}`, result?.value),
    ]),
  );
}
