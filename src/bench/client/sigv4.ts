import { createHash, createHmac } from 'node:crypto';

/** Payload hash the load generator sends for every request: it never hashes bodies. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface Credentials {
  accessKey: string;
  secretKey: string;
  region: string;
}

/** The headers a request carries for header-based SigV4 (`host` is set by the caller). */
export interface SignedHeaders {
  authorization: string;
  'x-amz-date': string;
  'x-amz-content-sha256': string;
}

const SIGNED_HEADER_NAMES = 'host;x-amz-content-sha256;x-amz-date';

/**
 * Header-signed AWS Signature V4 for S3, tuned for a load generator: the signing key is derived once
 * per day and the timestamp once per second, so a request costs one SHA-256 and one HMAC.
 */
export class SigV4Signer {
  private day = '';
  private scope = '';
  private signingKey: Buffer = Buffer.alloc(0);
  private second = -1;
  private amzDate = '';

  constructor(private readonly creds: Credentials) {}

  /**
   * Signs a request. `canonicalPath` must already be URI-encoded (see encodePath) and
   * `canonicalQuery` sorted and encoded (see canonicalQuery). `payloadHash` is the body's hex
   * SHA-256 (see payloadSha256) when the body is signed too, as the admin API's JSON bodies are.
   */
  sign(
    method: string,
    host: string,
    canonicalPath: string,
    canonicalQuery: string,
    payloadHash: string = UNSIGNED_PAYLOAD,
  ): SignedHeaders {
    const amzDate = this.refreshClock();
    const canonicalRequest =
      `${method}\n${canonicalPath}\n${canonicalQuery}\n` +
      `host:${host}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${amzDate}\n\n` +
      `${SIGNED_HEADER_NAMES}\n${payloadHash}`;
    const stringToSign =
      `AWS4-HMAC-SHA256\n${amzDate}\n${this.scope}\n` +
      createHash('sha256').update(canonicalRequest).digest('hex');
    const signature = createHmac('sha256', this.signingKey).update(stringToSign).digest('hex');
    return {
      authorization:
        `AWS4-HMAC-SHA256 Credential=${this.creds.accessKey}/${this.scope}, ` +
        `SignedHeaders=${SIGNED_HEADER_NAMES}, Signature=${signature}`,
      'x-amz-date': amzDate,
      'x-amz-content-sha256': payloadHash,
    };
  }

  private refreshClock(): string {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second === this.second) return this.amzDate;
    this.second = second;
    // 2024-01-02T03:04:05.678Z -> 20240102T030405Z
    const iso = new Date(now).toISOString();
    this.amzDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
    const day = this.amzDate.slice(0, 8);
    if (day !== this.day) {
      this.day = day;
      this.scope = `${day}/${this.creds.region}/s3/aws4_request`;
      const kDate = hmac(`AWS4${this.creds.secretKey}`, day);
      const kRegion = hmac(kDate, this.creds.region);
      const kService = hmac(kRegion, 's3');
      this.signingKey = hmac(kService, 'aws4_request');
    }
    return this.amzDate;
  }
}

/** The hex SHA-256 of a body, as `x-amz-content-sha256` carries it for a signed payload. */
export function payloadSha256(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, '/' kept when asked. */
export function uriEncode(value: string, keepSlash: boolean): string {
  let out = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  if (keepSlash) out = out.replace(/%2F/g, '/');
  return out;
}

/** The URI-encoded path of a path-style S3 request (`/bucket/key`), used both on the wire and in signing. */
export function encodePath(bucket: string, key?: string): string {
  if (key === undefined) return `/${uriEncode(bucket, false)}`;
  return `/${uriEncode(bucket, false)}/${uriEncode(key, true)}`;
}

/** Sorted, encoded query string; the same string goes on the wire and into the canonical request. */
export function canonicalQuery(params: Record<string, string> | undefined): string {
  if (params === undefined) return '';
  const names = Object.keys(params).sort();
  let out = '';
  for (const name of names) {
    if (out !== '') out += '&';
    out += `${uriEncode(name, false)}=${uriEncode(params[name] ?? '', false)}`;
  }
  return out;
}
