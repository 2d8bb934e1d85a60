/** Parsing of the SigV4 `Authorization` header. */
import { S3Error } from '../errors.js';
import { SIGV4_ALGORITHM } from './canonical-request.js';
import { type Credential, parseCredential } from './credential-scope.js';

export interface ParsedAuthorization {
  credential: Credential;
  signedHeaders: string[];
  signature: string;
}

const MALFORMED = 'The authorization header is malformed';

export function unsupportedMechanism(): S3Error {
  return new S3Error(
    'InvalidRequest',
    'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
  );
}

/** Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (spaces after the commas optional). */
export function parseAuthorizationHeader(value: string, service: 's3' | 'sts' = 's3'): ParsedAuthorization {
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    // Signature V2 ("AWS AKID:sig") never reaches here (sigv2.ts); SigV4a and anything else are
    // answered as AWS answers V2 in regions without it.
    throw unsupportedMechanism();
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new S3Error(
        'AuthorizationHeaderMalformed',
        `${MALFORMED}; the authorization component "${item}" is malformed.`,
      );
    fields.set(item.slice(0, eq), item.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined) {
    throw new S3Error('AuthorizationHeaderMalformed', `${MALFORMED}; missing Credential.`);
  }
  if (signedHeaders === undefined || signedHeaders === '') {
    throw new S3Error('AuthorizationHeaderMalformed', `${MALFORMED}; missing SignedHeaders.`);
  }
  if (signature === undefined || signature === '') {
    throw new S3Error('AuthorizationHeaderMalformed', `${MALFORMED}; missing Signature.`);
  }
  return {
    credential: parseCredential(credential, 'AuthorizationHeaderMalformed', MALFORMED, service),
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()),
    signature,
  };
}
