import { requestedVersion, type S3Context } from '../context.js';
import { ownerElement } from '../listing.js';
import { sendXml } from '../response.js';
import { el, xmlDocument } from '../xml.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

function aclDocument(ctx: S3Context): string {
  return xmlDocument('AccessControlPolicy', [
    ownerElement('Owner', ctx.owner),
    el('AccessControlList', [
      el('Grant', [
        el('Grantee', [el('ID', ctx.owner.id), el('DisplayName', ctx.owner.displayName)], {
          'xmlns:xsi': XSI,
          'xsi:type': 'CanonicalUser',
        }),
        el('Permission', 'FULL_CONTROL'),
      ]),
    ]),
  ]);
}

/** GetBucketAcl: the one true ACL here, the owner's FULL_CONTROL (no other grants exist). */
export async function getBucketAcl(ctx: S3Context): Promise<void> {
  await ctx.objects.getBucketInfo(ctx.bucket);
  sendXml(ctx, 200, aclDocument(ctx));
}

/** GetObjectAcl: as for buckets, after checking that the object exists. */
export async function getObjectAcl(ctx: S3Context): Promise<void> {
  await ctx.objects.getObjectInfo(ctx.bucket, ctx.key, requestedVersion(ctx));
  sendXml(ctx, 200, aclDocument(ctx));
}
