/**
 * AWS Signature Version 4 authentication of S3 requests, by Authorization header or by presigned
 * query string. Synchronous: everything needed is in the request line and headers; the body is
 * verified later, while it streams (request-body.ts), with the key material returned here.
 * `authenticate` is also the entry for Signature Version 2 requests, which it hands to sigv2.ts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../errors.js';
import { formatAmzDate, MAX_CLOCK_SKEW_MS, parseAmzDate, parseHttpDate } from './amz-date.js';
import type { AuthRequest, AuthResult, SecretLookup, SignedV4Auth } from './auth-result.js';
import { parseAuthorizationHeader } from './authorization-header.js';
import {
  buildCanonicalRequest,
  buildStringToSign,
  type HeaderSource,
  hasNonAscii,
  parseQuery,
  type QueryParam,
  splitRawUrl,
} from './canonical-request.js';
import type { Credential } from './credential-scope.js';
import { type PayloadMode, parsePayloadMode, UNSIGNED_PAYLOAD } from './payload-mode.js';
import { checkPresignedTime, hasQueryAuth, hasV2QueryAuth, parsePresigned } from './presigned.js';
import { deriveSigningKey, hmacSha256, signaturesEqual } from './signing-key.js';
import { authenticateV2Header, authenticateV2Presigned, isV2Authorization } from './sigv2.js';

export type {
  AuthRequest,
  AuthResult,
  SecretLookup,
  SignedAuth,
  SignedV2Auth,
  SignedV4Auth,
} from './auth-result.js';
export type { PayloadMode } from './payload-mode.js';

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Authenticates a request. Returns `anonymous` when it carries no credentials at all (the caller
 * decides whether that is allowed); otherwise returns the verified identity or throws the S3Error
 * AWS would answer.
 */
export function authenticate(
  req: AuthRequest,
  lookupSecret: SecretLookup,
  now: Date = new Date(),
): AuthResult {
  const { rawPath, rawQuery } = splitRawUrl(req.rawUrl);
  const query = parseQuery(rawQuery);
  const authorization = headerValue(req.headers, 'authorization');
  const queryAuth = hasQueryAuth(query);
  const v2QueryAuth = hasV2QueryAuth(query);

  if (authorization !== undefined ? queryAuth || v2QueryAuth : queryAuth && v2QueryAuth) {
    throw new S3Error(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      authorization !== undefined
        ? { ArgumentName: 'Authorization', ArgumentValue: authorization }
        : { ArgumentName: 'Signature' },
    );
  }
  if (authorization !== undefined) {
    if (isV2Authorization(authorization)) {
      return authenticateV2Header(req, rawPath, query, authorization, lookupSecret, now);
    }
    return authenticateHeader(req, rawPath, query, authorization, lookupSecret, now);
  }
  if (queryAuth) return authenticatePresigned(req, rawPath, query, lookupSecret, now);
  if (v2QueryAuth) return authenticateV2Presigned(req, rawPath, query, lookupSecret, now);
  return { kind: 'anonymous' };
}

function lookup(
  credential: Credential,
  sessionToken: string | undefined,
  lookupSecret: SecretLookup,
): string {
  const secret = lookupSecret(credential.accessKey, sessionToken);
  if (secret === undefined) {
    throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: credential.accessKey });
  }
  return secret;
}

function requireSigned(
  signedHeaders: readonly string[],
  headers: IncomingHttpHeaders,
  checkAmzHeaders: boolean,
): void {
  const unsigned: string[] = [];
  if (!signedHeaders.includes('host')) unsigned.push('host');
  if (checkAmzHeaders) {
    for (const name of Object.keys(headers)) {
      if (name.startsWith('x-amz-') && !signedHeaders.includes(name)) unsigned.push(name);
    }
  }
  if (unsigned.length > 0) {
    throw new S3Error('AccessDenied', 'There were headers present in the request which were not signed', {
      HeadersNotSigned: unsigned.join(', '),
    });
  }
}

interface VerifyInput {
  req: AuthRequest;
  rawPath: string;
  query: readonly QueryParam[];
  presigned: boolean;
  credential: Credential;
  secret: string;
  amzDate: string;
  signedHeaders: string[];
  payloadHash: string;
  signature: string;
}

/** Checks the signature and builds the signed result both V4 forms (header, presigned) return. */
function verifySignature(input: VerifyInput, payload: PayloadMode): SignedV4Auth {
  const source: HeaderSource = { headers: input.req.headers };
  if (input.req.headersDistinct) source.headersDistinct = input.req.headersDistinct;
  const canonicalRequest = buildCanonicalRequest({
    method: input.req.method,
    rawPath: input.rawPath,
    query: input.query,
    ...(input.presigned ? { omitQueryKey: 'X-Amz-Signature' } : {}),
    source,
    signedHeaders: input.signedHeaders,
    payloadHash: input.payloadHash,
  });
  const stringToSign = buildStringToSign(input.amzDate, input.credential.scope, canonicalRequest);
  const { day, region, service } = input.credential;
  const signingKey = deriveSigningKey(input.secret, day, region, service);
  const matches = (text: string) =>
    signaturesEqual(hmacSha256(signingKey, text).toString('hex'), input.signature);
  // Non-ASCII header bytes have two readings that real clients sign (see CanonicalBytes). Each is
  // one-to-one in the bytes, so either signature still covers every byte; the second costs a hash
  // only for requests that carry such bytes and failed the first.
  const verified =
    matches(stringToSign) ||
    (hasNonAscii(canonicalRequest) &&
      matches(buildStringToSign(input.amzDate, input.credential.scope, canonicalRequest, 'utf8')));
  if (!verified) {
    // AWS returns these so a client author can see which side canonicalised differently.
    throw new S3Error('SignatureDoesNotMatch', undefined, {
      AWSAccessKeyId: input.credential.accessKey,
      StringToSign: stringToSign,
      SignatureProvided: input.signature,
      CanonicalRequest: canonicalRequest,
    });
  }
  return {
    kind: 'signed',
    signatureVersion: 4,
    accessKey: input.credential.accessKey,
    region,
    payload,
    seedSignature: input.signature.toLowerCase(),
    signingKey,
    amzDate: input.amzDate,
    scope: input.credential.scope,
    presigned: input.presigned,
  };
}

function authenticateHeader(
  req: AuthRequest,
  rawPath: string,
  query: readonly QueryParam[],
  authorization: string,
  lookupSecret: SecretLookup,
  now: Date,
): SignedV4Auth {
  const parsed = parseAuthorizationHeader(authorization, req.service);
  const { credential } = parsed;
  // The token header is an x-amz-* header, so requireSigned below makes sure it was signed.
  const secret = lookup(credential, headerValue(req.headers, 'x-amz-security-token'), lookupSecret);

  const xAmzDate = headerValue(req.headers, 'x-amz-date');
  const httpDate = headerValue(req.headers, 'date');
  const date =
    xAmzDate !== undefined
      ? parseAmzDate(xAmzDate)
      : httpDate !== undefined
        ? parseHttpDate(httpDate)
        : undefined;
  if (!date)
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  // With only a Date header, the string to sign carries that instant in the ISO 8601 basic form.
  const amzDate = xAmzDate ?? formatAmzDate(date);
  if (Math.abs(date.getTime() - now.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', undefined, {
      RequestTime: xAmzDate ?? httpDate ?? '',
      ServerTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
    });
  }
  if (credential.day !== amzDate.slice(0, 8)) {
    throw new S3Error(
      'AuthorizationHeaderMalformed',
      'Invalid credential date. Date is not the same as X-Amz-Date.',
    );
  }
  requireSigned(parsed.signedHeaders, req.headers, true);

  const payloadHash = headerValue(req.headers, 'x-amz-content-sha256') ?? req.payloadHash;
  if (payloadHash === undefined) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  const payload = parsePayloadMode(payloadHash);

  return verifySignature(
    {
      req,
      rawPath,
      query,
      presigned: false,
      credential,
      secret,
      amzDate,
      signedHeaders: parsed.signedHeaders,
      payloadHash,
      signature: parsed.signature,
    },
    payload,
  );
}

function authenticatePresigned(
  req: AuthRequest,
  rawPath: string,
  query: readonly QueryParam[],
  lookupSecret: SecretLookup,
  now: Date,
): SignedV4Auth {
  const parsed = parsePresigned(query);
  const { credential } = parsed;
  // A presigned URL carries its token in the (signed) query; a header is accepted as well.
  const token =
    query.find((p) => p.key === 'X-Amz-Security-Token')?.value ??
    headerValue(req.headers, 'x-amz-security-token');
  const secret = lookup(credential, token, lookupSecret);
  if (credential.day !== parsed.amzDate.slice(0, 8)) {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      'Invalid credential date. Date is not the same as X-Amz-Date.',
    );
  }
  checkPresignedTime(parsed, now);
  // Presigned URLs are used from browsers and tools that add their own x-amz-* headers, so only host is required.
  requireSigned(parsed.signedHeaders, req.headers, false);

  // As the SDK signers do: a hoisted X-Amz-Content-Sha256, else the header, else UNSIGNED-PAYLOAD.
  const payloadHash =
    parsed.contentSha256 ?? headerValue(req.headers, 'x-amz-content-sha256') ?? UNSIGNED_PAYLOAD;
  const payload = parsePayloadMode(payloadHash);

  return verifySignature(
    {
      req,
      rawPath,
      query,
      presigned: true,
      credential,
      secret,
      amzDate: parsed.amzDate,
      signedHeaders: parsed.signedHeaders,
      payloadHash,
      signature: parsed.signature,
    },
    payload,
  );
}
