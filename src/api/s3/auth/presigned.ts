/** Parsing and time checks of SigV4 query-string authentication (presigned URLs). */
import { S3Error } from '../errors.js';
import { MAX_CLOCK_SKEW_MS, parseAmzDate } from './amz-date.js';
import { type QueryParam, SIGV4_ALGORITHM } from './canonical-request.js';
import { type Credential, parseCredential } from './credential-scope.js';

export const MAX_PRESIGNED_EXPIRES_SECONDS = 604800;

export interface ParsedPresigned {
  credential: Credential;
  amzDate: string;
  date: Date;
  expiresSeconds: number;
  signedHeaders: string[];
  signature: string;
  /** X-Amz-Content-Sha256 from the query, when the signer hoisted it there. */
  contentSha256: string | undefined;
}

const QUERY_AUTH_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'];

/** True when the query carries any SigV4 query-authentication parameter. */
export function hasQueryAuth(params: readonly QueryParam[]): boolean {
  return params.some((p) => QUERY_AUTH_PARAMS.includes(p.key));
}

/**
 * True when the query carries any Signature V2 query-authentication parameter (`AWSAccessKeyId`,
 * `Signature`); sigv2.ts then requires all of them, with `Expires`.
 */
export function hasV2QueryAuth(params: readonly QueryParam[]): boolean {
  return params.some((p) => p.key === 'AWSAccessKeyId' || p.key === 'Signature');
}

function queryError(message: string): S3Error {
  return new S3Error('AuthorizationQueryParametersError', message);
}

export function parsePresigned(params: readonly QueryParam[]): ParsedPresigned {
  const get = (key: string) => params.find((p) => p.key === key)?.value;
  const algorithm = get('X-Amz-Algorithm');
  const credential = get('X-Amz-Credential');
  const amzDate = get('X-Amz-Date');
  const expires = get('X-Amz-Expires');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  if (
    algorithm === undefined ||
    credential === undefined ||
    amzDate === undefined ||
    expires === undefined ||
    signedHeaders === undefined ||
    signature === undefined
  ) {
    throw queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== SIGV4_ALGORITHM) throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const date = parseAmzDate(amzDate);
  if (!date) throw queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  if (!/^-?\d+$/.test(expires)) throw queryError('X-Amz-Expires should be a number');
  const expiresSeconds = Number(expires);
  if (expiresSeconds < 1) throw queryError('X-Amz-Expires must be non-negative and non-zero');
  if (expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw queryError('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  }
  const contentSha256 = params.find((p) => p.key.toLowerCase() === 'x-amz-content-sha256')?.value;
  return {
    credential: parseCredential(
      credential,
      'AuthorizationQueryParametersError',
      'Error parsing the X-Amz-Credential parameter',
    ),
    amzDate,
    date,
    expiresSeconds,
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()),
    signature,
    contentSha256,
  };
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A presigned URL is valid from its X-Amz-Date (less the allowed skew) until X-Amz-Expires seconds
 * after it. Both refusals are AccessDenied with the times S3 reports (S3 gives X-Amz-Date of a URL
 * that is not yet valid in milliseconds since the epoch).
 */
export function checkPresignedTime(parsed: ParsedPresigned, now: Date): void {
  const start = parsed.date.getTime();
  const expiresAt = start + parsed.expiresSeconds * 1000;
  if (start - now.getTime() > MAX_CLOCK_SKEW_MS) {
    throw new S3Error('AccessDenied', 'Request is not yet valid', {
      'X-Amz-Date': String(start),
      Expires: isoSeconds(expiresAt),
      ServerTime: isoSeconds(now.getTime()),
    });
  }
  if (now.getTime() > expiresAt) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      'X-Amz-Expires': String(parsed.expiresSeconds),
      Expires: isoSeconds(expiresAt),
      ServerTime: isoSeconds(now.getTime()),
    });
  }
}
