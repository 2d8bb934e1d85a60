import type { S3Context } from '../context.js';
import { sendXml } from '../response.js';
import { el, xmlDocument } from '../xml.js';

/**
 * GetBucketOwnershipControls: every bucket here is "bucket owner enforced" (ACLs disabled, the
 * bucket's owner owns every object), AWS's default for new buckets. Changing it is not offered:
 * PUT and DELETE ?ownershipControls answer NotImplemented.
 */
export async function getBucketOwnershipControls(ctx: S3Context): Promise<void> {
  await ctx.objects.getBucketInfo(ctx.bucket);
  sendXml(
    ctx,
    200,
    xmlDocument('OwnershipControls', [el('Rule', [el('ObjectOwnership', 'BucketOwnerEnforced')])]),
  );
}
