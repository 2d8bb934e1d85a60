import { createHash, createHmac } from 'node:crypto';

/**
 * A small AWS Signature Version 4 signer for raw test requests, written from the AWS spec
 * independently of the server's verifier (so a shared misreading cannot hide a bug). Tests sign
 * requests, then break exactly one thing (the date, the signature, a header) to probe the server.
 */
export interface SignInput {
  method: string;
  /** Already URI-encoded path, e.g. `/bucket/a%20b`. */
  path: string;
  /** Query parameters (unencoded); signed in canonical order. */
  query?: Record<string, string>;
  /** Headers to send and sign (lower-case names are not required). `host` is required. */
  headers: Record<string, string>;
  /** The body's sha256 in hex, or 'UNSIGNED-PAYLOAD'. Default: sha256 of the empty body. */
  payloadHash?: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** Request time (default: now). */
  date?: Date;
  service?: string;
  /**
   * How the canonical request is hashed: `utf8` (default) hashes the UTF-8 of the strings, as the
   * AWS SDKs do; `latin1` hashes each char as one byte, i.e. the bytes node:http puts on the wire
   * for those strings (botocore signs what it sends). They differ only for non-ASCII header values.
   */
  canonicalEncoding?: 'utf8' | 'latin1';
}

export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX). */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(ch) || (keepSlash && ch === '/')) out += ch;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function canonicalQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * Returns the headers to send: the input headers plus x-amz-date, x-amz-content-sha256 and
 * Authorization.
 */
export function signRequest(input: SignInput): Record<string, string> {
  const date = input.date ?? new Date();
  const stamp = amzDate(date);
  const day = stamp.slice(0, 8);
  const service = input.service ?? 's3';
  const payloadHash = input.payloadHash ?? EMPTY_SHA256;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = v;
  headers['x-amz-date'] = stamp;
  headers['x-amz-content-sha256'] = payloadHash;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names
    .map((n) => `${n}:${String(headers[n]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method,
    input.path,
    canonicalQuery(input.query ?? {}),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${input.region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    stamp,
    scope,
    createHash('sha256')
      .update(canonicalRequest, input.canonicalEncoding ?? 'utf8')
      .digest('hex'),
  ].join('\n');
  const kDate = hmac(`AWS4${input.secretKey}`, day);
  const kRegion = hmac(kDate, input.region);
  const kService = hmac(kRegion, service);
  const kSigning = hmac(kService, 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${input.accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
