import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IdentityStore } from '../../iam/authorizer.js';
import { TemporaryCredentials } from '../../iam/sts/temporary-credentials.js';
import { S3Error } from '../s3/errors.js';
import { temporaryIdentity } from './session-identity.js';

const ROOT = { accessKey: 'rootuser', secretKey: 'rootpassword-123' };
const store: IdentityStore = {
  lookup: (k) =>
    k === ROOT.accessKey
      ? { secretKey: ROOT.secretKey, principal: { kind: 'root', accessKey: k } }
      : undefined,
};

function s3Error(fn: () => unknown): S3Error {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof S3Error, String(err));
    return err;
  }
  throw new Error('expected an S3Error');
}

test('an expired session is the S3 error ExpiredToken, 400, in AWS’s words', () => {
  const clock = { now: Date.parse('2026-03-01T12:00:00Z') };
  const sessions = new TemporaryCredentials(ROOT, store, () => clock.now);
  const creds = sessions.issue({ kind: 'root', accessKey: ROOT.accessKey }, ROOT.secretKey, 900);
  assert.equal(temporaryIdentity(sessions, creds.accessKey, creds.sessionToken)?.secretKey, creds.secretKey);
  clock.now += 900_000;
  const err = s3Error(() => temporaryIdentity(sessions, creds.accessKey, creds.sessionToken));
  assert.deepEqual(
    [err.code, err.status, err.message],
    ['ExpiredToken', 400, 'The provided token has expired.'],
  );
});

test('a token that does not open, or a server without STS, is InvalidToken, 400', () => {
  const sessions = new TemporaryCredentials(ROOT, store);
  for (const err of [
    s3Error(() => temporaryIdentity(sessions, 'ABCDEFGHIJKLMNOPQRST', 'not-a-token')),
    s3Error(() => temporaryIdentity(undefined, 'ABCDEFGHIJKLMNOPQRST', 'anything')),
  ]) {
    assert.deepEqual(
      [err.code, err.status, err.message],
      ['InvalidToken', 400, 'The provided token is malformed or otherwise invalid.'],
    );
  }
});
