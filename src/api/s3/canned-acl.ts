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
 * The canned ACLs that ACLs disabled (Object Ownership "bucket owner enforced", AWS's default since
 * April 2023) still accepts: both say only that the bucket's owner has FULL_CONTROL, which is what
 * holds for every bucket and object here.
 */
const OWNER_ENFORCED_ACLS: ReadonlySet<string> = new Set(['private', 'bucket-owner-full-control']);

/** What S3 answers a request that would grant through an ACL on a bucket that does not allow them. */
export function aclsNotSupported(): S3Error {
  return new S3Error('AccessControlListNotSupported');
}

/** The ACL headers of a request: x-amz-acl (an empty value counts as absent, as on S3) and x-amz-grant-*. */
export function aclHeaders(ctx: S3Context): { canned: string | undefined; grants: string[] } {
  const canned = header(ctx, 'x-amz-acl')?.trim();
  const grants = Object.keys(ctx.req.headers).filter((name) => name.startsWith('x-amz-grant-'));
  return { canned: canned === '' ? undefined : canned, grants };
}

/**
 * Checks the ACL a request asks for, as S3 does with ACLs disabled. `private` and
 * `bucket-owner-full-control` pass (tools send them on every write); a value S3 does not know is
 * InvalidArgument, with S3's empty message; any other canned ACL and any x-amz-grant-* header is
 * AccessControlListNotSupported, since it would grant someone other than the owner.
 */
export function requireOwnerOnlyAcl(ctx: S3Context): void {
  const { canned, grants } = aclHeaders(ctx);
  if (canned !== undefined && grants.length > 0) {
    throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
  }
  if (canned !== undefined) requireOwnerEnforcedAcl(canned, 'x-amz-acl');
  if (grants.length > 0) throw aclsNotSupported();
}

/**
 * Checks one canned ACL (x-amz-acl, or a browser form's `acl` field): one S3 does not know is
 * InvalidArgument naming `argumentName`, one that would grant others AccessControlListNotSupported.
 */
export function requireOwnerEnforcedAcl(canned: string, argumentName: string): void {
  if (!CANNED_ACLS.has(canned)) {
    throw new S3Error('InvalidArgument', '', { ArgumentName: argumentName, ArgumentValue: canned });
  }
  if (!OWNER_ENFORCED_ACLS.has(canned)) throw aclsNotSupported();
}
