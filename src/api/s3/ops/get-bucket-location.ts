import type { S3Context } from '../context.js';
import { sendXml } from '../response.js';
import { xmlTextDocument } from '../xml.js';

/** GetBucketLocation: empty for us-east-1 (S3's historical encoding of the default region), else the region. */
export async function getBucketLocation(ctx: S3Context): Promise<void> {
  await ctx.objects.getBucketInfo(ctx.bucket);
  sendXml(ctx, 200, xmlTextDocument('LocationConstraint', ctx.region === 'us-east-1' ? '' : ctx.region));
}
