/**
 * AWS Signature Version 2 (HMAC-SHA1) authentication of S3 requests, by `Authorization: AWS
 * AKID:signature` or by presigned query (`AWSAccessKeyId`, `Expires`, `Signature`). Clients still
 * send it: awscli v1 presigns with it by default, s3cmd with `signature_v2 = True`, older SDKs.
 * V2 signs neither the body nor a region, so a verified request has an unsigned payload (a
 * Content-MD5, which the signature does cover, is checked by the object layer) and no region.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from '../errors.js';
import { MAX_CLOCK_SKEW_MS, parseAmzDate, parseHttpDate } from './amz-date.js';
import type { AuthRequest, SecretLookup, SignedV2Auth } from './auth-result.js';
import type { QueryParam } from './canonical-request.js';

const SIGV2_PREFIX = 'AWS ';

/**
 * Query parameters naming a sub-resource, which are part of the signed resource: AWS's list plus
 * the ones botocore (awscli v1) and MinIO add. Signers disagree at the edges (s3cmd leaves out
 * `tagging`, botocore leaves out `encryption`); the union signs the most, so a signed URL cannot be
 * turned into a request for another sub-resource by appending one.
 */
const SUB_RESOURCES: ReadonlySet<string> = new Set([
  'accelerate',
  'acl',
  'analytics',
  'cors',
  'delete',
  'encryption',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'partNumber',
  'policy',
  'replication',
  'requestPayment',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'retention',
  'select',
  'select-type',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
]);

/** True for `Authorization: AWS AKID:signature` (and not `AWS4-HMAC-SHA256 …`). */
export function isV2Authorization(value: string): boolean {
  return value.startsWith(SIGV2_PREFIX);
}

/** The parts of a V2 string to sign, before they are joined. */
export interface V2StringToSignParts {
  method: string;
  contentMd5: string;
  contentType: string;
  /** The Date header, empty when x-amz-date is sent, or the presigned `Expires`. */
  date: string;
  /** `name:value\n` for each x-amz-* header, sorted; see canonicalAmzHeaders. */
  amzHeaders: string;
  /** `/bucket/key?subresources`; see canonicalResource. */
  resource: string;
}

export function buildV2StringToSign(parts: V2StringToSignParts): string {
  return `${parts.method}\n${parts.contentMd5}\n${parts.contentType}\n${parts.date}\n${parts.amzHeaders}${parts.resource}`;
}

/** base64(HMAC-SHA1(secret, UTF-8 of stringToSign)). */
export function signV2(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Node hands over header values and the request target as latin1, one character per byte; signers
 * signed the UTF-8 text those bytes spell.
 */
function fromWire(text: string): string {
  return /[^\x00-\x7f]/.test(text) ? Buffer.from(text, 'latin1').toString('utf8') : text;
}

function headerValues(req: AuthRequest, name: string): string[] {
  const distinct = req.headersDistinct?.[name];
  if (distinct) return distinct;
  const raw = req.headers[name];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

function firstHeader(req: AuthRequest, name: string): string | undefined {
  const value = headerValues(req, name)[0];
  return value === undefined ? undefined : fromWire(value).trim();
}

/**
 * Every x-amz-* header, lower-cased and sorted, repeated ones comma-joined, values trimmed, each as
 * `name:value\n`. `hoisted` are x-amz-* query parameters of a presigned URL, which signers (botocore)
 * sign as headers; they win over a header of the same name.
 */
export function canonicalAmzHeaders(
  req: AuthRequest,
  hoisted: ReadonlyMap<string, string> = new Map(),
): string {
  const values = new Map<string, string>();
  for (const name of Object.keys(req.headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-amz-')) continue;
    values.set(
      lower,
      headerValues(req, name)
        .map((v) => fromWire(v).trim())
        .join(','),
    );
  }
  for (const [name, value] of hoisted) values.set(name, value.trim());
  return [...values.keys()]
    .sort()
    .map((name) => `${name}:${values.get(name)}\n`)
    .join('');
}

/**
 * The path as sent (still percent-encoded), after `/bucket` when the Host named the bucket, then the
 * sub-resource parameters sorted by name, values decoded, as `?a&b=c`.
 */
export function canonicalResource(
  rawPath: string,
  query: readonly QueryParam[],
  virtualHostBucket?: string,
): string {
  const path = fromWire(rawPath);
  const resource = virtualHostBucket === undefined ? path : `/${virtualHostBucket}${path}`;
  const subResources = query
    .filter((p) => SUB_RESOURCES.has(p.key))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => (p.value === '' ? p.key : `${p.key}=${p.value}`));
  return subResources.length === 0 ? resource : `${resource}?${subResources.join('&')}`;
}

function lookup(accessKey: string, sessionToken: string | undefined, lookupSecret: SecretLookup): string {
  const secret = lookupSecret(accessKey, sessionToken);
  if (secret === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKey });
  return secret;
}

/** V2 cannot carry aws-chunked framing: it would otherwise be stored as the object's bytes. */
function rejectStreamingPayload(req: AuthRequest): void {
  if (firstHeader(req, 'x-amz-content-sha256')?.startsWith('STREAMING-')) {
    throw new S3Error(
      'InvalidRequest',
      'Streaming (aws-chunked) payloads require AWS Signature Version 4 (AWS4-HMAC-SHA256).',
    );
  }
}

function signaturesEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Accepts when the signature matches any candidate string to sign; reports the first one otherwise. */
function verify(secret: string, accessKey: string, candidates: readonly string[], provided: string): void {
  for (const candidate of candidates) {
    if (signaturesEqual(signV2(secret, candidate), provided)) return;
  }
  // AWS returns these so a client author can see which side canonicalised differently.
  throw new S3Error('SignatureDoesNotMatch', undefined, {
    AWSAccessKeyId: accessKey,
    StringToSign: candidates[0] ?? '',
    SignatureProvided: provided,
  });
}

function parseV2Authorization(value: string): { accessKey: string; signature: string } {
  const credentials = value.slice(SIGV2_PREFIX.length).trim();
  const colon = credentials.indexOf(':');
  const accessKey = colon < 0 ? '' : credentials.slice(0, colon);
  const signature = colon < 0 ? '' : credentials.slice(colon + 1);
  if (accessKey === '' || signature === '') {
    throw new S3Error(
      'InvalidArgument',
      'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature',
      {
        ArgumentName: 'Authorization',
        ArgumentValue: value,
      },
    );
  }
  return { accessKey, signature };
}

/** V2 `x-amz-date` and `Date` are RFC 2616 dates; the ISO 8601 basic form is accepted as well. */
function parseV2Date(value: string): Date | undefined {
  return parseAmzDate(value) ?? parseHttpDate(value);
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const UNSIGNED = { kind: 'UNSIGNED-PAYLOAD' } as const;

/** Verifies `Authorization: AWS AKID:signature`; the Date or x-amz-date must be within 15 minutes of `now`. */
export function authenticateV2Header(
  req: AuthRequest,
  rawPath: string,
  query: readonly QueryParam[],
  authorization: string,
  lookupSecret: SecretLookup,
  now: Date,
): SignedV2Auth {
  const { accessKey, signature } = parseV2Authorization(authorization);
  // The token header is an x-amz-* header: it is part of the string to sign.
  const secret = lookup(accessKey, firstHeader(req, 'x-amz-security-token'), lookupSecret);

  const xAmzDate = firstHeader(req, 'x-amz-date');
  const httpDate = firstHeader(req, 'date');
  const requestTime = xAmzDate ?? httpDate;
  const date = requestTime === undefined ? undefined : parseV2Date(requestTime);
  if (!date) {
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  if (Math.abs(date.getTime() - now.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', undefined, {
      RequestTime: requestTime ?? '',
      ServerTime: isoSeconds(now.getTime()),
      MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
    });
  }
  rejectStreamingPayload(req);

  const parts = {
    method: req.method.toUpperCase(),
    contentMd5: firstHeader(req, 'content-md5') ?? '',
    contentType: firstHeader(req, 'content-type') ?? '',
    amzHeaders: canonicalAmzHeaders(req),
    resource: canonicalResource(rawPath, query, req.virtualHostBucket),
  };
  // AWS: when x-amz-date is sent (it is signed among the x-amz-* headers), the Date line is empty.
  // MinIO signs the Date header there regardless, so a client sending both may have done either.
  const candidates = [
    buildV2StringToSign({ ...parts, date: xAmzDate !== undefined ? '' : (httpDate ?? '') }),
  ];
  if (xAmzDate !== undefined && httpDate !== undefined) {
    candidates.push(buildV2StringToSign({ ...parts, date: httpDate }));
  }
  verify(secret, accessKey, candidates, signature);
  return { kind: 'signed', signatureVersion: 2, accessKey, payload: UNSIGNED, presigned: false };
}

/** Verifies a presigned V2 URL, valid until its `Expires` (seconds since the epoch). */
export function authenticateV2Presigned(
  req: AuthRequest,
  rawPath: string,
  query: readonly QueryParam[],
  lookupSecret: SecretLookup,
  now: Date,
): SignedV2Auth {
  const get = (key: string) => query.find((p) => p.key === key)?.value;
  const accessKey = get('AWSAccessKeyId');
  const signatureParam = get('Signature');
  const expires = get('Expires');
  if (accessKey === undefined || signatureParam === undefined || expires === undefined) {
    throw new S3Error(
      'AccessDenied',
      'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
    );
  }
  const hoisted = new Map<string, string>();
  for (const p of query) {
    const lower = p.key.toLowerCase();
    if (lower.startsWith('x-amz-')) hoisted.set(lower, p.value);
  }
  const token = hoisted.get('x-amz-security-token') ?? firstHeader(req, 'x-amz-security-token');
  const secret = lookup(accessKey, token, lookupSecret);
  if (!/^\d+$/.test(expires)) {
    throw new S3Error('AccessDenied', `Invalid date (should be seconds since epoch): ${expires}`);
  }
  const expiresAt = Number(expires) * 1000;
  if (now.getTime() > expiresAt) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      Expires: isoSeconds(expiresAt),
      ServerTime: isoSeconds(now.getTime()),
    });
  }
  rejectStreamingPayload(req);

  // botocore moves Content-Type and Content-MD5 into the query of a presigned URL, as it does x-amz-*.
  const fromQuery = (name: string) => query.find((p) => p.key.toLowerCase() === name)?.value;
  const stringToSign = buildV2StringToSign({
    method: req.method.toUpperCase(),
    contentMd5: fromQuery('content-md5') ?? firstHeader(req, 'content-md5') ?? '',
    contentType: fromQuery('content-type') ?? firstHeader(req, 'content-type') ?? '',
    date: expires,
    amzHeaders: canonicalAmzHeaders(req, hoisted),
    resource: canonicalResource(rawPath, query, req.virtualHostBucket),
  });
  // A `+` the client left unencoded arrives as a space; base64 has no spaces, so it can only be `+`.
  verify(secret, accessKey, [stringToSign], signatureParam.replaceAll(' ', '+'));
  return { kind: 'signed', signatureVersion: 2, accessKey, payload: UNSIGNED, presigned: true };
}
