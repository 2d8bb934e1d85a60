import { isValidBucketName } from '../bucket-name.js';
import { header, type S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { rejectUnsupportedHeaders } from '../request-headers.js';
import { sendEmpty } from '../response.js';
import { readXmlBody } from '../xml-body.js';

/**
 * CreateBucket. A CreateBucketConfiguration body is read and its LocationConstraint ignored: one
 * deployment serves one region. Re-creating an existing bucket answers BucketAlreadyOwnedByYou (409),
 * as MinIO does, rather than us-east-1's 200.
 */
export async function createBucket(ctx: S3Context): Promise<void> {
  if (!isValidBucketName(ctx.bucket)) {
    throw new S3Error('InvalidBucketName', undefined, { BucketName: ctx.bucket });
  }
  if (header(ctx, 'x-amz-bucket-object-lock-enabled')?.trim().toLowerCase() === 'true') {
    throw new S3Error('NotImplemented', undefined, { Header: 'x-amz-bucket-object-lock-enabled' });
  }
  rejectUnsupportedHeaders(ctx);
  const config = await readXmlBody(ctx, 64 * 1024);
  if (config !== undefined && config.name !== 'CreateBucketConfiguration') throw new S3Error('MalformedXML');
  await ctx.objects.makeBucket(ctx.bucket);
  sendEmpty(ctx, 200, { Location: `/${ctx.bucket}` });
}
