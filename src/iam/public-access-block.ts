/**
 * A bucket's PublicAccessBlock configuration: the four switches S3 names, stored as a small JSON
 * document in the bucket configuration store (`public-access-block`), so that the S3 operations
 * that set it and the authorizer that honours it read the same thing.
 */
import type { ObjectLayer } from '../object/object-layer.js';

export interface PublicAccessBlock {
  /** PUTs of public ACLs are refused. */
  BlockPublicAcls: boolean;
  /** Public ACLs grant nothing. */
  IgnorePublicAcls: boolean;
  /** PutBucketPolicy with a public policy is refused (AccessDenied). */
  BlockPublicPolicy: boolean;
  /** A public bucket policy grants only to principals of the account, never to anonymous callers. */
  RestrictPublicBuckets: boolean;
}

export const PUBLIC_ACCESS_BLOCK_FIELDS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const satisfies readonly (keyof PublicAccessBlock)[];

export function encodePublicAccessBlock(config: PublicAccessBlock): Buffer {
  const doc: Record<string, boolean> = {};
  for (const field of PUBLIC_ACCESS_BLOCK_FIELDS) doc[field] = config[field];
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

/** The stored document; a switch that is absent (or not `true`) is off. */
export function decodePublicAccessBlock(doc: Uint8Array): PublicAccessBlock {
  const parsed: unknown = JSON.parse(Buffer.from(doc).toString('utf8'));
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  return {
    BlockPublicAcls: record.BlockPublicAcls === true,
    IgnorePublicAcls: record.IgnorePublicAcls === true,
    BlockPublicPolicy: record.BlockPublicPolicy === true,
    RestrictPublicBuckets: record.RestrictPublicBuckets === true,
  };
}

/** The bucket's configuration, or undefined when none is set (nothing is blocked). */
export async function publicAccessBlockOf(
  objects: Pick<ObjectLayer, 'getBucketConfig'>,
  bucket: string,
): Promise<PublicAccessBlock | undefined> {
  const doc = await objects.getBucketConfig(bucket, 'public-access-block');
  return doc === undefined ? undefined : decodePublicAccessBlock(doc);
}
