import { checksumHeaderName } from '../../../util/checksum.js';
import type { S3Context } from '../context.js';
import {
  checksumRequest,
  contentMd5,
  payloadSize,
  rejectUnsupportedHeaders,
  storedMetadata,
} from '../request-headers.js';
import { sendEmpty } from '../response.js';
import { writeConditions } from '../write-conditions.js';
import { quoteEtag } from '../xml.js';

/**
 * PutObject: streams the decoded body into the object layer, which verifies Content-MD5 and the
 * requested checksum and commits only when the whole body arrived and matched.
 */
export async function putObject(ctx: S3Context): Promise<void> {
  rejectUnsupportedHeaders(ctx);
  const metadata = storedMetadata(ctx);
  const md5 = contentMd5(ctx);
  const conditions = writeConditions(ctx);
  const body = ctx.body();
  const size = payloadSize(ctx, body);
  const checksum = checksumRequest(ctx, body);
  ctx.errorContext.checksumAlgorithm = checksum?.algorithm;

  const info = await ctx.objects.putObject(ctx.bucket, ctx.key, body, {
    size,
    metadata,
    ...(md5 === undefined ? {} : { contentMd5: md5 }),
    ...(checksum === undefined ? {} : { checksum }),
    ...conditions,
  });

  const headers: Record<string, string> = { ETag: quoteEtag(info.etag) };
  if (checksum !== undefined && info.checksum !== undefined) {
    headers[checksumHeaderName(info.checksum.algorithm)] = info.checksum.value;
    headers['x-amz-checksum-type'] = info.checksum.type;
  }
  sendEmpty(ctx, 200, headers);
}
