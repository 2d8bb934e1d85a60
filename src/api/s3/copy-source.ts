import type { ObjectReader } from '../../object/object-layer.js';
import { MAX_KEY_BYTES } from './addressing.js';
import { enforceCopySourceConditions } from './conditions.js';
import { header, type S3Context } from './context.js';
import { S3Error } from './errors.js';

export interface CopySource {
  bucket: string;
  key: string;
  /** The source version named by `?versionId=`, if any. */
  versionId?: string;
}

function invalidSource(): S3Error {
  return new S3Error(
    'InvalidArgument',
    'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    {
      ArgumentName: 'x-amz-copy-source',
    },
  );
}

/**
 * Parses `x-amz-copy-source`: URL-encoded `bucket/key`, an optional leading slash, an optional
 * `?versionId=` (the object layer answers NoSuchVersion for a version that does not exist).
 */
export function parseCopySource(value: string): CopySource {
  let raw = value.trim();
  let versionId: string | undefined;
  const q = raw.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(raw.slice(q + 1));
    versionId = params.get('versionId') ?? undefined;
    raw = raw.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw invalidSource();
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw invalidSource();
  const source: CopySource = { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
  if (Buffer.byteLength(source.key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError');
  if (versionId !== undefined) source.versionId = versionId;
  return source;
}

/** Opens the copy source named by the request and enforces the x-amz-copy-source-if-* conditions. */
export async function openCopySource(ctx: S3Context): Promise<{ source: CopySource; reader: ObjectReader }> {
  const raw = header(ctx, 'x-amz-copy-source') ?? '';
  const source = parseCopySource(raw);
  // Reading the source is its own permission: s3:GetObject (or the version's) on the source key.
  await ctx.authorize(
    source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion',
    source.bucket,
    source.key,
  );
  for (const name of Object.keys(ctx.req.headers)) {
    if (name.startsWith('x-amz-copy-source-server-side-encryption')) {
      throw new S3Error('NotImplemented', undefined, { Header: name });
    }
  }
  let reader: ObjectReader;
  try {
    reader = await ctx.objects.openObject(
      source.bucket,
      source.key,
      source.versionId === undefined ? {} : { versionId: source.versionId },
    );
  } catch (err) {
    // Errors about the source name the source, not the destination.
    ctx.errorContext.bucket = source.bucket;
    ctx.errorContext.key = source.key;
    ctx.errorContext.versionId = source.versionId;
    throw err;
  }
  if (source.versionId !== undefined) ctx.res.setHeader('x-amz-copy-source-version-id', source.versionId);
  enforceCopySourceConditions(
    {
      ifMatch: header(ctx, 'x-amz-copy-source-if-match'),
      ifNoneMatch: header(ctx, 'x-amz-copy-source-if-none-match'),
      ifModifiedSince: header(ctx, 'x-amz-copy-source-if-modified-since'),
      ifUnmodifiedSince: header(ctx, 'x-amz-copy-source-if-unmodified-since'),
    },
    reader.info.etag,
    reader.info.lastModified,
  );
  return { source, reader };
}
