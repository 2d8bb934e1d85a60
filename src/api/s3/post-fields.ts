/**
 * What a browser upload's form fields ask of the object: its metadata (the REST headers S3 stores
 * and `x-amz-meta-*`, given as fields instead of headers), its ACL, an integrity check (Content-MD5,
 * `x-amz-checksum-*`), and where to send the browser afterwards. Features Cairn does not have are
 * refused rather than dropped, as PutObject refuses their headers.
 */
import type { ChecksumRequest } from '../../object/object-layer.js';
import { checksumAlgorithmFromHeaderName, parseChecksumAlgorithm } from '../../util/checksum.js';
import { requireOwnerEnforcedAcl } from './canned-acl.js';
import { S3Error } from './errors.js';
import type { FormFields } from './post-form.js';
import {
  addUserMetadata,
  asksUnsupportedFeature,
  checkUserMetadataSize,
  isValidChecksumValue,
  requireStandardStorageClass,
  STORED_HEADERS,
  storedContentEncoding,
} from './request-headers.js';

/** The metadata to store: the standard headers S3 keeps and every `x-amz-meta-*` field, lower-case names. */
export function formMetadata(fields: FormFields): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let value = fields.value(name);
    if (value !== undefined && name === 'content-encoding') value = storedContentEncoding(value);
    if (value !== undefined) metadata[name] = value;
  }
  let userBytes = 0;
  for (const [name, field] of fields.entries()) {
    if (name.startsWith('x-amz-meta-')) userBytes += addUserMetadata(metadata, name, field.values.join(','));
  }
  checkUserMetadataSize(userBytes);
  return metadata;
}

/**
 * Refuses fields for features Cairn does not have (encryption, tags, object lock, website
 * redirects, other storage classes), and ACLs other than the two that grant nothing beyond what
 * the bucket owner already has: buckets here enforce the bucket owner, as AWS's default does.
 */
export function rejectUnsupportedFields(fields: FormFields): void {
  for (const [name] of fields.entries()) {
    if (asksUnsupportedFeature(name, 'tagging')) {
      throw new S3Error(
        'NotImplemented',
        'A form field you provided implies functionality that is not implemented.',
        { Header: name },
      );
    }
  }
  requireStandardStorageClass(fields.value('x-amz-storage-class'));
  const acl = fields.value('acl')?.trim();
  if (acl === undefined || acl === '') return;
  requireOwnerEnforcedAcl(acl, 'acl');
}

/** A Content-MD5 field, decoded; InvalidDigest when it is not base64 of 16 bytes. */
export function formContentMd5(fields: FormFields): Buffer | undefined {
  const value = fields.value('content-md5')?.trim();
  if (value === undefined) return undefined;
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length !== 16 || decoded.toString('base64') !== value) {
    throw new S3Error('InvalidDigest', undefined, { 'Content-MD5': value });
  }
  return decoded;
}

/**
 * The checksum the file must satisfy: an `x-amz-checksum-<algorithm>` field (at most one, with a
 * well-formed value; BadDigest later if the file does not match it), or only
 * `x-amz-checksum-algorithm`, which is then computed and stored.
 */
export function formChecksum(fields: FormFields): ChecksumRequest | undefined {
  let sent: { algorithm: ChecksumRequest['algorithm']; value: string } | undefined;
  for (const [name, field] of fields.entries()) {
    const algorithm = checksumAlgorithmFromHeaderName(name);
    if (algorithm === undefined) continue;
    if (sent !== undefined || field.values.length > 1) {
      throw new S3Error(
        'InvalidRequest',
        'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      );
    }
    const value = (field.values[0] ?? '').trim();
    if (!isValidChecksumValue(algorithm, value)) {
      throw new S3Error('InvalidRequest', `Value for ${name} header is invalid.`);
    }
    sent = { algorithm, value };
  }
  const declared = fields.value('x-amz-checksum-algorithm');
  const declaredAlgorithm = declared === undefined ? undefined : parseChecksumAlgorithm(declared.trim());
  if (declared !== undefined && declaredAlgorithm === undefined) {
    throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-algorithm header is invalid.');
  }
  if (sent !== undefined) {
    if (declaredAlgorithm !== undefined && declaredAlgorithm !== sent.algorithm) {
      throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-algorithm header is invalid.');
    }
    const expected = sent.value;
    return { algorithm: sent.algorithm, expected: () => expected };
  }
  if (declaredAlgorithm !== undefined) return { algorithm: declaredAlgorithm, expected: () => undefined };
  return undefined;
}

/**
 * Where to send the browser after a successful upload: `success_action_redirect` (or the older
 * `redirect`) when it is an absolute http(s) URL; S3 acts as if a URL it cannot read were absent.
 */
export function redirectTarget(fields: FormFields): URL | undefined {
  const value = fields.value('success_action_redirect') ?? fields.value('redirect');
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
