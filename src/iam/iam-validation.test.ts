import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IamError } from './iam-errors.js';
import {
  checkAccessKey,
  checkGroupName,
  checkPolicyName,
  checkSecretKey,
  checkServiceAccountDescription,
  checkServiceAccountName,
  parseExpiration,
} from './iam-validation.js';

const refused = (kind: string) => (err: unknown) => err instanceof IamError && err.kind === kind;

test('access keys are 3 to 128 characters without = , control characters or edge spaces', () => {
  for (const ok of ['abc', 'alice', 'a'.repeat(128), 'user@example.com', 'ÄÖÜ-user']) checkAccessKey(ok);
  for (const bad of ['ab', 'a'.repeat(129), 'a=b', 'a,b', 'tab\there', 'nul\u0000x'])
    assert.throws(() => checkAccessKey(bad), refused('InvalidAccessKey'), bad);
  assert.throws(() => checkAccessKey(' alice'), refused('InvalidName'));
  assert.throws(() => checkAccessKey('alice '), refused('InvalidName'));
  assert.throws(
    () => checkAccessKey('bad\ud800x'),
    refused('InvalidAccessKey'),
    'a lone surrogate is no UTF-8',
  );
});

test('secrets are 8 to 40 characters', () => {
  checkSecretKey('12345678');
  checkSecretKey('x'.repeat(40));
  assert.throws(() => checkSecretKey('1234567'), refused('InvalidSecretKey'));
  assert.throws(() => checkSecretKey('x'.repeat(41)), refused('InvalidSecretKey'));
});

test('group and policy names: non-empty, no comma, no edge spaces', () => {
  checkGroupName('devs');
  checkPolicyName('photos-rw');
  for (const check of [checkGroupName, checkPolicyName]) {
    assert.throws(() => check(''), refused('InvalidName'));
    assert.throws(() => check('a,b'), refused('InvalidName'));
    assert.throws(() => check(' a'), refused('InvalidName'));
  }
});

test("service account names and descriptions follow madmin's rules", () => {
  checkServiceAccountName('ci-reader_1');
  checkServiceAccountName('');
  assert.throws(() => checkServiceAccountName('1abc'), refused('InvalidArgument'));
  assert.throws(() => checkServiceAccountName('has space'), refused('InvalidArgument'));
  assert.throws(() => checkServiceAccountName('a'.repeat(33)), refused('InvalidArgument'));
  checkServiceAccountDescription('d'.repeat(256));
  assert.throws(() => checkServiceAccountDescription('d'.repeat(257)), refused('InvalidArgument'));
});

test('an expiry must lie in the future; none, the epoch and Go’s zero time mean no expiry', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseExpiration('2026-01-02T00:00:00.750Z', now), Date.parse('2026-01-02T00:00:00Z'));
  assert.equal(parseExpiration(undefined, now), undefined);
  assert.equal(parseExpiration('1970-01-01T00:00:00Z', now), undefined);
  assert.equal(parseExpiration('0001-01-01T00:00:00Z', now), undefined);
  assert.throws(() => parseExpiration('2025-12-31T00:00:00Z', now), refused('InvalidArgument'));
  assert.throws(() => parseExpiration('next week', now), refused('InvalidArgument'));
});
