import { header, type S3Context } from './context.js';
import { S3Error } from './errors.js';

/**
 * Conditional-write headers of PutObject/CompleteMultipartUpload/CopyObject: `If-None-Match` only
 * as `*` (S3 implements nothing else), `If-Match` with an ETag. Handed to the object layer, which
 * checks them atomically with the commit.
 */
export function writeConditions(ctx: S3Context): { ifNoneMatch?: string; ifMatch?: string } {
  const out: { ifNoneMatch?: string; ifMatch?: string } = {};
  const ifNoneMatch = header(ctx, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*')
      throw new S3Error('NotImplemented', undefined, { Header: 'If-None-Match' });
    out.ifNoneMatch = '*';
  }
  const ifMatch = header(ctx, 'if-match');
  if (ifMatch !== undefined) {
    const t = ifMatch.trim();
    out.ifMatch = t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
  }
  return out;
}
