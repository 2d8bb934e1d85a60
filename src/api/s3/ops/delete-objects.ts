import { MAX_KEY_BYTES } from '../addressing.js';
import type { S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { toS3Error } from '../object-error-map.js';
import { sendXml } from '../response.js';
import { el, type XmlElement, xmlDocument } from '../xml.js';
import { readXmlBody } from '../xml-body.js';
import { childrenNamed, childText, type XmlNode } from '../xml-parse.js';

/** S3 takes at most 1000 keys per DeleteObjects request. */
export const MAX_DELETE_KEYS = 1000;
/** Deletes run a few at a time: fast for 1000 keys without flooding the object layer. */
const DELETE_CONCURRENCY = 16;

interface DeleteEntry {
  key: string;
  versionId: string | undefined;
}

function parseDeleteRequest(root: XmlNode | undefined): { quiet: boolean; entries: DeleteEntry[] } {
  if (root === undefined || root.name !== 'Delete') throw new S3Error('MalformedXML');
  const quietText = childText(root, 'Quiet')?.trim().toLowerCase();
  if (quietText !== undefined && quietText !== 'true' && quietText !== 'false')
    throw new S3Error('MalformedXML');
  const objects = childrenNamed(root, 'Object');
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw new S3Error('MalformedXML');
  const entries = objects.map((o) => {
    const key = childText(o, 'Key');
    if (key === undefined) throw new S3Error('MalformedXML');
    return { key, versionId: childText(o, 'VersionId') };
  });
  return { quiet: quietText === 'true', entries };
}

/**
 * DeleteObjects (POST ?delete): up to 1000 keys; quiet mode reports only failures. A body checksum
 * (Content-MD5 or x-amz-checksum-*) is verified when sent. A version id is passed to the object
 * layer, which reports one that does not exist per key as NoSuchVersion.
 */
export async function deleteObjects(ctx: S3Context): Promise<void> {
  const { quiet, entries } = parseDeleteRequest(await readXmlBody(ctx));
  await ctx.objects.getBucketInfo(ctx.bucket);

  const results: XmlElement[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index]!;
      results[index] = await deleteOne(ctx, entry, quiet);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, entries.length) }, worker));

  sendXml(
    ctx,
    200,
    xmlDocument(
      'DeleteResult',
      results.filter((r) => r.content !== undefined),
    ),
  );
}

async function deleteOne(ctx: S3Context, entry: DeleteEntry, quiet: boolean): Promise<XmlElement> {
  const failure = (code: string, message: string) =>
    el('Error', [
      el('Key', entry.key),
      el('VersionId', entry.versionId),
      el('Code', code),
      el('Message', message),
    ]);
  if (entry.key === '') {
    const err = new S3Error('UserKeyMustBeSpecified');
    return failure(err.code, err.message);
  }
  if (Buffer.byteLength(entry.key) > MAX_KEY_BYTES) {
    const err = new S3Error('KeyTooLongError');
    return failure(err.code, err.message);
  }
  try {
    await ctx.authorize(
      entry.versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion',
      ctx.bucket,
      entry.key,
    );
    await ctx.objects.deleteObject(
      ctx.bucket,
      entry.key,
      entry.versionId === undefined ? {} : { versionId: entry.versionId },
    );
  } catch (err) {
    const s3 = toS3Error(err, { bucket: ctx.bucket, key: entry.key, versionId: entry.versionId });
    if (s3 === undefined) {
      ctx.log.error(`DeleteObjects ${ctx.bucket}/${entry.key}: ${String(err)}`);
      return failure('InternalError', new S3Error('InternalError').message);
    }
    return failure(s3.code, s3.message);
  }
  return quiet
    ? el('Deleted', undefined)
    : el('Deleted', [el('Key', entry.key), el('VersionId', entry.versionId)]);
}
