import { ObjectLayerError } from './errors.js';
import type { ChecksumRequest } from './object-layer.js';
import type { ObjectRecord } from './object-record.js';

/** ETags as clients send them: quoted or not, possibly several separated by commas. */
function etagList(header: string): string[] {
  return header.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
}

export function stripEtag(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '');
}

/** If-None-Match / If-Match of a write, evaluated against the current version under the key's lock. */
export function checkPreconditions(
  current: ObjectRecord | undefined,
  cond: { ifMatch?: string; ifNoneMatch?: string },
): void {
  if (cond.ifNoneMatch !== undefined && current) {
    const tags = etagList(cond.ifNoneMatch);
    if (tags.includes('*') || tags.includes(current.etag))
      throw new ObjectLayerError('PreconditionFailed', 'If-None-Match: the object exists');
  }
  if (cond.ifMatch !== undefined) {
    if (!current) throw new ObjectLayerError('NoSuchKey', 'If-Match: the object does not exist');
    const tags = etagList(cond.ifMatch);
    if (!tags.includes('*') && !tags.includes(current.etag))
      throw new ObjectLayerError('PreconditionFailed', 'If-Match: the ETag does not match');
  }
}

/**
 * Checks a received body against what the request promised: its length, Content-MD5 and the
 * requested checksum (whose expected value may come from a trailer, so only now). Returns the
 * digests in stored form.
 */
export function verifyBody(
  received: number,
  declared: number,
  digests: { md5: Buffer; checksum?: Buffer },
  opts: { contentMd5?: Buffer; checksum?: ChecksumRequest },
): { md5: Buffer; checksum?: string } {
  if (received < declared)
    throw new ObjectLayerError('IncompleteBody', `received ${received} of the declared ${declared} bytes`);
  if (opts.contentMd5 && !opts.contentMd5.equals(digests.md5))
    throw new ObjectLayerError('BadDigest', 'the Content-MD5 you specified did not match what we received');
  if (!opts.checksum || !digests.checksum) return { md5: digests.md5 };
  const actual = digests.checksum.toString('base64');
  const expected = opts.checksum.expected();
  if (expected !== undefined && expected !== actual)
    throw new ObjectLayerError(
      'ChecksumMismatch',
      `the ${opts.checksum.algorithm} checksum you specified did not match what we received`,
    );
  return { md5: digests.md5, checksum: actual };
}
