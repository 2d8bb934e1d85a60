/**
 * The SigV4 canonical request and string to sign, built the way S3 builds them: from the path and
 * query exactly as the client sent them (S3 does not normalise `.`/`..` or double slashes), with
 * each piece decoded and re-encoded so that equivalent encodings canonicalise identically.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { canonicalEncode, percentDecode } from './uri-encoding.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

export interface QueryParam {
  /** As received (still percent-encoded). */
  rawKey: string;
  rawValue: string;
  /** Decoded, `+` as space. */
  key: string;
  value: string;
}

export interface RawUrlParts {
  rawPath: string;
  rawQuery: string;
}

/** Splits a request target into path and query; absolute-form targets (`http://host/p?q`) lose the scheme and authority. */
export function splitRawUrl(rawUrl: string): RawUrlParts {
  let target = rawUrl;
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  if (scheme) target = target.slice(scheme[0].length);
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q >= 0 ? target.slice(0, q) : target;
  const rawQuery = q >= 0 ? target.slice(q + 1) : '';
  return { rawPath: rawPath === '' ? '/' : rawPath, rawQuery };
}

export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawKey = eq >= 0 ? piece.slice(0, eq) : piece;
    const rawValue = eq >= 0 ? piece.slice(eq + 1) : '';
    params.push({ rawKey, rawValue, key: percentDecode(rawKey, true), value: percentDecode(rawValue, true) });
  }
  return params;
}

/** Each `/`-separated segment decoded then SigV4-encoded; empty segments are kept, as S3 keeps them. */
export function canonicalUri(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => canonicalEncode(segment))
    .join('/');
}

/** Sorted by encoded key, then encoded value; `omitKey` drops X-Amz-Signature for presigned URLs. */
export function canonicalQueryString(params: readonly QueryParam[], omitKey?: string): string {
  const pairs: [string, string][] = [];
  for (const p of params) {
    if (omitKey !== undefined && p.key === omitKey) continue;
    pairs.push([canonicalEncode(p.rawKey, true), canonicalEncode(p.rawValue, true)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export interface HeaderSource {
  headers: IncomingHttpHeaders;
  /** IncomingMessage.headersDistinct: keeps repeated headers apart so they join with `,` as AWS does, not Node's `, `. */
  headersDistinct?: NodeJS.Dict<string[]>;
}

function canonicalHeaderValue(source: HeaderSource, name: string): string {
  const distinct = source.headersDistinct?.[name];
  const raw = source.headers[name];
  const values = distinct ?? (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]);
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

export interface CanonicalRequestInput {
  method: string;
  rawPath: string;
  query: readonly QueryParam[];
  omitQueryKey?: string;
  source: HeaderSource;
  /** Lower-case names in the order the client listed them. */
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function buildCanonicalRequest(input: CanonicalRequestInput): string {
  const headerLines = input.signedHeaders.map(
    (name) => `${name}:${canonicalHeaderValue(input.source, name)}\n`,
  );
  return [
    input.method.toUpperCase(),
    canonicalUri(input.rawPath),
    canonicalQueryString(input.query, input.omitQueryKey),
    headerLines.join(''),
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * How the canonical request's text becomes the bytes that are hashed. Node hands header values over
 * as latin1 (one char per byte), and everything else in the request is ASCII, so:
 * - `wire`: the header bytes as sent. Clients that sign the bytes they send (botocore, curl, Go)
 *   verify this way, whatever the encoding of those bytes.
 * - `utf8`: each byte read as an ISO-8859-1 character, then UTF-8 encoded. This is S3's own reading
 *   (a sent `ß`, C3 9F, appears as C3 83 C2 9F in the StringToSign S3 reports back), and it is what
 *   clients sign that hash the UTF-8 of a string their HTTP stack writes as latin1 (the AWS SDK for
 *   JavaScript v3 with a Buffer or stream body sends `é` as the byte E9 and signs C3 A9).
 */
export type CanonicalBytes = 'wire' | 'utf8';

export function buildStringToSign(
  amzDate: string,
  scope: string,
  canonicalRequest: string,
  bytes: CanonicalBytes = 'wire',
): string {
  const hashed = Buffer.from(canonicalRequest, bytes === 'wire' ? 'latin1' : 'utf8');
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(hashed)}`;
}

/** True when a header value carried a byte outside ASCII, the only case the two readings differ. */
export function hasNonAscii(text: string): boolean {
  return /[^\x00-\x7f]/.test(text);
}
