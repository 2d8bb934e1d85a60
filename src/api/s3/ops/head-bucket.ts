import type { S3Context } from '../context.js';
import { sendEmpty } from '../response.js';

/** HeadBucket: 200 with the bucket's region; a missing bucket is a bodiless 404. */
export async function headBucket(ctx: S3Context): Promise<void> {
  await ctx.objects.getBucketInfo(ctx.bucket);
  sendEmpty(ctx, 200, { 'x-amz-bucket-region': ctx.region, 'x-amz-access-point-alias': 'false' });
}
