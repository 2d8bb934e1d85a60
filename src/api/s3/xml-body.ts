import { createHash, timingSafeEqual } from 'node:crypto';
import { checksumBase64, checksumHeaderName } from '../../util/checksum.js';
import { type DecodedBody, header, type S3Context } from './context.js';
import { S3Error } from './errors.js';
import { checksumHeader, contentMd5 } from './request-headers.js';
import { parseXml, type XmlNode } from './xml-parse.js';

/** Upper bound for XML request bodies: 10 000 Complete parts with SHA-256 checksums fit well inside. */
export const MAX_XML_BODY = 8 * 1024 * 1024;

/**
 * Reads a small request body whole, refusing more than `limit` bytes (MaxMessageLengthExceeded)
 * without buffering past the limit.
 */
export async function readBoundedBody(body: DecodedBody, limit: number): Promise<Buffer> {
  if (body.decodedLength !== undefined && body.decodedLength > limit) {
    throw new S3Error('MaxMessageLengthExceeded');
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > limit) throw new S3Error('MaxMessageLengthExceeded');
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Reads a small request body whole (at most `limit` bytes), verifying Content-MD5 and any
 * x-amz-checksum-* header or trailer the client sent with it. With `headerIsObjectChecksum`
 * (CompleteMultipartUpload) an x-amz-checksum-* header describes the object being made, not this
 * body, and is left to the operation.
 */
export async function readVerifiedBody(
  ctx: S3Context,
  limit: number,
  opts: { headerIsObjectChecksum?: boolean } = {},
): Promise<Buffer> {
  const md5 = contentMd5(ctx);
  const sent = opts.headerIsObjectChecksum ? undefined : checksumHeader(ctx);
  const body = ctx.body();
  const bytes = await readBoundedBody(body, limit);
  if (md5 !== undefined && !sameBytes(md5, createHash('md5').update(bytes).digest())) {
    throw new S3Error('BadDigest');
  }
  if (sent !== undefined && checksumBase64(sent.algorithm, bytes) !== sent.value) {
    ctx.errorContext.checksumAlgorithm = sent.algorithm;
    throw new S3Error(
      'BadDigest',
      `The ${sent.algorithm} you specified did not match the calculated checksum.`,
    );
  }
  const trailer = header(ctx, 'x-amz-trailer')?.trim().toLowerCase();
  if (trailer !== undefined && trailer !== '') {
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      const name = checksumHeaderName(algorithm);
      const value = body.trailers()[name];
      if (trailer === name && value !== undefined && checksumBase64(algorithm, bytes) !== value.trim()) {
        throw new S3Error(
          'BadDigest',
          `The ${algorithm} you specified did not match the calculated checksum.`,
        );
      }
    }
  }
  return bytes;
}

/**
 * Reads and parses an XML request body, verified as `readVerifiedBody` does. Returns undefined for
 * an empty body.
 */
export async function readXmlBody(
  ctx: S3Context,
  limit = MAX_XML_BODY,
  opts: { headerIsObjectChecksum?: boolean } = {},
): Promise<XmlNode | undefined> {
  const bytes = await readVerifiedBody(ctx, limit, opts);
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new S3Error('MalformedXML');
  }
  return parseXml(text);
}
