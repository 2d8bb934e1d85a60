import { MAX_PUT_SIZE } from '../../object/limits.js';
import type { ChecksumAlgorithm, ChecksumRequest } from '../../object/object-layer.js';
import {
  checksumAlgorithmFromHeaderName,
  checksumDigestLength,
  checksumHeaderName,
  multipartChecksumTypeAllowed,
  parseChecksumAlgorithm,
} from '../../util/checksum.js';
import { requireOwnerOnlyAcl } from './canned-acl.js';
import { type DecodedBody, header, type S3Context } from './context.js';
import { S3Error } from './errors.js';

export const MAX_USER_METADATA_BYTES = 2048;

/** Standard headers S3 stores with an object and returns on GET/HEAD. */
export const STORED_HEADERS = [
  'content-type',
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
] as const;

/**
 * Content-Encoding as stored: the header as sent, less `aws-chunked` (transfer framing, not a
 * content coding); undefined when nothing else is left.
 */
export function storedContentEncoding(value: string): string | undefined {
  const codings = value.split(',');
  const kept = codings.filter((c) => c.trim().toLowerCase() !== 'aws-chunked');
  if (kept.length === codings.length) return value;
  const rest = kept.join(',').trim();
  return rest === '' ? undefined : rest;
}

/** The metadata to store: the standard headers above and every x-amz-meta-* header, lower-case names. */
export function storedMetadata(ctx: S3Context): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let value = header(ctx, name);
    if (value !== undefined && name === 'content-encoding') value = storedContentEncoding(value);
    if (value !== undefined) metadata[name] = value;
  }
  let userBytes = 0;
  for (const [name, raw] of Object.entries(ctx.req.headers)) {
    if (!name.startsWith('x-amz-meta-') || raw === undefined) continue;
    userBytes += addUserMetadata(metadata, name, Array.isArray(raw) ? raw.join(',') : raw);
  }
  checkUserMetadataSize(userBytes);
  return metadata;
}

/**
 * Stores one `x-amz-meta-*` entry (from a header or a POST form field) and returns the bytes it
 * counts toward S3's user-metadata limit: its name after the prefix, and its value.
 */
export function addUserMetadata(metadata: Record<string, string>, name: string, value: string): number {
  metadata[name] = value;
  return Buffer.byteLength(name.slice('x-amz-meta-'.length)) + Buffer.byteLength(value);
}

/** MetadataTooLarge when the user metadata passes S3's limit. */
export function checkUserMetadataSize(userBytes: number): void {
  if (userBytes > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', undefined, {
      Size: String(userBytes),
      MaxSizeAllowed: String(MAX_USER_METADATA_BYTES),
    });
  }
}

/** Decoded Content-MD5, or undefined when absent; InvalidDigest when it is not base64 of 16 bytes. */
export function contentMd5(ctx: S3Context): Buffer | undefined {
  const value = header(ctx, 'content-md5');
  if (value === undefined) return undefined;
  const decoded = Buffer.from(value.trim(), 'base64');
  if (decoded.length !== 16 || decoded.toString('base64') !== value.trim()) {
    throw new S3Error('InvalidDigest', undefined, { 'Content-MD5': value });
  }
  return decoded;
}

/** Validates a client-sent base64 checksum value for `algorithm`. */
export function isValidChecksumValue(algorithm: ChecksumAlgorithm, value: string): boolean {
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === checksumDigestLength(algorithm) && decoded.toString('base64') === value;
}

/**
 * Validates a whole-object checksum sent on CompleteMultipartUpload: a plain value, or for
 * algorithms that have a COMPOSITE type the composite form `<base64>-<part count>` that S3 returns
 * for such uploads (a count that does not match the parts is then a mismatch, not malformed).
 */
export function isValidObjectChecksumValue(algorithm: ChecksumAlgorithm, value: string): boolean {
  const composite = /^(.+)-(\d{1,5})$/.exec(value);
  if (composite && multipartChecksumTypeAllowed(algorithm, 'COMPOSITE'))
    return isValidChecksumValue(algorithm, composite[1] as string);
  return isValidChecksumValue(algorithm, value);
}

/**
 * The one x-amz-checksum-<algorithm> header present, if any; more than one is InvalidRequest, and
 * so is a value `isValid` refuses ("Value for x-amz-checksum-crc32 header is invalid.", as S3
 * answers a value that is not base64 of the algorithm's digest length; a well-formed value that
 * does not match the data is BadDigest, later).
 */
export function checksumHeader(
  ctx: S3Context,
  isValid: (algorithm: ChecksumAlgorithm, value: string) => boolean = isValidChecksumValue,
): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  let found: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  for (const [name, raw] of Object.entries(ctx.req.headers)) {
    const algorithm = checksumAlgorithmFromHeaderName(name);
    if (algorithm === undefined || raw === undefined) continue;
    if (found !== undefined) {
      throw new S3Error(
        'InvalidRequest',
        'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      );
    }
    const value = (Array.isArray(raw) ? raw.join(',') : raw).trim();
    if (!isValid(algorithm, value)) {
      throw new S3Error('InvalidRequest', `Value for ${name} header is invalid.`);
    }
    found = { algorithm, value };
  }
  return found;
}

/**
 * The checksum a PUT body must satisfy: from an x-amz-checksum-* header, from a trailer announced in
 * x-amz-trailer (read after the body ends), or only an algorithm (x-amz-sdk-checksum-algorithm),
 * which is then computed and stored.
 */
export function checksumRequest(ctx: S3Context, body: DecodedBody): ChecksumRequest | undefined {
  const sent = checksumHeader(ctx);
  const trailer = header(ctx, 'x-amz-trailer')?.trim().toLowerCase();
  const declared = header(ctx, 'x-amz-sdk-checksum-algorithm');
  const declaredAlgorithm = declared === undefined ? undefined : parseChecksumAlgorithm(declared);
  if (declared !== undefined && declaredAlgorithm === undefined) {
    throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
  }
  if (sent !== undefined) {
    if (declaredAlgorithm !== undefined && declaredAlgorithm !== sent.algorithm) {
      throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    }
    if (trailer !== undefined && trailer !== '') {
      throw new S3Error(
        'InvalidRequest',
        'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      );
    }
    return { algorithm: sent.algorithm, expected: () => sent.value };
  }
  if (trailer !== undefined && trailer !== '') {
    const algorithm = checksumAlgorithmFromHeaderName(trailer);
    if (algorithm === undefined || trailer.includes(',')) {
      throw new S3Error('InvalidRequest', 'The value specified in the x-amz-trailer header is not supported');
    }
    if (declaredAlgorithm !== undefined && declaredAlgorithm !== algorithm) {
      throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    }
    const name = checksumHeaderName(algorithm);
    return {
      algorithm,
      expected: () => {
        const value = body.trailers()[name];
        if (value === undefined) return undefined;
        if (!isValidChecksumValue(algorithm, value.trim())) {
          throw new S3Error('InvalidRequest', `Value for ${name} trailing header is invalid.`);
        }
        return value.trim();
      },
    };
  }
  if (declaredAlgorithm !== undefined) return { algorithm: declaredAlgorithm, expected: () => undefined };
  return undefined;
}

/**
 * The payload length of an upload: the decoded length for aws-chunked bodies, else Content-Length;
 * undefined for a chunked body (Transfer-Encoding) that neither announces. A body with neither
 * header is refused with MissingContentLength, as S3 does.
 */
export function payloadSize(ctx: S3Context, body: DecodedBody, max = MAX_PUT_SIZE): number | undefined {
  let size = body.decodedLength;
  if (size === undefined) {
    const raw = header(ctx, 'content-length');
    if (raw !== undefined && /^\d+$/.test(raw.trim())) size = Number(raw.trim());
  }
  if (size === undefined) {
    if (header(ctx, 'transfer-encoding') !== undefined) return undefined;
    throw new S3Error('MissingContentLength');
  }
  if (size > max) {
    throw new S3Error('EntityTooLarge', undefined, {
      ProposedSize: String(size),
      MaxSizeAllowed: String(max),
    });
  }
  return size;
}

/**
 * Refuses request headers that ask for features Cairn does not have, rather than storing the object
 * and silently dropping what was asked (encryption, tags, object lock, ACL grants, redirects).
 */
export function rejectUnsupportedHeaders(ctx: S3Context): void {
  for (const name of Object.keys(ctx.req.headers)) {
    if (asksUnsupportedFeature(name, 'x-amz-tagging')) {
      throw new S3Error('NotImplemented', undefined, { Header: name });
    }
  }
  requireOwnerOnlyAcl(ctx);
  requireStandardStorageClass(header(ctx, 'x-amz-storage-class'));
}

/**
 * Whether a header (or a POST form field of the same name) asks for a feature Cairn does not have:
 * encryption, object lock, tags (`tagging` names the tag header or field), a website redirect.
 */
export function asksUnsupportedFeature(name: string, tagging: string): boolean {
  return (
    name.startsWith('x-amz-server-side-encryption') ||
    name.startsWith('x-amz-object-lock-') ||
    name === tagging ||
    name === 'x-amz-website-redirect-location'
  );
}

/** InvalidStorageClass for any storage class but STANDARD (the only one there is). */
export function requireStandardStorageClass(storageClass: string | undefined): void {
  if (storageClass !== undefined && storageClass.trim() !== 'STANDARD') {
    throw new S3Error('InvalidStorageClass', undefined, { StorageClassRequested: storageClass });
  }
}
