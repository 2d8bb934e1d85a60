import { aclHeaders, aclsNotSupported, requireOwnerOnlyAcl } from '../canned-acl.js';
import { type Owner, requestedVersion, type S3Context } from '../context.js';
import { isS3Error, S3Error } from '../errors.js';
import { sendEmpty } from '../response.js';
import { readXmlBody } from '../xml-body.js';
import { childrenNamed, childText, type XmlNode } from '../xml-parse.js';

/** An AccessControlPolicy document is a few grants: 64 KiB is far more than any real one. */
const MAX_ACL_BODY = 64 * 1024;

const PERMISSIONS: ReadonlySet<string> = new Set(['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP']);

function hasBody(ctx: S3Context): boolean {
  const length = ctx.req.headers['content-length'];
  return (
    ctx.req.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0')
  );
}

function malformedAcl(): S3Error {
  return new S3Error('MalformedACLError');
}

/**
 * Checks an AccessControlPolicy document as S3 does with ACLs disabled: a document that grants the
 * owner FULL_CONTROL and nobody anything (what `bucket-owner-full-control` says) is accepted; one
 * that names another grantee, another permission or another owner would need ACLs; a document that
 * is not an AccessControlPolicy is MalformedACLError.
 */
function requireOwnerOnlyDocument(root: XmlNode | undefined, owner: Owner): void {
  if (root === undefined || root.name !== 'AccessControlPolicy') throw malformedAcl();
  const lists = childrenNamed(root, 'AccessControlList');
  if (lists.length !== 1) throw malformedAcl();
  const grants = childrenNamed(lists[0]!, 'Grant');
  let ownerOnly = grants.length > 0;
  for (const grant of grants) {
    const grantees = childrenNamed(grant, 'Grantee');
    const permission = childText(grant, 'Permission')?.trim();
    if (grantees.length !== 1 || permission === undefined || !PERMISSIONS.has(permission)) {
      throw malformedAcl();
    }
    const grantee = grantees[0]!;
    const id = childText(grantee, 'ID')?.trim();
    const otherwise = childrenNamed(grantee, 'URI').length + childrenNamed(grantee, 'EmailAddress').length;
    if (id === undefined && otherwise === 0) throw malformedAcl();
    if (id !== owner.id || otherwise > 0 || permission !== 'FULL_CONTROL') ownerOnly = false;
  }
  const ownerNodes = childrenNamed(root, 'Owner');
  if (ownerNodes.length > 1) throw malformedAcl();
  const ownerId = ownerNodes[0] === undefined ? undefined : childText(ownerNodes[0], 'ID')?.trim();
  if (ownerId !== undefined && ownerId !== owner.id) ownerOnly = false;
  if (!ownerOnly) throw aclsNotSupported();
}

/**
 * PUT ?acl, as S3 answers it with ACLs disabled (Object Ownership "bucket owner enforced"): an ACL
 * that only restates the owner's FULL_CONTROL — canned `private` or `bucket-owner-full-control`, or
 * the equivalent AccessControlPolicy document — is accepted and changes nothing; any other grant is
 * AccessControlListNotSupported. Headers and a body together are UnexpectedContent; neither is
 * MissingSecurityHeader.
 */
async function putAcl(ctx: S3Context): Promise<void> {
  const { canned, grants } = aclHeaders(ctx);
  const inHeaders = canned !== undefined || grants.length > 0;
  if (inHeaders && hasBody(ctx)) throw new S3Error('UnexpectedContent');
  if (inHeaders) {
    requireOwnerOnlyAcl(ctx);
  } else {
    if (!hasBody(ctx)) throw new S3Error('MissingSecurityHeader');
    let document: XmlNode | undefined;
    try {
      document = await readXmlBody(ctx, MAX_ACL_BODY);
    } catch (err) {
      if (isS3Error(err) && err.code === 'MalformedXML') throw malformedAcl();
      throw err;
    }
    requireOwnerOnlyDocument(document, ctx.owner);
  }
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
