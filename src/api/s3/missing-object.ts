import { ObjectLayerError } from '../../object/errors.js';
import type { S3Context } from './context.js';

/**
 * Reads an object's metadata for GetObject, HeadObject or GetObjectAttributes, keeping S3's rule
 * for a key (or version) that does not exist: a caller who may not list the bucket (s3:ListBucket)
 * learns nothing from the answer and gets 403 AccessDenied; root and callers who may list it get
 * 404 NoSuchKey / NoSuchVersion. Only the failure path pays for the extra authorization.
 */
export async function readExisting<T>(ctx: S3Context, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ObjectLayerError && (err.kind === 'NoSuchKey' || err.kind === 'NoSuchVersion')) {
      await ctx.authorize('s3:ListBucket', ctx.bucket);
    }
    throw err;
  }
}
