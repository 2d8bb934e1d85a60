import type { S3Context } from '../context.js';
import { sendEmpty } from '../response.js';

/** DeleteObject: 204 whether or not the key existed (S3 deletes are idempotent). */
export async function deleteObject(ctx: S3Context): Promise<void> {
  await ctx.objects.deleteObject(ctx.bucket, ctx.key);
  sendEmpty(ctx, 204);
}
