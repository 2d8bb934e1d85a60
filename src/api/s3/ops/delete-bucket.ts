import type { S3Context } from '../context.js';
import { sendEmpty } from '../response.js';

/** DeleteBucket: 204; BucketNotEmpty while objects or multipart uploads remain. */
export async function deleteBucket(ctx: S3Context): Promise<void> {
  await ctx.objects.deleteBucket(ctx.bucket);
  sendEmpty(ctx, 204);
}
