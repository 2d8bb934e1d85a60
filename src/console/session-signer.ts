/**
 * Signs a request the console backend forwards to the API with a session's temporary
 * credentials (AWS Signature V4, header form, service `s3` as mc signs admin calls too). Every
 * forwarded header is signed, the session token included, so the API checks exactly what it gets.
 */
import { createHash, createHmac } from 'node:crypto';
import { deriveSigningKey } from '../api/s3/auth/signing-key.js';

export interface SessionCredentials {
  accessKey: string;
  secretKey: string;
  sessionToken: string;
}

/** The payload hash sent when a body is streamed rather than hashed first. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** SigV4's URI encoding: RFC 3986 unreserved characters kept, every other UTF-8 byte %XX; '/' kept when asked. */
export function sigv4Encode(value: string, keepSlash: boolean): string {
  const out = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlash ? out.replace(/%2F/g, '/') : out;
}

/** A query string in canonical order and encoding; the same text goes on the wire. */
export function canonicalQueryOf(params: URLSearchParams): string {
  const pairs = [...params].map(([k, v]) => [sigv4Encode(k, false), sigv4Encode(v, false)] as const);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * Adds `authorization`, `x-amz-date`, `x-amz-content-sha256` and `x-amz-security-token` to
 * `headers` (lower-case names; `host` included) for `method` on `path` (already SigV4-encoded)
 * with `query` (canonical, see canonicalQueryOf).
 */
export function signRequest(
  creds: SessionCredentials,
  region: string,
  method: string,
  path: string,
  query: string,
  headers: Record<string, string>,
  payloadHash: string,
  now = new Date(),
): void {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = payloadHash;
  headers['x-amz-security-token'] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names
    .map((n) => `${n}:${(headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = `${method}\n${path}\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', deriveSigningKey(creds.secretKey, day, region, 's3'))
    .update(stringToSign)
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}
