import type { S3Context } from '../context.js';
import { sendEmpty } from '../response.js';

/** AbortMultipartUpload (DELETE ?uploadId): 204, NoSuchUpload when it is not in progress. */
export async function abortMultipartUpload(ctx: S3Context): Promise<void> {
  const uploadId = ctx.query.get('uploadId') ?? '';
  ctx.errorContext.uploadId = uploadId;
  await ctx.objects.abortMultipartUpload(ctx.bucket, ctx.key, { uploadId });
  sendEmpty(ctx, 204);
}
