import { aclHeaders, requireOwnerOnlyAcl } from '../canned-acl.js';
import { requestedVersion, type S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { sendEmpty } from '../response.js';

function hasBody(ctx: S3Context): boolean {
  const length = ctx.req.headers['content-length'];
  return (
    ctx.req.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0')
  );
}

/**
 * PUT ?acl with a canned ACL that already holds (`private`, `bucket-owner-full-control`): accepted,
 * and nothing changes, since the owner's FULL_CONTROL is the only grant there is. An ACL sent as an
 * AccessControlPolicy document, other canned ACLs and explicit grants are NotImplemented until access
 * control exists; the request shapes S3 refuses are refused with its codes.
 */
async function putAcl(ctx: S3Context): Promise<void> {
  const { canned, grants } = aclHeaders(ctx);
  const inHeaders = canned !== undefined || grants.length > 0;
  if (inHeaders && hasBody(ctx)) throw new S3Error('UnexpectedContent');
  if (!inHeaders) {
    if (hasBody(ctx)) {
      throw new S3Error(
        'NotImplemented',
        'Setting an ACL from an AccessControlPolicy document is not implemented.',
      );
    }
    throw new S3Error('MissingSecurityHeader');
  }
  requireOwnerOnlyAcl(ctx);
  sendEmpty(ctx, 200);
}

/** PutBucketAcl: see putAcl. */
export async function putBucketAcl(ctx: S3Context): Promise<void> {
  await ctx.objects.getBucketInfo(ctx.bucket);
  await putAcl(ctx);
}

/** PutObjectAcl: see putAcl, after checking that the object exists. */
export async function putObjectAcl(ctx: S3Context): Promise<void> {
  await ctx.objects.getObjectInfo(ctx.bucket, ctx.key, requestedVersion(ctx));
  await putAcl(ctx);
}
