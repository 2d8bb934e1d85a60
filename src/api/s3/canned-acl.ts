import { header, type S3Context } from './context.js';
import { S3Error } from './errors.js';

/** Every canned ACL S3 knows: the values x-amz-acl may take. */
const CANNED_ACLS: ReadonlySet<string> = new Set([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
]);

/**
 * Canned ACLs that say what already holds for every bucket and object here: one account owns
 * everything and nobody else has access. The bucket-owner-* ones grant the bucket's owner, who is
 * that same account (and S3 ignores them on buckets).
 */
const OWNER_ONLY_ACLS: ReadonlySet<string> = new Set([
  'private',
  'bucket-owner-full-control',
  'bucket-owner-read',
]);

/** The ACL headers of a request: x-amz-acl (an empty value counts as absent, as on S3) and x-amz-grant-*. */
export function aclHeaders(ctx: S3Context): { canned: string | undefined; grants: string[] } {
  const canned = header(ctx, 'x-amz-acl')?.trim();
  const grants = Object.keys(ctx.req.headers).filter((name) => name.startsWith('x-amz-grant-'));
  return { canned: canned === '' ? undefined : canned, grants };
}

/**
 * Checks the ACL a request asks for. Owner-only canned ACLs pass (tools send `private` or
 * `bucket-owner-full-control` on every write); a value S3 does not know is InvalidArgument, with S3's
 * empty message; other canned ACLs and explicit grants are NotImplemented until access control exists,
 * rather than a success that granted nothing.
 */
export function requireOwnerOnlyAcl(ctx: S3Context): void {
  const { canned, grants } = aclHeaders(ctx);
  if (canned !== undefined && grants.length > 0) {
    throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
  }
  if (canned !== undefined && !CANNED_ACLS.has(canned)) {
    throw new S3Error('InvalidArgument', '', { ArgumentName: 'x-amz-acl', ArgumentValue: canned });
  }
  if (canned !== undefined && !OWNER_ONLY_ACLS.has(canned)) {
    throw new S3Error('NotImplemented', undefined, { Header: 'x-amz-acl' });
  }
  const grant = grants[0];
  if (grant !== undefined) throw new S3Error('NotImplemented', undefined, { Header: grant });
}
