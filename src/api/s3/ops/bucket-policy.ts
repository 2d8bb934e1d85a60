import { MAX_BUCKET_POLICY_BYTES } from '../../../iam/policy/parse.js';
import {
  isPublicPolicy,
  MalformedPolicyError,
  type Policy,
  parsePolicy,
} from '../../../iam/policy/policy.js';
import { publicAccessBlockOf } from '../../../iam/public-access-block.js';
import type { S3Context } from '../context.js';
import { isS3Error, S3Error } from '../errors.js';
import { sendEmpty, sendXml } from '../response.js';
import { el, xmlDocument } from '../xml.js';
import { readVerifiedBody } from '../xml-body.js';

/** The policy text as sent, bounded by S3's limit; a larger one is MalformedPolicy, as on S3. */
async function readPolicyBody(ctx: S3Context): Promise<Buffer> {
  try {
    return await readVerifiedBody(ctx, MAX_BUCKET_POLICY_BYTES);
  } catch (err) {
    if (isS3Error(err) && err.code === 'MaxMessageLengthExceeded') {
      throw new S3Error(
        'MalformedPolicy',
        `Normalized policy document exceeds the maximum allowed size of ${MAX_BUCKET_POLICY_BYTES} bytes`,
      );
    }
    throw err;
  }
}

/** JSON's insignificant white space: space, tab, line feed, carriage return. */
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function parseBucketPolicy(bytes: Uint8Array, bucket: string): Policy {
  // S3 tells a body that is not a JSON object at all from a broken one: the first is refused in
  // these words. Leading white space is let through, as JSON allows it.
  const first = bytes.find((b) => !JSON_SPACE.has(b));
  if (first !== 0x7b) {
    throw new S3Error('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
  }
  try {
    return parsePolicy(bytes, 'resource', { bucket });
  } catch (err) {
    if (err instanceof MalformedPolicyError) throw new S3Error('MalformedPolicy', err.message);
    throw err;
  }
}

async function storedPolicy(ctx: S3Context): Promise<Buffer> {
  const doc = await ctx.objects.getBucketConfig(ctx.bucket, 'policy');
  if (doc === undefined) throw new S3Error('NoSuchBucketPolicy', undefined, { BucketName: ctx.bucket });
  return doc;
}

/**
 * PutBucketPolicy (PUT ?policy): validates the document as a bucket policy for this bucket
 * (MalformedPolicy naming what is wrong), refuses a public one when the bucket's PublicAccessBlock
 * has BlockPublicPolicy (AccessDenied), stores the bytes as sent, and answers 204 as S3 does.
 * A body checksum (Content-MD5 or x-amz-checksum-*) is verified when sent.
 */
export async function putBucketPolicy(ctx: S3Context): Promise<void> {
  await ctx.objects.getBucketInfo(ctx.bucket);
  const bytes = await readPolicyBody(ctx);
  const policy = parseBucketPolicy(bytes, ctx.bucket);
  if ((await publicAccessBlockOf(ctx.objects, ctx.bucket))?.BlockPublicPolicy && isPublicPolicy(policy)) {
    throw new S3Error('AccessDenied');
  }
  await ctx.objects.putBucketConfig(ctx.bucket, 'policy', bytes);
  sendEmpty(ctx, 204);
}

/** GetBucketPolicy (GET ?policy): the document byte for byte as stored, or NoSuchBucketPolicy. */
export async function getBucketPolicy(ctx: S3Context): Promise<void> {
  const doc = await storedPolicy(ctx);
  const { res } = ctx;
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', doc.length);
  res.end(doc);
}

/** DeleteBucketPolicy (DELETE ?policy): 204, whether or not the bucket had a policy. */
export async function deleteBucketPolicy(ctx: S3Context): Promise<void> {
  await ctx.objects.deleteBucketConfig(ctx.bucket, 'policy');
  sendEmpty(ctx, 204);
}

/**
 * GetBucketPolicyStatus (GET ?policyStatus): whether the bucket policy grants to everyone (S3's
 * "meaning of public"); NoSuchBucketPolicy when there is none, as S3 answers.
 */
export async function getBucketPolicyStatus(ctx: S3Context): Promise<void> {
  const doc = await storedPolicy(ctx);
  let isPublic = false;
  try {
    isPublic = isPublicPolicy(parsePolicy(doc, 'resource', { bucket: ctx.bucket }));
  } catch (err) {
    // A stored document that no longer validates grants nothing (the authorizer ignores it).
    if (!(err instanceof MalformedPolicyError)) throw err;
  }
  sendXml(ctx, 200, xmlDocument('PolicyStatus', [el('IsPublic', isPublic)]));
}
