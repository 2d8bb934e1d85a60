/**
 * A bucket's PublicAccessBlock configuration: the four switches S3 names, stored as a small JSON
 * document in the bucket configuration store (`public-access-block`), so that the S3 operations
 * that set it and the authorizer that honours it read the same thing.
 */
import type { ObjectLayer } from '../object/object-layer.js';
import { isPublicPolicy, type Policy } from './policy/policy.js';

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

/** Where the authorizer finds a bucket's PublicAccessBlock (publicAccessBlockOf over the object layer). */
export type PublicAccessBlockSource = (bucket: string) => Promise<PublicAccessBlock | undefined>;

/** isPublicPolicy per compiled policy: the authorizer asks on every anonymous request it allows. */
const publicPolicies = new WeakMap<Policy, boolean>();

/**
 * Whether the bucket's RestrictPublicBuckets takes the grants of `policy` away from anonymous
 * callers: it does when the switch is on and the policy is public. Principals of the account keep
 * what the policy grants them.
 */
export async function restrictsPublicGrants(
  source: PublicAccessBlockSource,
  bucket: string,
  policy: Policy,
): Promise<boolean> {
  let block: PublicAccessBlock | undefined;
  try {
    block = await source(bucket);
  } catch {
    return false; // no such bucket: the operation answers NoSuchBucket
  }
  if (block?.RestrictPublicBuckets !== true) return false;
  let isPublic = publicPolicies.get(policy);
  if (isPublic === undefined) {
    isPublic = isPublicPolicy(policy);
    publicPolicies.set(policy, isPublic);
  }
  return isPublic;
}
