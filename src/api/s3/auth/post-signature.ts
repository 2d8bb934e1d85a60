/**
 * Authentication of a browser form upload (POST Object) from its fields: the signature is over
 * the base64 `policy` field itself. SigV4 (`x-amz-algorithm`, `x-amz-credential`, `x-amz-date`,
 * `x-amz-signature` = hex HMAC-SHA256 of the policy with the SigV4 signing key) or SigV2
 * (`AWSAccessKeyId`, `signature` = base64 HMAC-SHA1 of the policy with the secret). A form with none
 * of these fields is anonymous. Field names are matched without regard to case.
 */
import { timingSafeEqual } from 'node:crypto';
import { S3Error } from '../errors.js';
import { parseAmzDate } from './amz-date.js';
import type { SignedV2Auth, SignedV4Auth } from './auth-result.js';
import { parseCredential } from './credential-scope.js';
import { deriveSigningKey, hmacSha256, signaturesEqual } from './signing-key.js';
import { signV2 } from './sigv2.js';

export type FormAuth = { kind: 'anonymous' } | SignedV4Auth | SignedV2Auth;

/** The first value of a form field, by lower-case name. */
export type FormValue = (name: string) => string | undefined;

/**
 * The secret of `accessKey`, or undefined when no such key exists (InvalidAccessKeyId);
 * `sessionToken` is the form's x-amz-security-token field, through which temporary credentials
 * are found (the lookup throws the S3 error for a token it refuses).
 */
export type FormSecretLookup = (accessKey: string, sessionToken: string | undefined) => string | undefined;

const V4_FIELDS = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature'] as const;
const V2_FIELDS = ['awsaccesskeyid', 'signature'] as const;

/** How S3 names each field in "Bucket POST must contain a field named …". */
const FIELD_NAMES: Record<string, string> = {
  'x-amz-algorithm': 'X-Amz-Algorithm',
  'x-amz-credential': 'X-Amz-Credential',
  'x-amz-date': 'X-Amz-Date',
  'x-amz-signature': 'X-Amz-Signature',
  awsaccesskeyid: 'AWSAccessKeyId',
  signature: 'Signature',
  policy: 'Policy',
};

/** The error S3 answers for a form missing a field it needs (or sending it after the file). */
export function missingField(field: string): S3Error {
  const name = FIELD_NAMES[field] ?? field;
  return new S3Error(
    'InvalidArgument',
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    { ArgumentName: name, ArgumentValue: '' },
  );
}

/** Fields the form's signature itself consists of: they need no condition in the policy. */
export function isSignatureField(auth: FormAuth, field: string): boolean {
  if (auth.kind === 'anonymous') return false;
  return auth.signatureVersion === 4
    ? field === 'x-amz-signature'
    : field === 'signature' || field === 'awsaccesskeyid';
}

function required(value: FormValue, fields: readonly string[]): string[] {
  return fields.map((field) => {
    const v = value(field);
    if (v === undefined) throw missingField(field);
    return v;
  });
}

function secretFor(accessKey: string, value: FormValue, lookupSecret: FormSecretLookup): string {
  const secret = lookupSecret(accessKey, value('x-amz-security-token'));
  if (secret === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKey });
  return secret;
}

function mismatch(accessKey: string, policy: string, provided: string): S3Error {
  return new S3Error('SignatureDoesNotMatch', undefined, {
    AWSAccessKeyId: accessKey,
    StringToSign: policy,
    SignatureProvided: provided,
  });
}

function authenticateV4(value: FormValue, lookupSecret: FormSecretLookup): SignedV4Auth {
  const [algorithm, credentialField, amzDate, signature] = required(value, V4_FIELDS) as [
    string,
    string,
    string,
    string,
  ];
  const [policy] = required(value, ['policy']) as [string];
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw new S3Error('InvalidArgument', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', {
      ArgumentName: 'X-Amz-Algorithm',
      ArgumentValue: algorithm,
    });
  }
  const credential = parseCredential(
    credentialField,
    'InvalidArgument',
    'Error parsing the X-Amz-Credential parameter',
  );
  if (parseAmzDate(amzDate) === undefined) {
    throw new S3Error(
      'InvalidArgument',
      `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`,
      {
        ArgumentName: 'X-Amz-Date',
        ArgumentValue: amzDate,
      },
    );
  }
  const secret = secretFor(credential.accessKey, value, lookupSecret);
  const signingKey = deriveSigningKey(secret, credential.day, credential.region, credential.service);
  if (!signaturesEqual(hmacSha256(signingKey, policy).toString('hex'), signature)) {
    throw mismatch(credential.accessKey, policy, signature);
  }
  return {
    kind: 'signed',
    signatureVersion: 4,
    accessKey: credential.accessKey,
    region: credential.region,
    // The form's file is covered by the policy's conditions, not by the signature.
    payload: { kind: 'UNSIGNED-PAYLOAD' },
    seedSignature: signature.toLowerCase(),
    signingKey,
    amzDate,
    scope: credential.scope,
    presigned: false,
    form: true,
  };
}

function authenticateV2(value: FormValue, lookupSecret: FormSecretLookup): SignedV2Auth {
  const [accessKey, signature] = required(value, V2_FIELDS) as [string, string];
  const [policy] = required(value, ['policy']) as [string];
  const secret = secretFor(accessKey, value, lookupSecret);
  const expected = Buffer.from(signV2(secret, policy), 'utf8');
  const provided = Buffer.from(signature, 'utf8');
  if (expected.length !== provided.length || !timingSafeEqual(expected, provided)) {
    throw mismatch(accessKey, policy, signature);
  }
  return {
    kind: 'signed',
    signatureVersion: 2,
    accessKey,
    payload: { kind: 'UNSIGNED-PAYLOAD' },
    presigned: false,
    form: true,
  };
}

/**
 * Authenticates a form from its fields: anonymous when it carries no signature field at all;
 * otherwise every field of its signature version must be there (InvalidArgument naming the first
 * one missing), the key must exist (InvalidAccessKeyId) and the signature over `policy` must match
 * (SignatureDoesNotMatch, compared in constant time).
 */
export function authenticateForm(value: FormValue, lookupSecret: FormSecretLookup): FormAuth {
  if (V4_FIELDS.some((f) => value(f) !== undefined)) return authenticateV4(value, lookupSecret);
  if (V2_FIELDS.some((f) => value(f) !== undefined)) return authenticateV2(value, lookupSecret);
  return { kind: 'anonymous' };
}
