import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  deriveSessionKeys,
  newTemporaryAccessKey,
  openSessionToken,
  type SessionClaims,
  SessionTokenError,
  sealSessionToken,
  TEMPORARY_ACCESS_KEY_LENGTH,
  temporarySecretKey,
} from './session-token.js';

const root = { accessKey: 'rootuser', secretKey: 'rootpassword-123' };
const keys = deriveSessionKeys(root);
const NOW = Date.parse('2026-01-01T00:00:00Z');

function claims(over: Partial<SessionClaims> = {}): SessionClaims {
  return {
    accessKey: 'ABCDEFGHIJKLMNOPQRST',
    parent: { kind: 'user', accessKey: 'alice' },
    parentBinding: 'AAAAAAAAAAAAAAAAAAAAAA',
    expiresAt: NOW + 3600_000,
    sessionPolicy: '{"Version":"2012-10-17","Statement":[]}',
    ...over,
  };
}

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SessionTokenError, String(err));
    return err.problem;
  }
  throw new Error('expected the token to be refused');
}

test('a sealed token opens to the same claims, with the parent and session policy', () => {
  const token = sealSessionToken(keys, claims());
  assert.deepEqual(openSessionToken(keys, token, 'ABCDEFGHIJKLMNOPQRST', NOW), claims());
  const noPolicy = claims({ parent: { kind: 'root', accessKey: 'rootuser' } });
  delete noPolicy.sessionPolicy;
  assert.deepEqual(
    openSessionToken(keys, sealSessionToken(keys, noPolicy), noPolicy.accessKey, NOW),
    noPolicy,
  );
});

test('the same root credentials (another process, another node) open the token; others do not', () => {
  const token = sealSessionToken(keys, claims());
  assert.equal(
    openSessionToken(deriveSessionKeys({ ...root }), token, 'ABCDEFGHIJKLMNOPQRST', NOW).parent.accessKey,
    'alice',
  );
  const rotated = deriveSessionKeys({ ...root, secretKey: 'another-password' });
  assert.equal(
    problem(() => openSessionToken(rotated, token, 'ABCDEFGHIJKLMNOPQRST', NOW)),
    'InvalidToken',
  );
});

test('the claims are not readable from the token: the parent and the policy are encrypted', () => {
  const token = sealSessionToken(keys, claims({ sessionPolicy: '{"marker":"visible-policy-text"}' }));
  const raw = Buffer.from(token, 'base64url').toString('latin1');
  assert.ok(!raw.includes('alice') && !raw.includes('visible-policy-text'));
});

test('any altered byte, a truncated token or garbage is InvalidToken', () => {
  const token = sealSessionToken(keys, claims());
  const raw = Buffer.from(token, 'base64url');
  for (let i = 0; i < raw.length; i += 7) {
    const bent = Buffer.from(raw);
    bent[i] = (bent[i] ?? 0) ^ 0x01;
    assert.equal(
      problem(() => openSessionToken(keys, bent.toString('base64url'), 'ABCDEFGHIJKLMNOPQRST', NOW)),
      'InvalidToken',
      `byte ${i}`,
    );
  }
  for (const bad of [
    token.slice(0, -4),
    '',
    'x',
    'not a token!',
    `${token}=`,
    Buffer.alloc(40).toString('base64url'),
  ]) {
    assert.equal(
      problem(() => openSessionToken(keys, bad, 'ABCDEFGHIJKLMNOPQRST', NOW)),
      'InvalidToken',
      bad,
    );
  }
});

test('a token works only with its own access key', () => {
  const token = sealSessionToken(keys, claims());
  assert.equal(
    problem(() => openSessionToken(keys, token, 'ZZZZZZZZZZZZZZZZZZZZ', NOW)),
    'InvalidToken',
  );
});

test('a token is ExpiredToken from its expiry on, and valid until then', () => {
  const token = sealSessionToken(keys, claims({ expiresAt: NOW + 900_000 }));
  assert.ok(openSessionToken(keys, token, 'ABCDEFGHIJKLMNOPQRST', NOW + 899_999));
  assert.equal(
    problem(() => openSessionToken(keys, token, 'ABCDEFGHIJKLMNOPQRST', NOW + 900_000)),
    'ExpiredToken',
  );
});

test('an expired token that was also altered is InvalidToken (authenticity is checked first)', () => {
  const raw = Buffer.from(sealSessionToken(keys, claims({ expiresAt: NOW - 1000 })), 'base64url');
  raw[20] = (raw[20] ?? 0) ^ 0xff;
  assert.equal(
    problem(() => openSessionToken(keys, raw.toString('base64url'), 'ABCDEFGHIJKLMNOPQRST', NOW)),
    'InvalidToken',
  );
});

test('temporary access keys are 20 base32 characters and differ every time', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const key = newTemporaryAccessKey();
    assert.match(key, /^[A-Z2-7]+$/);
    assert.equal(key.length, TEMPORARY_ACCESS_KEY_LENGTH);
    seen.add(key);
  }
  assert.equal(seen.size, 200);
});

test('the secret key is recomputed from the access key alone and differs per key and per server', () => {
  const a = temporarySecretKey(keys, 'ABCDEFGHIJKLMNOPQRST');
  assert.equal(a.length, 40);
  assert.equal(temporarySecretKey(deriveSessionKeys(root), 'ABCDEFGHIJKLMNOPQRST'), a);
  assert.notEqual(temporarySecretKey(keys, 'ABCDEFGHIJKLMNOPQRSU'), a);
  assert.notEqual(
    temporarySecretKey(deriveSessionKeys({ ...root, secretKey: 'other-password' }), 'ABCDEFGHIJKLMNOPQRST'),
    a,
  );
});
