/**
 * Browser form uploads (POST Object) for tests: forms posted with fetch + FormData as a browser
 * posts them, forms from the AWS SDK's createPresignedPost, forms signed by hand (SigV4 and SigV2)
 * for the policies the SDK would not write, and raw multipart bodies for the edge cases.
 */
import { createHmac } from 'node:crypto';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { CairnProcess } from './cairn-process.js';
import { parseS3Error, rawRequest } from './raw-http.js';
import { s3ErrorOf } from './s3-client.js';

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

export interface FilePart {
  content: string | Buffer;
  filename?: string;
  type?: string;
}

export interface RawPart {
  name: string;
  value: string | Buffer;
  filename?: string;
}

export const BOUNDARY = '----CairnFormBoundary7MA4YWxk';

/** Posts a form as a browser does: the fields in order, then the file part. */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  file: FilePart = { content: 'hello', filename: 'hello.txt' },
): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const bytes = typeof file.content === 'string' ? file.content : new Uint8Array(file.content);
  const blob = new Blob([bytes], file.type === undefined ? {} : { type: file.type });
  form.append('file', blob, file.filename ?? 'blob');
  const res = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const ENTITIES: Record<string, string> = {
  '&quot;': '"',
  '&apos;': "'",
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
};

/** The Code and Message of an S3 error body, the message's XML escapes undone. */
export function errorOf(answer: { body: string }): { code: string; message: string } | undefined {
  const error = parseS3Error(answer.body);
  if (error === undefined) return undefined;
  return {
    code: error.code,
    message: error.message.replace(/&(quot|apos|lt|gt|amp);/g, (e) => ENTITIES[e] ?? e),
  };
}

/** A multipart/form-data body exactly as given (without its closing boundary unless `close`). */
export function multipart(parts: readonly RawPart[], close = true): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    pieces.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n\r\n`),
    );
    pieces.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    pieces.push(Buffer.from('\r\n'));
  }
  if (close) pieces.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(pieces);
}

export function fieldParts(fields: Record<string, string>): RawPart[] {
  return Object.entries(fields).map(([name, value]) => ({ name, value }));
}

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export interface FormSigner {
  accessKey: string;
  secretKey: string;
  region: string;
  /** Temporary credentials' token: sent as the x-amz-security-token field, and in the policy. */
  sessionToken?: string;
}

/**
 * SigV4 form fields signed with `signer`'s keys over a policy of `conditions` plus those covering
 * the bucket and the signature fields (and the session token, when there is one).
 */
export function v4FormFields(
  signer: FormSigner,
  bucket: string,
  conditions: unknown[],
  expiration = new Date(Date.now() + 3600_000).toISOString(),
): Record<string, string> {
  const date = amzDate(new Date());
  const credential = `${signer.accessKey}/${date.slice(0, 8)}/${signer.region}/s3/aws4_request`;
  const token: Record<string, string> =
    signer.sessionToken === undefined ? {} : { 'x-amz-security-token': signer.sessionToken };
  const doc = {
    expiration,
    conditions: [
      { bucket },
      { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
      { 'x-amz-credential': credential },
      { 'x-amz-date': date },
      ...(signer.sessionToken === undefined ? [] : [token]),
      ...conditions,
    ],
  };
  const policy = Buffer.from(JSON.stringify(doc)).toString('base64');
  let key: Buffer | string = `AWS4${signer.secretKey}`;
  for (const part of [date.slice(0, 8), signer.region, 's3', 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  return {
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': credential,
    'x-amz-date': date,
    ...token,
    policy,
    'x-amz-signature': createHmac('sha256', key).update(policy).digest('hex'),
  };
}

/** Form helpers bound to a running server and one of its buckets. */
export function formsFor(server: () => { cairn: CairnProcess; s3: S3Client }, bucket: string) {
  return {
    bucketUrl: () => `${server().cairn.endpoint}/${bucket}`,

    /** A form from the AWS SDK's createPresignedPost for a key in the bucket. */
    presign(
      key: string,
      opts: { fields?: Record<string, string>; conditions?: unknown[]; expires?: number } = {},
    ): Promise<{ url: string; fields: Record<string, string> }> {
      return createPresignedPost(server().s3, {
        Bucket: bucket,
        Key: key,
        ...(opts.fields ? { Fields: opts.fields } : {}),
        // biome-ignore lint/suspicious/noExplicitAny: the SDK types conditions as a closed union
        ...(opts.conditions ? { Conditions: opts.conditions as any } : {}),
        ...(opts.expires === undefined ? {} : { Expires: opts.expires }),
      });
    },

    /**
     * SigV4 form fields signed by hand (as root) over a policy of `conditions` plus those covering
     * the bucket and the signature fields, for the policies createPresignedPost would not write.
     */
    v4Form(conditions: unknown[], expiration = new Date(Date.now() + 3600_000).toISOString()) {
      return v4FormFields(server().cairn, bucket, conditions, expiration);
    },

    /** SigV2 form fields: AWSAccessKeyId, the policy, and its base64 HMAC-SHA1 with `secret`. */
    v2Form(conditions: unknown[], secret = server().cairn.secretKey) {
      const doc = {
        expiration: new Date(Date.now() + 3600_000).toISOString(),
        conditions: [{ bucket }, ...conditions],
      };
      const policy = Buffer.from(JSON.stringify(doc)).toString('base64');
      return {
        AWSAccessKeyId: server().cairn.accessKey,
        policy,
        signature: createHmac('sha1', secret).update(policy).digest('base64'),
      };
    },

    /** Posts a raw body to the bucket, unsigned. */
    postRaw(body: Buffer, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
      return rawRequest(server().cairn, {
        method: 'POST',
        path: `/${bucket}`,
        headers: { 'content-type': contentType },
        body,
        sign: false,
      });
    },

    async exists(key: string): Promise<boolean> {
      try {
        await server().s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (err) {
        if (s3ErrorOf(err).status === 404) return false;
        throw err;
      }
    },
  };
}
