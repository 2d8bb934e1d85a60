import type { S3Context } from '../context.js';
import { sendXml } from '../response.js';
import { xmlDocument } from '../xml.js';

/** GetBucketVersioning: versioning has never been enabled, which S3 reports as an empty configuration. */
export async function getBucketVersioning(ctx: S3Context): Promise<void> {
  await ctx.objects.getBucketInfo(ctx.bucket);
  sendXml(ctx, 200, xmlDocument('VersioningConfiguration', []));
}
