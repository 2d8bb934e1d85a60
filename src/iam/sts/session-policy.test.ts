import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MalformedPolicyError } from '../policy/policy.js';
import { compileSessionPolicy, SessionPolicyTooLarge, validateSessionPolicy } from './session-policy.js';

const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };

test('a valid session policy is packed: whitespace goes, meaning stays', () => {
  const text = JSON.stringify({ Version: '2012-10-17', Statement: [statement] }, null, 4);
  const packed = validateSessionPolicy(text);
  assert.equal(packed, JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));
  const compiled = compileSessionPolicy(packed);
  assert.equal(compiled.text, packed);
  assert.equal(compiled.version, '2012-10-17');
});

test('invalid documents, a missing Version and a Principal are MalformedPolicyError', () => {
  for (const bad of [
    '{',
    '[]',
    JSON.stringify({ Statement: [statement] }),
    JSON.stringify({ Version: '2012-10-17', Statement: [{ ...statement, Effect: 'Perhaps' }] }),
    JSON.stringify({ Version: '2012-10-17', Statement: [{ ...statement, Principal: '*' }] }),
  ]) {
    assert.throws(() => validateSessionPolicy(bad), MalformedPolicyError, bad);
  }
});

test('a document over 2048 packed characters is SessionPolicyTooLarge; exactly 2048 passes', () => {
  const withResource = (r: string) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ ...statement, Resource: r }] });
  const base = withResource('arn:aws:s3:::b/').length;
  const exact = withResource(`arn:aws:s3:::b/${'x'.repeat(2048 - base)}`);
  assert.equal(exact.length, 2048);
  assert.equal(validateSessionPolicy(exact), exact);
  const over = withResource(`arn:aws:s3:::b/${'x'.repeat(2049 - base)}`);
  assert.throws(
    () => validateSessionPolicy(over),
    (err: unknown) => err instanceof SessionPolicyTooLarge && err.packedLength === 2049,
  );
});
