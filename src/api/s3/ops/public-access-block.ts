import {
  encodePublicAccessBlock,
  PUBLIC_ACCESS_BLOCK_FIELDS,
  type PublicAccessBlock,
  publicAccessBlockOf,
} from '../../../iam/public-access-block.js';
import type { S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { sendEmpty, sendXml } from '../response.js';
import { el, xmlDocument } from '../xml.js';
import { readXmlBody } from '../xml-body.js';
import { childText, type XmlNode } from '../xml-parse.js';

/** The document is four booleans; anything near this size is not one. */
const MAX_BODY = 16 * 1024;

function parseConfiguration(root: XmlNode | undefined): PublicAccessBlock {
  if (root === undefined || root.name !== 'PublicAccessBlockConfiguration') {
    throw new S3Error('MalformedXML');
  }
  const config: PublicAccessBlock = {
    BlockPublicAcls: false,
    IgnorePublicAcls: false,
    BlockPublicPolicy: false,
    RestrictPublicBuckets: false,
  };
  for (const field of PUBLIC_ACCESS_BLOCK_FIELDS) {
    const text = childText(root, field)?.trim().toLowerCase();
    if (text === undefined) continue;
    if (text !== 'true' && text !== 'false') throw new S3Error('MalformedXML');
    config[field] = text === 'true';
  }
  return config;
}

/**
 * PutPublicAccessBlock (PUT ?publicAccessBlock): stores the four switches (an absent one is off);
 * a body checksum is verified when sent. It does not touch an existing policy: BlockPublicPolicy
 * refuses later PUTs of public policies, as on S3.
 */
export async function putPublicAccessBlock(ctx: S3Context): Promise<void> {
  await ctx.objects.getBucketInfo(ctx.bucket);
  const config = parseConfiguration(await readXmlBody(ctx, MAX_BODY));
  await ctx.objects.putBucketConfig(ctx.bucket, 'public-access-block', encodePublicAccessBlock(config));
  sendEmpty(ctx, 200);
}

/** GetPublicAccessBlock: the stored switches, or 404 NoSuchPublicAccessBlockConfiguration. */
export async function getPublicAccessBlock(ctx: S3Context): Promise<void> {
  const config = await publicAccessBlockOf(ctx.objects, ctx.bucket);
  if (config === undefined) {
    throw new S3Error('NoSuchPublicAccessBlockConfiguration', undefined, { BucketName: ctx.bucket });
  }
  sendXml(
    ctx,
    200,
    xmlDocument(
      'PublicAccessBlockConfiguration',
      PUBLIC_ACCESS_BLOCK_FIELDS.map((field) => el(field, config[field])),
    ),
  );
}

/** DeletePublicAccessBlock: 204, whether or not a configuration was set. */
export async function deletePublicAccessBlock(ctx: S3Context): Promise<void> {
  await ctx.objects.deleteBucketConfig(ctx.bucket, 'public-access-block');
  sendEmpty(ctx, 204);
}
