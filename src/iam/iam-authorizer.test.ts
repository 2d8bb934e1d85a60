// The authorizer over a real IAM store and real bucket policy documents, on temp-directory drives.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { drivePaths, tempRoot } from '../../test/helpers/object-layer-support.js';
import { openObjectLayer } from '../object/erasure-object-layer.js';
import type { ObjectLayer } from '../object/object-layer.js';
import { type AuthorizationRequest, type Principal, s3Resource } from './authorizer.js';
import { IamAuthorizer } from './iam-authorizer.js';
import { IamStore } from './iam-store.js';

const ROOT = { accessKey: 'rootuser', secretKey: 'rootsecret123' };
const alice: Principal = { kind: 'user', accessKey: 'alice', name: 'alice' };
const anonymous: Principal = { kind: 'anonymous' };

function ask(principal: Principal, action: string, bucket?: string, key?: string): AuthorizationRequest {
  return { principal, action, resource: s3Resource(bucket, key), conditions: () => ({}) };
}

describe('IamAuthorizer', () => {
  let objects: ObjectLayer;
  let iam: IamStore;
  let authz: IamAuthorizer;
  let cleanup: () => Promise<void>;
  const decide = async (r: AuthorizationRequest) => await authz.authorize(r);

  before(async () => {
    const t = await tempRoot();
    cleanup = t.cleanup;
    objects = await openObjectLayer({ drives: drivePaths(join(t.root, 'authz'), 4), parity: 2 });
    iam = await IamStore.open(objects, ROOT);
    authz = new IamAuthorizer(iam, (b) => objects.getBucketConfig(b, 'policy'));
    await objects.makeBucket('site');
    await objects.makeBucket('team');
    await iam.addUser('alice', 'alice-secret-1');
  });
  after(async () => {
    await objects.close();
    await cleanup();
  });

  test('root may do everything, synchronously', () => {
    assert.equal(
      authz.authorize(ask({ kind: 'root', accessKey: ROOT.accessKey }, 's3:DeleteBucket', 'team')),
      true,
    );
  });

  test('without any policy a user and anonymous are refused', async () => {
    assert.equal(await decide(ask(alice, 's3:GetObject', 'team', 'a')), false);
    assert.equal(await decide(ask(anonymous, 's3:GetObject', 'site', 'index.html')), false);
  });

  test('a public-read bucket policy lets anonymous read objects, and nothing else', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' },
      ],
    };
    await objects.putBucketConfig('site', 'policy', Buffer.from(JSON.stringify(policy)));
    assert.equal(await decide(ask(anonymous, 's3:GetObject', 'site', 'index.html')), true);
    assert.equal(await decide(ask(anonymous, 's3:PutObject', 'site', 'index.html')), false);
    assert.equal(await decide(ask(anonymous, 's3:GetObject', 'team', 'index.html')), false);
    await objects.deleteBucketConfig('site', 'policy');
    assert.equal(
      await decide(ask(anonymous, 's3:GetObject', 'site', 'index.html')),
      false,
      'a removed policy grants nothing',
    );
  });

  test('a bucket policy naming a user grants her; a Deny in it beats her identity Allow', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam:::user/alice'] },
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::team/*',
        },
        { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team/secret/*' },
      ],
    };
    await objects.putBucketConfig('team', 'policy', Buffer.from(JSON.stringify(policy)));
    assert.equal(await decide(ask(alice, 's3:PutObject', 'team', 'x')), true);
    await iam.attachPolicies(['readonly'], { user: 'alice' });
    assert.equal(await decide(ask(alice, 's3:GetObject', 'team', 'notes')), true);
    assert.equal(await decide(ask(alice, 's3:GetObject', 'team', 'secret/plan')), false);
    await iam.detachPolicies(['readonly'], { user: 'alice' });
  });

  test("a service account's inline policy narrows grants from the bucket policy too", async () => {
    const inline = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*' }],
    });
    const creds = await iam.serviceAccounts.add('alice', { policy: inline });
    const sa = iam.lookup(creds.accessKey)?.principal as Principal;
    assert.equal(sa.kind, 'serviceAccount');
    // the bucket policy lets alice put to team/, but the inline policy allows only reads
    assert.equal(await decide(ask(sa, 's3:PutObject', 'team', 'x')), false);
    await iam.serviceAccounts.update(creds.accessKey, { policy: '' });
    assert.equal(await decide(ask(sa, 's3:PutObject', 'team', 'x')), true);
  });

  test('admin actions come from identity policies only', async () => {
    const req = { principal: alice, action: 'admin:ListUsers', resource: '*', conditions: () => ({}) };
    assert.equal(authz.allowsIdentity(req), false);
    await iam.attachPolicies(['consoleAdmin'], { user: 'alice' });
    assert.equal(authz.allowsIdentity(req), true);
    await iam.detachPolicies(['consoleAdmin'], { user: 'alice' });
    assert.equal(authz.allowsIdentity(req), false, 'a detached policy stops granting at once');
  });
});
