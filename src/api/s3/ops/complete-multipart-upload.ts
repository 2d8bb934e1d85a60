import { MAX_PARTS } from '../../../object/limits.js';
import type {
  ChecksumAlgorithm,
  ChecksumType,
  CompleteMultipartOptions,
  CompletePart,
} from '../../../object/object-layer.js';
import { CHECKSUM_ALGORITHMS } from '../../../util/checksum.js';
import { header, type S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { checksumHeader, isValidChecksumValue, isValidObjectChecksumValue } from '../request-headers.js';
import { sendXml } from '../response.js';
import { writeConditions } from '../write-conditions.js';
import { el, quoteEtag, xmlDocument } from '../xml.js';
import { readXmlBody } from '../xml-body.js';
import { childrenNamed, childText, type XmlNode } from '../xml-parse.js';

function stripQuotes(etag: string): string {
  const t = etag.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** The `<Part>` list, in request order; order and duplicates are checked here (InvalidPartOrder). */
export function parseCompleteRequest(root: XmlNode | undefined): CompletePart[] {
  if (root === undefined || root.name !== 'CompleteMultipartUpload') throw new S3Error('MalformedXML');
  const partNodes = childrenNamed(root, 'Part');
  if (partNodes.length === 0 || partNodes.length > MAX_PARTS) throw new S3Error('MalformedXML');
  const parts: CompletePart[] = [];
  let previous = 0;
  for (const node of partNodes) {
    const numberText = childText(node, 'PartNumber')?.trim();
    const etag = childText(node, 'ETag');
    if (numberText === undefined || etag === undefined || !/^\d{1,5}$/.test(numberText)) {
      throw new S3Error('MalformedXML');
    }
    const partNumber = Number(numberText);
    if (partNumber < 1 || partNumber > MAX_PARTS) {
      throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
        ArgumentName: 'partNumber',
        ArgumentValue: numberText,
      });
    }
    if (partNumber <= previous) throw new S3Error('InvalidPartOrder');
    previous = partNumber;
    const part: CompletePart = { partNumber, etag: stripQuotes(etag) };
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const value = childText(node, `Checksum${algorithm}`)?.trim();
      if (value === undefined) continue;
      if (!isValidChecksumValue(algorithm, value)) throw new S3Error('InvalidPart');
      part.checksum = value;
    }
    parts.push(part);
  }
  return parts;
}

/** `Location` of the new object, as a client would address it path-style. */
function locationOf(ctx: S3Context): string {
  const host = header(ctx, 'host') ?? 'localhost';
  const proto = header(ctx, 'x-forwarded-proto')?.split(',')[0]?.trim() || 'http';
  const path = `/${ctx.bucket}/${ctx.key}`.split('/').map(encodeURIComponent).join('/');
  return `${proto}://${host}${path}`;
}

/** x-amz-checksum-type on complete, if sent: it asserts the type the upload was created with. */
function checksumTypeHeader(ctx: S3Context): ChecksumType | undefined {
  const raw = header(ctx, 'x-amz-checksum-type');
  if (raw === undefined) return undefined;
  const type = raw.trim().toUpperCase();
  if (type !== 'FULL_OBJECT' && type !== 'COMPOSITE') {
    throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
  }
  return type;
}

/**
 * CompleteMultipartUpload (POST ?uploadId): assembles the listed parts. A whole-object checksum
 * sent in an x-amz-checksum-* header (for COMPOSITE uploads also as `<base64>-<part count>`, the
 * form S3 returns), and the x-amz-checksum-type, are verified by the object layer; the object's
 * checksum (FULL_OBJECT or COMPOSITE) comes back in the result.
 */
export async function completeMultipartUpload(ctx: S3Context): Promise<void> {
  const uploadId = ctx.query.get('uploadId') ?? '';
  ctx.errorContext.uploadId = uploadId;
  const conditions = writeConditions(ctx);
  const sent = checksumHeader(ctx, isValidObjectChecksumValue);
  const sentType = checksumTypeHeader(ctx);
  const parts = parseCompleteRequest(await readXmlBody(ctx, undefined, { headerIsObjectChecksum: true }));

  const opts: CompleteMultipartOptions = { uploadId, parts, ...conditions };
  if (sent !== undefined) {
    opts.checksum = sent;
    ctx.errorContext.checksumAlgorithm = sent.algorithm;
  }
  if (sentType !== undefined) opts.checksumType = sentType;
  const info = await ctx.objects.completeMultipartUpload(ctx.bucket, ctx.key, opts);

  const checksum = info.checksum;
  const algorithm: ChecksumAlgorithm | undefined = checksum?.algorithm;
  sendXml(
    ctx,
    200,
    xmlDocument('CompleteMultipartUploadResult', [
      el('Location', locationOf(ctx)),
      el('Bucket', ctx.bucket),
      el('Key', ctx.key),
      el('ETag', quoteEtag(info.etag)),
      el(algorithm === undefined ? 'ChecksumCRC32' : `Checksum${algorithm}`, checksum?.value),
      el('ChecksumType', checksum?.type),
    ]),
  );
}
