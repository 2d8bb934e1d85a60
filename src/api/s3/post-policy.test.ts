import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Error } from './errors.js';
import { FormFields } from './post-form.js';
import { checkPostPolicy, parsePostPolicy } from './post-policy.js';

const FUTURE = '2099-01-01T00:00:00.000Z';
const NOW = new Date('2030-06-01T12:00:00Z');

function encode(doc: unknown): string {
  return Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc), 'utf8').toString('base64');
}

function fieldsOf(values: Record<string, string | string[]>): FormFields {
  const fields = new FormFields();
  for (const [name, value] of Object.entries(values)) {
    for (const v of Array.isArray(value) ? value : [value]) fields.add(name, v);
  }
  return fields;
}

/** The S3 error code and message a call throws, or 'ok' with its result. */
function outcome(fn: () => unknown): string {
  try {
    const result = fn();
    return `ok ${JSON.stringify(result ?? null)}`;
  } catch (err) {
    if (err instanceof S3Error) return `${err.code}: ${err.message}`;
    throw err;
  }
}

const none = () => false;

function check(
  conditions: unknown[],
  values: Record<string, string | string[]>,
  expiration = FUTURE,
): string {
  return outcome(() =>
    checkPostPolicy(parsePostPolicy(encode({ expiration, conditions })), fieldsOf(values), none, NOW),
  );
}

describe('POST policy documents', () => {
  it('refuses documents S3 cannot read with InvalidPolicyDocument', () => {
    const parse = (doc: unknown) => outcome(() => parsePostPolicy(encode(doc)));
    assert.equal(parse('{not json'), 'InvalidPolicyDocument: Invalid Policy: Invalid JSON.');
    assert.equal(parse([1]), 'InvalidPolicyDocument: Invalid Policy: Invalid JSON.');
    assert.equal(
      parse({ conditions: [] }),
      'InvalidPolicyDocument: Invalid Policy: Policy missing expiration.',
    );
    assert.equal(
      parse({ EXPIRATION: FUTURE, conditions: [] }),
      'InvalidPolicyDocument: Invalid Policy: Policy missing expiration.',
    );
    assert.equal(
      parse({ expiration: FUTURE }),
      'InvalidPolicyDocument: Invalid Policy: Policy missing conditions.',
    );
    assert.equal(
      parse({ expiration: FUTURE, CONDITIONS: [] }),
      'InvalidPolicyDocument: Invalid Policy: Policy missing conditions.',
    );
    assert.equal(
      parse({ expiration: '2030-06-01 12:00:00+00:00', conditions: [] }),
      "InvalidPolicyDocument: Invalid Policy: Invalid 'expiration' value: '2030-06-01 12:00:00+00:00'",
    );
    assert.match(parse({ expiration: '2030-02-30T00:00:00Z', conditions: [] }), /Invalid 'expiration' value/);
    assert.equal(
      parse({ expiration: FUTURE, conditions: [{}] }),
      'InvalidPolicyDocument: Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.',
    );
    assert.equal(
      parse({ expiration: FUTURE, conditions: [{ bucket: 'b', key: 'k' }] }),
      'InvalidPolicyDocument: Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.',
    );
    assert.equal(
      parse({ expiration: FUTURE, conditions: [{ success_action_status: 201 }] }),
      'InvalidPolicyDocument: Invalid Policy: Invalid Simple-Condition: value must be a string.',
    );
    assert.match(
      parse({ expiration: FUTURE, conditions: [['content-length-range', 0]] }),
      /^InvalidPolicyDocument/,
    );
    assert.match(
      parse({ expiration: FUTURE, conditions: [['content-length-range', -1, 0]] }),
      /^InvalidPolicyDocument/,
    );
    assert.match(parse({ expiration: FUTURE, conditions: ['key'] }), /^InvalidPolicyDocument/);
  });

  it('accepts expirations with and without fractional seconds', () => {
    assert.equal(
      parsePostPolicy(
        encode({ expiration: '2030-06-01T12:00:00Z', conditions: [] }),
      ).expiration.toISOString(),
      '2030-06-01T12:00:00.000Z',
    );
    assert.equal(
      parsePostPolicy(
        encode({ expiration: '2030-06-01T12:00:00.250Z', conditions: [] }),
      ).expiration.toISOString(),
      '2030-06-01T12:00:00.250Z',
    );
  });
});

describe('checking a form against its policy', () => {
  it('refuses an expired policy', () => {
    assert.equal(
      check([], {}, '2030-06-01T11:59:59Z'),
      'AccessDenied: Invalid according to Policy: Policy expired.',
    );
  });

  it('matches exact conditions in both forms, with field names in any case and values case-sensitive', () => {
    assert.equal(
      check([{ key: 'a.txt' }, ['eq', '$Content-Type', 'text/plain']], {
        Key: 'a.txt',
        'content-type': 'text/plain',
      }),
      'ok null',
    );
    assert.equal(
      check([['EQ', '$CONTENT-TYPE', 'text/plain'], { KEY: 'a.txt' }], {
        key: 'a.txt',
        'Content-Type': 'Text/Plain',
      }),
      'AccessDenied: Invalid according to Policy: Policy Condition failed: ["EQ", "$CONTENT-TYPE", "text/plain"]',
    );
    assert.equal(
      check([{ bucket: 'photos' }], { bucket: 'other' }),
      'AccessDenied: Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "photos"]',
    );
  });

  it('matches starts-with by prefix, an empty prefix allowing any value but not a missing field', () => {
    assert.equal(check([['starts-with', '$key', 'user/eric/']], { key: 'user/eric/a.png' }), 'ok null');
    assert.equal(
      check([['starts-with', '$key', 'user/eric/']], { key: 'user/bob/a.png' }),
      'AccessDenied: Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/eric/"]',
    );
    assert.equal(
      check([['starts-with', '$x-amz-meta-tag', '']], { 'x-amz-meta-tag': 'anything' }),
      'ok null',
    );
    assert.match(check([['starts-with', '$Content-Type', '']], {}), /Policy Condition failed/);
  });

  it('allows starts-with only on the fields S3 allows it on', () => {
    assert.match(check([['starts-with', '$bucket', 'ph']], { bucket: 'photos' }), /Policy Condition failed/);
    assert.match(
      check([['starts-with', '$success_action_status', '2']], { success_action_status: '201' }),
      /Policy Condition failed/,
    );
    assert.match(
      check([['starts-with', '$x-amz-credential', 'AK']], { 'x-amz-credential': 'AKID/…' }),
      /Policy Condition failed/,
    );
    assert.equal(
      check([['starts-with', '$success_action_redirect', 'https://']], {
        success_action_redirect: 'https://x',
      }),
      'ok null',
    );
  });

  it('holds each type of a Content-Type list to a starts-with prefix', () => {
    assert.equal(
      check([['starts-with', '$Content-Type', 'image/']], { 'Content-Type': 'image/png, image/jpeg' }),
      'ok null',
    );
    assert.match(
      check([['starts-with', '$Content-Type', 'image/']], { 'Content-Type': 'image/png, text/html' }),
      /failed/,
    );
  });

  it('fails conditions S3 cannot interpret: no $ before the field, unknown operators, non-numeric ranges', () => {
    assert.equal(
      check([['eq', 'key', 'a']], { key: 'a' }),
      'AccessDenied: Invalid according to Policy: Policy Condition failed: ["eq", "key", "a"]',
    );
    assert.match(
      check([['in', '$key', 'a']], { key: 'a' }),
      /Policy Condition failed: \["in", "\$key", "a"\]/,
    );
    assert.equal(
      check([['content-length-range', 'test', '10']], {}),
      'AccessDenied: Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]',
    );
  });

  it('refuses a field sent twice for a condition on it', () => {
    assert.match(check([{ key: 'a' }], { key: ['a', 'a'] }), /Policy Condition failed/);
  });

  it('names every field no condition covers, except the exempt ones', () => {
    const policy = parsePostPolicy(encode({ expiration: FUTURE, conditions: [{ key: 'a' }] }));
    const fields = fieldsOf({ key: 'a', 'x-amz-meta-x': '1', Policy: 'p', 'x-ignore-me': '1', Foo: 'bar' });
    const exempt = (f: string) => f === 'policy' || f.startsWith('x-ignore-');
    assert.equal(
      outcome(() => checkPostPolicy(policy, fields, exempt, NOW)),
      'AccessDenied: Invalid according to Policy: Extra input fields: x-amz-meta-x, Foo',
    );
  });

  it('returns the content-length-range, numbers or numeric strings, narrowed by several', () => {
    assert.equal(check([['content-length-range', 1, 10]], {}), 'ok {"min":1,"max":10}');
    assert.equal(check([['content-length-range', '5', '10']], {}), 'ok {"min":5,"max":10}');
    assert.equal(
      check(
        [
          ['content-length-range', 0, 100],
          ['content-length-range', 10, 50],
        ],
        {},
      ),
      'ok {"min":10,"max":50}',
    );
  });
});
