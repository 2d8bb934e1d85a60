import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConditionContext } from '../authorizer.js';
import { BUILTIN_POLICIES } from './builtin-policies.js';
import { evaluatePolicy, isPublicPolicy, MalformedPolicyError, parsePolicy } from './policy.js';

const noKeys = (): ConditionContext => ({});

function identity(statements: object[]) {
  return parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'identity');
}

describe('policy basics', () => {
  it('an Allow statement allows its action on its resources and nothing else', () => {
    const p = identity([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' }]);
    const ask = (action: string, resource: string) =>
      evaluatePolicy(p, { action, resource, conditions: noKeys });
    assert.equal(ask('s3:GetObject', 'arn:aws:s3:::photos/cat.jpg'), 'allow');
    assert.equal(ask('S3:getobject', 'arn:aws:s3:::photos/cat.jpg'), 'allow');
    assert.equal(ask('s3:PutObject', 'arn:aws:s3:::photos/cat.jpg'), 'none');
    assert.equal(ask('s3:GetObject', 'arn:aws:s3:::other/cat.jpg'), 'none');
    assert.equal(ask('s3:GetObject', 'arn:aws:s3:::Photos/cat.jpg'), 'none');
  });

  it('an explicit Deny beats an Allow in the same policy, whatever the order', () => {
    const p = identity([
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::photos/*' },
    ]);
    const ask = (action: string) =>
      evaluatePolicy(p, { action, resource: 'arn:aws:s3:::photos/a', conditions: noKeys });
    assert.equal(ask('s3:DeleteObject'), 'deny');
    assert.equal(ask('s3:GetObject'), 'allow');
  });

  it('a bucket policy grants to the principals it names, and "*" to anonymous callers too', () => {
    const p = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' },
          {
            Effect: 'Allow',
            Principal: { AWS: ['alice'] },
            Action: 's3:PutObject',
            Resource: 'arn:aws:s3:::site/*',
          },
        ],
      }),
      'resource',
      { bucket: 'site' },
    );
    const ask = (action: string, principals: string[]) =>
      evaluatePolicy(p, { action, resource: 'arn:aws:s3:::site/index.html', principals, conditions: noKeys });
    assert.equal(ask('s3:GetObject', []), 'allow');
    assert.equal(ask('s3:PutObject', []), 'none');
    assert.equal(ask('s3:PutObject', ['arn:aws:iam:::user/alice', 'alice']), 'allow');
    assert.equal(ask('s3:PutObject', ['bob']), 'none');
    assert.equal(isPublicPolicy(p), true);
  });

  it('refuses a document that is not a policy with MalformedPolicyError', () => {
    assert.throws(() => parsePolicy('{', 'identity'), MalformedPolicyError);
    assert.throws(
      () =>
        parsePolicy(
          '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Frobnicate","Resource":"*"}}',
          'identity',
        ),
      { name: 'MalformedPolicyError', message: 'Policy has invalid action' },
    );
  });

  it("ships MinIO's built-in policies", () => {
    assert.deepEqual([...BUILTIN_POLICIES.keys()].sort(), [
      'consoleAdmin',
      'diagnostics',
      'readonly',
      'readwrite',
      'writeonly',
    ]);
    const ask = (name: string, action: string, resource = 'arn:aws:s3:::b/k') =>
      evaluatePolicy(BUILTIN_POLICIES.get(name)!, { action, resource, conditions: noKeys });
    assert.equal(ask('readonly', 's3:GetObject'), 'allow');
    assert.equal(ask('readonly', 's3:PutObject'), 'none');
    assert.equal(ask('readonly', 'admin:CreateUser', '*'), 'deny');
    assert.equal(ask('writeonly', 's3:PutObject'), 'allow');
    assert.equal(ask('writeonly', 's3:GetObject'), 'none');
    assert.equal(ask('readwrite', 's3:DeleteBucket', 'arn:aws:s3:::b'), 'allow');
    assert.equal(ask('readwrite', 's3:ListAllMyBuckets', '*'), 'allow');
    assert.equal(ask('readwrite', 'admin:CreateUser', '*'), 'none');
    assert.equal(ask('diagnostics', 'admin:ServerInfo', '*'), 'allow');
    assert.equal(ask('diagnostics', 'admin:CreateUser', '*'), 'none');
    assert.equal(ask('consoleAdmin', 'admin:CreateUser', '*'), 'allow');
    assert.equal(ask('consoleAdmin', 's3:GetObject'), 'allow');
  });
});
