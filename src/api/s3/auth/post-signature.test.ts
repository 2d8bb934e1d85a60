import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { S3Error } from '../errors.js';
import { authenticateForm } from './post-signature.js';
import { deriveSigningKey } from './signing-key.js';

const ACCESS_KEY = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const POLICY = Buffer.from('{"expiration":"2099-01-01T00:00:00Z","conditions":[]}').toString('base64');
const lookup = (accessKey: string, sessionToken: string | undefined) => {
  if (sessionToken !== undefined) throw new S3Error('ExpiredToken');
  return accessKey === ACCESS_KEY ? SECRET : undefined;
};

function v4Fields(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const key = deriveSigningKey(SECRET, '20300601', 'us-east-1', 's3');
  return {
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': `${ACCESS_KEY}/20300601/us-east-1/s3/aws4_request`,
    'x-amz-date': '20300601T120000Z',
    policy: POLICY,
    'x-amz-signature': createHmac('sha256', key).update(POLICY).digest('hex'),
    ...overrides,
  };
}

function v2Fields(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    awsaccesskeyid: ACCESS_KEY,
    policy: POLICY,
    signature: createHmac('sha1', SECRET).update(POLICY).digest('base64'),
    ...overrides,
  };
}

function outcome(fields: Record<string, string | undefined>): string {
  try {
    const auth = authenticateForm((name) => fields[name], lookup);
    return auth.kind === 'anonymous' ? 'anonymous' : `V${auth.signatureVersion} ${auth.accessKey}`;
  } catch (err) {
    if (err instanceof S3Error) return `${err.code}: ${err.message}`;
    throw err;
  }
}

describe('authenticating a browser form', () => {
  it('accepts a SigV4 form signed over its policy, and a SigV2 one', () => {
    assert.equal(outcome(v4Fields()), `V4 ${ACCESS_KEY}`);
    assert.equal(
      outcome(v4Fields({ 'x-amz-signature': v4Fields()['x-amz-signature']?.toUpperCase() })),
      `V4 ${ACCESS_KEY}`,
    );
    assert.equal(outcome(v2Fields()), `V2 ${ACCESS_KEY}`);
  });

  it('is anonymous without any signature field', () => {
    assert.equal(outcome({ policy: POLICY, key: 'k' }), 'anonymous');
  });

  it('names the first missing field of the signature version the form uses', () => {
    const msg = (name: string) =>
      `InvalidArgument: Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`;
    assert.equal(
      outcome(v4Fields({ 'x-amz-algorithm': undefined, 'x-amz-credential': undefined })),
      msg('X-Amz-Algorithm'),
    );
    assert.equal(outcome(v4Fields({ 'x-amz-signature': undefined })), msg('X-Amz-Signature'));
    assert.equal(outcome(v4Fields({ policy: undefined })), msg('Policy'));
    assert.equal(outcome(v2Fields({ awsaccesskeyid: undefined })), msg('AWSAccessKeyId'));
    assert.equal(outcome(v2Fields({ signature: undefined })), msg('Signature'));
  });

  it('refuses unknown keys, wrong signatures and a tampered policy', () => {
    assert.match(
      outcome(v4Fields({ 'x-amz-credential': 'NOBODY/20300601/us-east-1/s3/aws4_request' })),
      /^InvalidAccessKeyId/,
    );
    assert.match(outcome(v2Fields({ awsaccesskeyid: 'NOBODY' })), /^InvalidAccessKeyId/);
    assert.match(outcome(v4Fields({ 'x-amz-signature': '0'.repeat(64) })), /^SignatureDoesNotMatch/);
    assert.match(outcome(v4Fields({ policy: `${POLICY}x` })), /^SignatureDoesNotMatch/);
    assert.match(outcome(v2Fields({ signature: 'AAAA' })), /^SignatureDoesNotMatch/);
    // Signed for another day than the credential names: a different signing key.
    assert.match(
      outcome(v4Fields({ 'x-amz-credential': `${ACCESS_KEY}/20300602/us-east-1/s3/aws4_request` })),
      /^SignatureDoesNotMatch/,
    );
  });

  it('refuses malformed signature fields', () => {
    assert.match(
      outcome(v4Fields({ 'x-amz-algorithm': 'AWS4-HMAC-SHA1' })),
      /^InvalidArgument: X-Amz-Algorithm only supports/,
    );
    assert.match(
      outcome(v4Fields({ 'x-amz-credential': 'AKID/2030/us-east-1/s3' })),
      /^InvalidArgument: .*Credential is mal-formed/,
    );
    assert.match(outcome(v4Fields({ 'x-amz-date': '2030-06-01' })), /^InvalidArgument: X-Amz-Date must be/);
  });

  it('hands the x-amz-security-token field to the lookup, which judges it', () => {
    assert.match(outcome(v4Fields({ 'x-amz-security-token': 'token' })), /^ExpiredToken/);
    assert.match(outcome(v2Fields({ 'x-amz-security-token': 'token' })), /^ExpiredToken/);
  });
});
