import { ObjectLayerError } from '../../../object/errors.js';
import { isValidBucketName } from '../bucket-name.js';
import { header, type S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { rejectUnsupportedHeaders } from '../request-headers.js';
import { sendEmpty } from '../response.js';
import { readXmlBody } from '../xml-body.js';

/** The one region where S3 answers 200 to re-creating a bucket you own, for legacy compatibility. */
const LEGACY_RECREATE_REGION = 'us-east-1';

/**
 * CreateBucket. A CreateBucketConfiguration body is read and its LocationConstraint ignored: one
 * deployment serves one region. Re-creating a bucket (every bucket here belongs to the one owner)
 * answers as S3 does in that region: 200 in us-east-1, BucketAlreadyOwnedByYou (409) elsewhere.
 * The 200 changes nothing: the bucket's ACL, which us-east-1 resets, is always the owner's alone.
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
  try {
    await ctx.objects.makeBucket(ctx.bucket);
  } catch (err) {
    const owned = err instanceof ObjectLayerError && err.kind === 'BucketAlreadyOwnedByYou';
    if (!owned || ctx.region !== LEGACY_RECREATE_REGION) throw err;
  }
  sendEmpty(ctx, 200, { Location: `/${ctx.bucket}` });
}
