import { type S3Context, versionOption } from '../context.js';
import { sendEmpty } from '../response.js';

/**
 * DeleteObject: 204 whether or not the key existed (S3 deletes are idempotent), naming the version
 * removed (or the delete marker made) as the object layer reports it.
 */
export async function deleteObject(ctx: S3Context): Promise<void> {
  const result = await ctx.objects.deleteObject(ctx.bucket, ctx.key, versionOption(ctx));
  if (result.versionId !== undefined) ctx.res.setHeader('x-amz-version-id', result.versionId);
  if (result.deleteMarker) ctx.res.setHeader('x-amz-delete-marker', 'true');
  sendEmpty(ctx, 204);
}
