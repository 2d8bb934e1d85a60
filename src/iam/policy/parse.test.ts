import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedPolicyError, type PolicyKind, PolicyTooLargeError, parsePolicy } from './policy.js';

const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
const withStatement = (statement: object, extra: object = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [statement], ...extra });
const condition = (block: object) => withStatement({ ...allow, Condition: block });

/** [what is wrong, document, kind, expected message]. */
const invalid: [string, string | Uint8Array, PolicyKind, string | RegExp][] = [
  ['not JSON', '{"Version":', 'identity', 'This policy contains invalid Json'],
  ['a JSON array', '[]', 'identity', 'This policy contains invalid Json'],
  [
    'bytes that are not UTF-8',
    new Uint8Array([0x7b, 0xff, 0x7d]),
    'identity',
    'This policy contains invalid Json',
  ],
  [
    'an unknown top-level field',
    JSON.stringify({ Version: '2012-10-17', Statement: [allow], Foo: 1 }),
    'identity',
    'Unknown field Foo',
  ],
  [
    'an unknown statement field',
    withStatement({ ...allow, Actions: 's3:*' }),
    'identity',
    'Unknown field Actions',
  ],
  [
    'a wrong Version',
    withStatement(allow, { Version: '2012-10-18' }),
    'identity',
    'The policy must contain a valid version string',
  ],
  ['no Statement', JSON.stringify({ Version: '2012-10-17' }), 'identity', 'Missing required field Statement'],
  [
    'an empty Statement list',
    JSON.stringify({ Version: '2012-10-17', Statement: [] }),
    'identity',
    'Missing required field Statement',
  ],
  [
    'a statement that is not an object',
    JSON.stringify({ Version: '2012-10-17', Statement: ['x'] }),
    'identity',
    /Statement/,
  ],
  [
    'no Effect',
    withStatement({ Action: 's3:*', Resource: '*' }),
    'identity',
    'Missing required field Effect',
  ],
  ['a lower-case Effect', withStatement({ ...allow, Effect: 'allow' }), 'identity', 'Invalid effect: allow'],
  [
    'no Action',
    withStatement({ Effect: 'Allow', Resource: '*' }),
    'identity',
    'Missing required field Action',
  ],
  [
    'both Action and NotAction',
    withStatement({ ...allow, NotAction: 's3:PutObject' }),
    'identity',
    /Action and NotAction/,
  ],
  ['an empty Action list', withStatement({ ...allow, Action: [] }), 'identity', 'Policy has invalid action'],
  [
    'an action that is not a string',
    withStatement({ ...allow, Action: [1] }),
    'identity',
    'Policy has invalid action',
  ],
  [
    'an unknown S3 action',
    withStatement({ ...allow, Action: 's3:Frobnicate' }),
    'identity',
    'Policy has invalid action',
  ],
  [
    'an action of another service',
    withStatement({ ...allow, Action: 'ec2:RunInstances' }),
    'identity',
    'Policy has invalid action',
  ],
  [
    'a wildcard that names no action',
    withStatement({ ...allow, Action: 's3:Frob*' }),
    'identity',
    'Policy has invalid action',
  ],
  [
    'an action without its service',
    withStatement({ ...allow, Action: 'GetObject' }),
    'identity',
    'Policy has invalid action',
  ],
  [
    'an admin action in a bucket policy',
    withStatement({ ...allow, Principal: '*', Action: 'admin:CreateUser' }),
    'resource',
    'Policy has invalid action',
  ],
  [
    'no Resource for S3 actions',
    withStatement({ Effect: 'Allow', Action: 's3:GetObject' }),
    'identity',
    'Missing required field Resource',
  ],
  [
    'no Resource with NotAction',
    withStatement({ Effect: 'Allow', NotAction: 'admin:CreateUser' }),
    'identity',
    'Missing required field Resource',
  ],
  [
    'both Resource and NotResource',
    withStatement({ ...allow, NotResource: '*' }),
    'identity',
    /Resource and NotResource/,
  ],
  [
    'a resource that is no ARN',
    withStatement({ ...allow, Resource: 'b/*' }),
    'identity',
    'Policy has invalid resource',
  ],
  [
    'an ARN without its resource part',
    withStatement({ ...allow, Resource: 'arn:aws:s3:::' }),
    'identity',
    'Policy has invalid resource',
  ],
  [
    'an empty Resource list',
    withStatement({ ...allow, Resource: [] }),
    'identity',
    'Policy has invalid resource',
  ],
  [
    'a bucket policy naming another bucket',
    withStatement({ ...allow, Principal: '*', Resource: 'arn:aws:s3:::other/*' }),
    'resource',
    'Policy has invalid resource',
  ],
  [
    'a bucket policy whose wildcard reaches other buckets',
    withStatement({ ...allow, Principal: '*', Resource: 'arn:aws:s3:::b*' }),
    'resource',
    'Policy has invalid resource',
  ],
  [
    'a bucket policy with Resource "*"',
    withStatement({ ...allow, Principal: '*', Resource: '*' }),
    'resource',
    'Policy has invalid resource',
  ],
  ['a bucket policy without Principal', withStatement(allow), 'resource', 'Missing required field Principal'],
  [
    'an identity policy with a Principal',
    withStatement({ ...allow, Principal: '*' }),
    'identity',
    'Policy document should not specify a principal.',
  ],
  [
    'a CanonicalUser principal',
    withStatement({ ...allow, Principal: { CanonicalUser: 'abc' } }),
    'resource',
    'Invalid principal in policy',
  ],
  [
    'a principal that is a bare name',
    withStatement({ ...allow, Principal: 'alice' }),
    'resource',
    'Invalid principal in policy',
  ],
  [
    'an empty AWS principal list',
    withStatement({ ...allow, Principal: { AWS: [] } }),
    'resource',
    'Invalid principal in policy',
  ],
  [
    'a partial wildcard principal',
    withStatement({ ...allow, Principal: { AWS: 'al*' } }),
    'resource',
    'Invalid principal in policy',
  ],
  [
    'both Principal and NotPrincipal',
    withStatement({ ...allow, Principal: '*', NotPrincipal: '*' }),
    'resource',
    /Principal and NotPrincipal/,
  ],
  [
    'an unknown condition operator',
    condition({ StringEqualz: { 's3:prefix': 'a' } }),
    'identity',
    'Invalid Condition type : StringEqualz',
  ],
  [
    'Null with IfExists',
    condition({ NullIfExists: { 's3:prefix': 'true' } }),
    'identity',
    'Invalid Condition type : NullIfExists',
  ],
  [
    'an unknown set qualifier',
    condition({ 'ForSomeValues:StringEquals': { 's3:prefix': 'a' } }),
    'identity',
    /Invalid Condition type/,
  ],
  ['a Condition that is not an object', condition([] as unknown as object), 'identity', /Condition/],
  [
    'a condition key without a service',
    condition({ StringEquals: { prefix: 'a' } }),
    'identity',
    /invalid condition key/,
  ],
  [
    'a condition value that is an object',
    condition({ StringEquals: { 's3:prefix': { a: 1 } } }),
    'identity',
    /Invalid Condition value/,
  ],
  ['an empty condition value list', condition({ StringEquals: { 's3:prefix': [] } }), 'identity', /no value/],
  [
    'a CIDR prefix over 32 bits',
    condition({ IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } }),
    'identity',
    /Invalid IP address/,
  ],
  [
    'an IPv4 address out of range',
    condition({ IpAddress: { 'aws:SourceIp': '300.1.1.1' } }),
    'identity',
    /Invalid IP address/,
  ],
  [
    'an IPv6 prefix over 128 bits',
    condition({ NotIpAddress: { 'aws:SourceIp': '2001:db8::/129' } }),
    'identity',
    /Invalid IP address/,
  ],
  [
    'a date that is no date',
    condition({ DateGreaterThan: { 'aws:CurrentTime': 'next tuesday' } }),
    'identity',
    /Invalid date/,
  ],
  [
    'a number that is no number',
    condition({ NumericLessThan: { 's3:max-keys': '1O' } }),
    'identity',
    /Invalid number/,
  ],
  [
    'a Bool that is no boolean',
    condition({ Bool: { 'aws:SecureTransport': 'yes' } }),
    'identity',
    /Invalid boolean/,
  ],
  ['a Null that is no boolean', condition({ Null: { 's3:prefix': 'maybe' } }), 'identity', /Invalid boolean/],
  [
    'BinaryEquals that is no base64',
    condition({ BinaryEquals: { 'x:b': 'not base64!' } }),
    'identity',
    /base64/,
  ],
  [
    'duplicate Sids',
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { ...allow, Sid: 'A' },
        { ...allow, Sid: 'A' },
      ],
    }),
    'identity',
    /unique/,
  ],
];

describe('parsePolicy refuses malformed documents, naming the problem', () => {
  for (const [name, text, kind, message] of invalid) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parsePolicy(text, kind, kind === 'resource' ? { bucket: 'b' } : {}),
        (e: unknown) => {
          assert.ok(e instanceof MalformedPolicyError, `not a MalformedPolicyError: ${String(e)}`);
          if (typeof message === 'string') assert.equal(e.message, message);
          else assert.match(e.message, message);
          return true;
        },
      );
    });
  }

  it('refuses a bucket policy over 20 KB with PolicyTooLargeError, but not an identity policy', () => {
    const statements = Array.from({ length: 400 }, (_, i) => ({ ...allow, Sid: `S${i}`, Principal: '*' }));
    const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    assert.ok(text.length > 20 * 1024);
    assert.throws(() => parsePolicy(text, 'resource', { bucket: 'b' }), PolicyTooLargeError);
    const identityText = JSON.stringify({
      Version: '2012-10-17',
      Statement: statements.map(({ Principal, ...s }) => s),
    });
    assert.equal(parsePolicy(identityText, 'identity').kind, 'identity');
  });
});

describe('parsePolicy accepts what AWS accepts', () => {
  const valid: [string, string, PolicyKind][] = [
    ['a single Statement object', JSON.stringify({ Version: '2012-10-17', Statement: allow }), 'identity'],
    ['Version 2008-10-17', withStatement(allow, { Version: '2008-10-17' }), 'identity'],
    ['no Version', JSON.stringify({ Statement: [allow] }), 'identity'],
    [
      'an Id and Sids, empty Sids repeated',
      JSON.stringify({
        Version: '2012-10-17',
        Id: 'x',
        Statement: [
          { ...allow, Sid: '' },
          { ...allow, Sid: '' },
        ],
      }),
      'identity',
    ],
    [
      'admin, KMS and STS actions without Resource',
      withStatement({ Effect: 'Allow', Action: ['admin:*', 'kms:Status', 'sts:AssumeRole'] }),
      'identity',
    ],
    [
      'action names in any case',
      withStatement({ ...allow, Action: ['S3:GETOBJECT', 'Admin:ServerInfo'] }),
      'identity',
    ],
    [
      'any ARN in an identity policy',
      withStatement({ ...allow, Resource: 'arn:minio:kms:::key-1' }),
      'identity',
    ],
    [
      'a bucket policy on the bucket itself and its objects',
      withStatement({
        ...allow,
        Principal: { AWS: ['arn:aws:iam:::user/a'] },
        Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      }),
      'resource',
    ],
    [
      'condition values as numbers and booleans',
      condition({ NumericEquals: { 's3:max-keys': 5 }, Bool: { 'aws:SecureTransport': true } }),
      'identity',
    ],
    [
      'a bare IPv6 address and a CIDR',
      condition({ IpAddress: { 'aws:SourceIp': ['::1', '2001:db8::/48'] } }),
      'identity',
    ],
  ];
  for (const [name, text, kind] of valid) {
    it(`accepts ${name}`, () => {
      const policy = parsePolicy(text, kind, kind === 'resource' ? { bucket: 'b' } : {});
      assert.equal(policy.text, text);
      assert.equal(policy.kind, kind);
    });
  }

  it('accepts the document as bytes and keeps its text', () => {
    const text = withStatement(allow);
    assert.equal(parsePolicy(new TextEncoder().encode(text), 'identity').text, text);
  });
});
