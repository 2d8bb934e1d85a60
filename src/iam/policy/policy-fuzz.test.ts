import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConditionContext } from '../authorizer.js';
import { BUILTIN_POLICIES } from './builtin-policies.js';
import {
  type Decision,
  evaluatePolicy,
  isPublicPolicy,
  MalformedPolicyError,
  type PolicyKind,
  parsePolicy,
} from './policy.js';

/** mulberry32: a small seeded PRNG, so a failure replays exactly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

/** Pieces of policy text the fuzzer recombines: names, wildcards, variables, odd characters. */
const WORDS = [
  '*',
  '?',
  '',
  ' ',
  's3:*',
  's3:GetObject',
  's3:Get*',
  's3:?utObject',
  'admin:*',
  'kms:Status',
  'sts:AssumeRole',
  'arn:aws:s3:::b',
  'arn:aws:s3:::b/*',
  'arn:aws:s3:::b/${aws:username}/*',
  'arn:aws:s3:::*',
  '${*}',
  '${?}',
  '${$}',
  '${',
  '}',
  '${aws:username',
  "${aws:username, 'x'}",
  'Allow',
  'Deny',
  'alice',
  'arn:aws:iam:::user/alice',
  '10.0.0.0/8',
  '::1',
  '2001:db8::/32',
  '300.0.0.1',
  '2024-01-01T00:00:00Z',
  '1704067200',
  'true',
  'false',
  'QmluYXJ5',
  'aws:SourceIp',
  'aws:username',
  's3:prefix',
  'ünïcødé',
  '\u0000',
  '\ud800',
  'a'.repeat(300),
  '*a*a*a*a*a*a*b',
];
const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericLessThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateLessThan',
  'DateGreaterThan',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnLike',
  'ArnNotEquals',
  'Null',
  'StringLikeIfExists',
  'ForAnyValue:StringEquals',
  'ForAllValues:StringNotLike',
  'ForAllValues:NumericLessThanIfExists',
  'Bogus',
];
const FIELDS = [
  'Version',
  'Id',
  'Statement',
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
  'AWS',
  'CanonicalUser',
];

function randomString(r: Rng): string {
  let s = '';
  for (let i = r.int(3) + 1; i > 0; i--) s += r.pick(WORDS);
  return s;
}

function randomValue(r: Rng, depth: number): unknown {
  switch (r.int(depth > 3 ? 4 : 7)) {
    case 0:
      return randomString(r);
    case 1:
      return r.int(3) === 0 ? -r.next() * 1e20 : r.int(1000);
    case 2:
      return r.int(2) === 0;
    case 3:
      return null;
    case 4:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = [...FIELDS, ...OPERATORS, 'aws:SourceIp', 's3:prefix'];
      for (let i = r.int(4); i > 0; i--) o[r.pick(keys)] = randomValue(r, depth + 1);
      return o;
    }
  }
}

const ACTIONS = ['s3:GetObject', 's3:Get*', 's3:*', 's3:PutObject', 's3:ListBucket', 's3:?etObject', '*'];
const RESOURCES = [
  'arn:aws:s3:::b',
  'arn:aws:s3:::b/*',
  'arn:aws:s3:::b/${aws:username}/*',
  'arn:aws:s3:::b/a?c*',
  'arn:aws:s3:::b/${*}',
];
const CONDITION_VALUES: Record<string, string[]> = {
  'aws:SourceIp': ['10.0.0.0/8', '::1', '2001:db8::/32', '127.0.0.1'],
  's3:prefix': ['a*', '${aws:username}/', '', 'x'],
  'aws:CurrentTime': ['2024-01-01T00:00:00Z', '1704067200'],
  's3:max-keys': ['10', '1.5', '-3'],
};

/** Mostly the well-formed choice, sometimes any word: many documents pass validation, some do not. */
const usually = <T>(r: Rng, good: readonly T[]): T | string => (r.int(40) ? r.pick(good) : r.pick(WORDS));

/** A statement assembled from plausible parts for `kind`, so that many survive validation. */
function randomStatement(r: Rng, kind: PolicyKind): Record<string, unknown> {
  const s: Record<string, unknown> = { Effect: usually(r, ['Allow', 'Deny']) };
  const list = <T>(good: readonly T[]) => Array.from({ length: r.int(3) + 1 }, () => usually(r, good));
  s[r.int(4) === 0 ? 'NotAction' : 'Action'] = list(ACTIONS);
  if (r.int(30)) s[r.int(4) === 0 ? 'NotResource' : 'Resource'] = list(RESOURCES);
  if (kind === 'resource' ? r.int(30) : r.int(30) === 0) {
    s[r.int(5) === 0 ? 'NotPrincipal' : 'Principal'] = r.pick<unknown>([
      '*',
      { AWS: list(['alice', 'arn:aws:iam:::user/bob']) },
      { AWS: '*' },
    ]);
  }
  if (r.int(2)) {
    const key = r.pick(Object.keys(CONDITION_VALUES));
    const family: Record<string, string[]> = {
      'aws:SourceIp': ['IpAddress', 'NotIpAddress', 'IpAddressIfExists', 'ForAnyValue:IpAddress'],
      's3:prefix': [
        'StringLike',
        'StringNotEquals',
        'ForAllValues:StringLike',
        'Null',
        'StringEqualsIgnoreCase',
      ],
      'aws:CurrentTime': ['DateLessThan', 'DateGreaterThanEquals', 'DateNotEquals'],
      's3:max-keys': ['NumericLessThan', 'NumericEquals', 'NumericNotEqualsIfExists'],
    };
    const operator = usually(r, family[key]!);
    const values = operator === 'Null' ? ['true'] : list(CONDITION_VALUES[key]!);
    s.Condition = { [operator]: { [key]: values } };
  }
  if (r.int(3) === 0) s.Sid = r.pick(['a', 'b', '']);
  return s;
}

function mutate(r: Rng, value: unknown, depth = 0): unknown {
  if (r.int(15) === 0 || depth > 6) return randomValue(r, depth);
  if (Array.isArray(value)) {
    const out = value.map((v) => mutate(r, v, depth + 1));
    if (r.int(4) === 0) out.push(randomValue(r, depth + 1));
    if (r.int(4) === 0) out.splice(r.int(out.length + 1), 1);
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (r.int(8) === 0) continue;
      out[r.int(12) === 0 ? r.pick(FIELDS) : k] = mutate(r, v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string' && r.int(3) === 0) return value + randomString(r);
  return value;
}

function mutateBytes(r: Rng, text: string): Uint8Array {
  const bytes = Array.from(new TextEncoder().encode(text));
  for (let i = r.int(4) + 1; i > 0; i--) {
    const at = r.int(bytes.length + 1);
    const op = r.int(3);
    if (op === 0) bytes.splice(at, 1);
    else if (op === 1) bytes.splice(at, 0, r.int(256));
    else bytes[at] = r.int(256);
  }
  return Uint8Array.from(bytes);
}

const SEEDS: string[] = [
  ...[...BUILTIN_POLICIES.values()].map((p) => p.text),
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Public',
        Effect: 'Allow',
        Principal: '*',
        Action: ['s3:GetObject'],
        Resource: ['arn:aws:s3:::b/*'],
      },
      {
        Effect: 'Deny',
        NotPrincipal: { AWS: ['alice'] },
        Action: 's3:*',
        Resource: 'arn:aws:s3:::b/private/${aws:username}/*',
        Condition: {
          NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] },
          'ForAnyValue:StringLike': { 's3:prefix': 'a*' },
        },
      },
    ],
  }),
];

function randomRequest(r: Rng) {
  const keys: ConditionContext = {};
  for (const k of ['aws:SourceIp', 'aws:username', 's3:prefix', 'aws:CurrentTime', 'x:b', 's3:max-keys']) {
    if (r.int(2)) keys[k] = Array.from({ length: r.int(3) }, () => r.pick(WORDS));
  }
  return {
    action: r.pick([
      's3:GetObject',
      's3:PutObject',
      'S3:LISTBUCKET',
      'admin:CreateUser',
      'sts:AssumeRole',
      '',
      '*',
      randomString(r),
    ]),
    resource: r.pick([
      '*',
      'arn:aws:s3:::b',
      'arn:aws:s3:::b/k',
      `arn:aws:s3:::b/${randomString(r)}`,
      randomString(r),
    ]),
    principals: r.int(2) ? [] : [r.pick(WORDS), 'alice'],
    conditions: () => keys,
  };
}

const DECISIONS: readonly Decision[] = ['allow', 'deny', 'none'];

describe('policy parser and evaluator under fuzzing', () => {
  it('parsePolicy returns or throws MalformedPolicyError for thousands of random and mutated documents, and evaluatePolicy never throws', () => {
    const r = prng(0x11a);
    const started = performance.now();
    let accepted = 0;
    let slowest = 0;
    for (let i = 0; i < 6000; i++) {
      let input: string | Uint8Array;
      const kind: PolicyKind = r.int(2) ? 'identity' : 'resource';
      const mode = i % 4;
      if (mode === 0) input = JSON.stringify(randomValue(r, 0));
      else if (mode === 1) input = mutateBytes(r, r.pick(SEEDS));
      else if (mode === 2) input = JSON.stringify(mutate(r, JSON.parse(r.pick(SEEDS))));
      else {
        const statements = Array.from({ length: r.int(3) + 1 }, () => randomStatement(r, kind));
        input = JSON.stringify({
          Version: r.int(20) ? r.pick(['2012-10-17', '2008-10-17', '2012-10-17']) : 'x',
          Statement: statements,
        });
      }
      const t0 = performance.now();
      try {
        const policy = parsePolicy(input, kind, r.int(2) ? { bucket: 'b' } : {});
        accepted++;
        isPublicPolicy(policy);
        for (let j = 0; j < 5; j++) assert.ok(DECISIONS.includes(evaluatePolicy(policy, randomRequest(r))));
      } catch (e) {
        if (!(e instanceof MalformedPolicyError)) {
          assert.fail(
            `document ${i} threw ${String(e)}: ${typeof input === 'string' ? input : Buffer.from(input).toString('hex')}`,
          );
        }
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    // Enough documents survive validation for the evaluator to be exercised too.
    assert.ok(accepted > 600, `only ${accepted} documents were accepted`);
    assert.ok(slowest < 250, `one document took ${slowest.toFixed(1)} ms`);
    assert.ok(performance.now() - started < 30_000);
  });

  it('hostile inputs cost bounded time: deep nesting, runs of ${, many stars', () => {
    const hostile: [string, PolicyKind][] = [
      ['['.repeat(100_000), 'identity'],
      ['{"Statement":'.repeat(50_000), 'identity'],
      [
        JSON.stringify({
          Version: '2012-10-17',
          Statement: { Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::b/${'${'.repeat(200_000)}` },
        }),
        'identity',
      ],
      [
        JSON.stringify({
          Version: '2012-10-17',
          Statement: { Effect: 'Allow', Action: `s3:${'*?'.repeat(5000)}x`, Resource: '*' },
        }),
        'identity',
      ],
    ];
    for (const [text, kind] of hostile) {
      const t0 = performance.now();
      try {
        parsePolicy(text, kind);
      } catch (e) {
        assert.ok(e instanceof MalformedPolicyError, String(e));
      }
      assert.ok(
        performance.now() - t0 < 2000,
        `${text.slice(0, 40)}… took ${(performance.now() - t0).toFixed(0)} ms`,
      );
    }
    // A pattern of many stars against a long resource that almost matches: linear, not exponential.
    const policy = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::b/${'*a'.repeat(60)}*b`,
        },
      }),
      'identity',
    );
    const t0 = performance.now();
    const decision = evaluatePolicy(policy, {
      action: 's3:GetObject',
      resource: `arn:aws:s3:::b/${'a'.repeat(10_000)}`,
      conditions: () => ({}),
    });
    assert.equal(decision, 'none');
    assert.ok(performance.now() - t0 < 200);
  });
});
