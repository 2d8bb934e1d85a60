import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConditionContext } from '../authorizer.js';
import { type Decision, evaluatePolicy, isPublicPolicy, type Policy, parsePolicy } from './policy.js';

const doc = (statements: object[], version = '2012-10-17') =>
  JSON.stringify({ Version: version, Statement: statements });
const identity = (statements: object[], version?: string) =>
  parsePolicy(doc(statements, version), 'identity');
const bucketPolicy = (statements: object[]) => parsePolicy(doc(statements), 'resource', { bucket: 'b' });

function ask(
  policy: Policy,
  action: string,
  resource: string,
  extra: { principals?: string[]; keys?: ConditionContext } = {},
): Decision {
  return evaluatePolicy(policy, {
    action,
    resource,
    ...(extra.principals === undefined ? {} : { principals: extra.principals }),
    conditions: () => extra.keys ?? {},
  });
}

describe('Action and NotAction', () => {
  it('action wildcards: * and ? match, case-insensitively', () => {
    const p = identity([{ Effect: 'Allow', Action: ['s3:Get*', 'S3:?utObject'], Resource: '*' }]);
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'allow');
    assert.equal(ask(p, 's3:getbucketlocation', 'arn:aws:s3:::b'), 'allow');
    assert.equal(ask(p, 's3:PutObject', 'arn:aws:s3:::b/k'), 'allow');
    assert.equal(ask(p, 's3:DeleteObject', 'arn:aws:s3:::b/k'), 'none');
    assert.equal(ask(p, 's3:ListBucket', 'arn:aws:s3:::b'), 'none');
  });

  it('"Action": "*" matches every service', () => {
    const p = identity([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    assert.equal(ask(p, 'admin:CreateUser', '*'), 'allow');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'allow');
  });

  it('NotAction applies to every action except those listed', () => {
    const p = identity([
      { Effect: 'Allow', NotAction: ['s3:Delete*', 'admin:*'], Resource: 'arn:aws:s3:::b/*' },
    ]);
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'allow');
    assert.equal(ask(p, 's3:DeleteObject', 'arn:aws:s3:::b/k'), 'none');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::c/k'), 'none');
  });
});

describe('Resource and NotResource', () => {
  it('resource wildcards are case-sensitive and match the whole ARN', () => {
    const p = identity([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/photos/*.jpg' },
    ]);
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/photos/2024/cat.jpg'), 'allow');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/photos/cat.JPG'), 'none');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/Photos/cat.jpg'), 'none');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/photos/cat.jpg.txt'), 'none');
  });

  it('? matches exactly one character and several stars backtrack correctly', () => {
    const p = identity([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: ['arn:aws:s3:::b/log-??.txt', 'arn:aws:s3:::b/*a*b*c'],
      },
    ]);
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/log-07.txt'), 'allow');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/log-7.txt'), 'none');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/xaxbxbxc'), 'allow');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/xaxbxbxcx'), 'none');
  });

  it('a bucket ARN does not cover its objects, nor an object ARN its bucket', () => {
    const p = identity([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b' }]);
    assert.equal(ask(p, 's3:ListBucket', 'arn:aws:s3:::b'), 'allow');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'none');
  });

  it('NotResource applies to every resource except those listed', () => {
    const p = identity([
      { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] },
    ]);
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::other/k'), 'deny');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'none');
  });

  it('service-wide requests (resource "*") match arn:aws:s3:::* but not a narrower ARN', () => {
    const p = identity([
      { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' },
      { Effect: 'Allow', Action: 's3:CreateBucket', Resource: 'arn:aws:s3:::b*' },
    ]);
    assert.equal(ask(p, 's3:ListAllMyBuckets', '*'), 'allow');
    assert.equal(ask(p, 's3:CreateBucket', '*'), 'none');
  });

  it('an admin statement without Resource applies to any resource', () => {
    const p = identity([{ Effect: 'Allow', Action: ['admin:ServerInfo', 'admin:List*'] }]);
    assert.equal(ask(p, 'admin:ServerInfo', '*'), 'allow');
    assert.equal(ask(p, 'admin:ListUsers', 'arn:aws:s3:::b'), 'allow');
    assert.equal(ask(p, 'admin:CreateUser', '*'), 'none');
  });
});

describe('policy variables in Resource', () => {
  const home = [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' }];

  it('${aws:username} stands for the requester', () => {
    const p = identity(home);
    const alice = { keys: { 'aws:username': ['alice'] } };
    assert.equal(ask(p, 's3:PutObject', 'arn:aws:s3:::home/alice/notes', alice), 'allow');
    assert.equal(ask(p, 's3:PutObject', 'arn:aws:s3:::home/bob/notes', alice), 'none');
  });

  it('a substituted name is literal: a user called * does not get every home', () => {
    const p = identity(home);
    assert.equal(
      ask(p, 's3:GetObject', 'arn:aws:s3:::home/bob/x', { keys: { 'aws:username': ['*'] } }),
      'none',
    );
    assert.equal(
      ask(p, 's3:GetObject', 'arn:aws:s3:::home/*/x', { keys: { 'aws:username': ['*'] } }),
      'allow',
    );
  });

  it('a variable whose key is absent (or multivalued) makes the statement not apply', () => {
    const p = identity(home);
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::home/alice/x'), 'none');
    assert.equal(
      ask(p, 's3:GetObject', 'arn:aws:s3:::home/a/x', { keys: { 'aws:username': ['a', 'b'] } }),
      'none',
    );
    const deny = identity([
      { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::home/${aws:username}/*' },
    ]);
    assert.equal(ask(deny, 's3:GetObject', 'arn:aws:s3:::elsewhere/x'), 'none');
    assert.equal(
      ask(deny, 's3:GetObject', 'arn:aws:s3:::elsewhere/x', { keys: { 'aws:username': ['a'] } }),
      'deny',
    );
  });

  it('any condition key can be a variable, with ${*} ${?} ${$} as literal characters', () => {
    const p = identity([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:SourceIp}/${*}${?}${$}' },
    ]);
    const keys = { 'aws:SourceIp': ['10.0.0.1'] };
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/10.0.0.1/*?$', { keys }), 'allow');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/10.0.0.1/ab$', { keys }), 'none');
  });

  it('version 2008-10-17 reads ${…} as plain text', () => {
    const p = identity(home, '2008-10-17');
    const alice = { keys: { 'aws:username': ['alice'] } };
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::home/alice/x', alice), 'none');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::home/${aws:username}/x', alice), 'allow');
  });
});

describe('Principal and NotPrincipal (bucket policies)', () => {
  it('"*" and {"AWS": "*"} match everyone, anonymous callers too', () => {
    for (const principal of ['*', { AWS: '*' }, { AWS: ['alice', '*'] }]) {
      const p = bucketPolicy([
        { Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      ]);
      assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/k', { principals: [] }), 'allow');
      assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/k', { principals: ['bob'] }), 'allow');
    }
  });

  it("named principals match any of the requester's identifiers, and nobody else", () => {
    const p = bucketPolicy([
      {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam:::user/alice'] },
        Action: 's3:*',
        Resource: 'arn:aws:s3:::b/*',
      },
    ]);
    assert.equal(
      ask(p, 's3:GetObject', 'arn:aws:s3:::b/k', { principals: ['arn:aws:iam:::user/alice', 'alice'] }),
      'allow',
    );
    assert.equal(
      ask(p, 's3:GetObject', 'arn:aws:s3:::b/k', { principals: ['arn:aws:iam:::user/bob', 'bob'] }),
      'none',
    );
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/k', { principals: [] }), 'none');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'none');
  });

  it('a Deny with NotPrincipal denies everyone except the listed principals', () => {
    const p = bucketPolicy([
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      {
        Effect: 'Deny',
        NotPrincipal: { AWS: 'alice' },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/secret/*',
      },
    ]);
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/secret/x', { principals: ['alice'] }), 'allow');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/secret/x', { principals: ['bob'] }), 'deny');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/secret/x', { principals: [] }), 'deny');
    assert.equal(ask(p, 's3:GetObject', 'arn:aws:s3:::b/public', { principals: [] }), 'allow');
  });
});

describe('Deny precedence', () => {
  it('a matching Deny wins over any number of Allows, wherever it stands', () => {
    const allows = Array.from({ length: 10 }, (_, i) => ({
      Sid: `A${i}`,
      Effect: 'Allow',
      Action: 's3:*',
      Resource: '*',
    }));
    const deny = { Sid: 'D', Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/locked/*' };
    for (const statements of [
      [deny, ...allows],
      [...allows, deny],
    ]) {
      const p = identity(statements);
      assert.equal(ask(p, 's3:PutObject', 'arn:aws:s3:::b/locked/x'), 'deny');
      assert.equal(ask(p, 's3:PutObject', 'arn:aws:s3:::b/open/x'), 'allow');
    }
  });

  it('a Deny whose condition fails does not deny', () => {
    const p = identity([
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      {
        Effect: 'Deny',
        Action: 's3:*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    assert.equal(
      ask(p, 's3:GetObject', 'arn:aws:s3:::b/k', { keys: { 'aws:SecureTransport': ['true'] } }),
      'allow',
    );
    assert.equal(
      ask(p, 's3:GetObject', 'arn:aws:s3:::b/k', { keys: { 'aws:SecureTransport': ['false'] } }),
      'deny',
    );
  });
});

describe('isPublicPolicy (GetBucketPolicyStatus)', () => {
  const grant = (extra: object) => ({
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::b/*',
    ...extra,
  });
  const cases: [string, object[], boolean][] = [
    ['an Allow to "*" without a condition is public', [grant({ Principal: '*' })], true],
    ['an Allow to {"AWS": "*"} is public', [grant({ Principal: { AWS: '*' } })], true],
    ['an Allow to a named principal is not public', [grant({ Principal: { AWS: 'alice' } })], false],
    ['a Deny to "*" is not public', [{ ...grant({ Principal: '*' }), Effect: 'Deny' }], false],
    [
      'an Allow to "*" limited to a CIDR block is not public',
      [grant({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })],
      false,
    ],
    [
      'an Allow to "*" from 0.0.0.0/0 is public',
      [grant({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } })],
      true,
    ],
    [
      'an Allow to "*" limited to a fixed aws:SourceVpce is not public',
      [grant({ Principal: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } })],
      false,
    ],
    [
      'a wildcard aws:SourceVpc does not narrow',
      [grant({ Principal: '*', Condition: { StringLike: { 'aws:SourceVpc': 'vpc-*' } } })],
      true,
    ],
    [
      'a condition on another key does not narrow',
      [grant({ Principal: '*', Condition: { StringEquals: { 's3:prefix': 'public/' } } })],
      true,
    ],
    [
      'an IfExists condition does not narrow',
      [grant({ Principal: '*', Condition: { IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } } })],
      true,
    ],
  ];
  for (const [name, statements, expected] of cases) {
    it(name, () => assert.equal(isPublicPolicy(bucketPolicy(statements)), expected));
  }
});
