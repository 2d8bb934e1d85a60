/**
 * What IAM identities can do through real S3 clients: a user gets exactly what their policies
 * (and their enabled groups' policies) allow and AccessDenied elsewhere; disabling a user or a
 * group, deleting or expiring a service account takes effect with the next request; a service
 * account's inline policy narrows its owner's rights; admin routes refuse anonymous and
 * unprivileged callers, while users manage their own service accounts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type AdminCall,
  adminAs,
  allow,
  clientAs,
  codeOf,
  expectStatus,
  type Keys,
} from '../helpers/iam-fixtures.js';
import { bodyBytes, s3ErrorOf } from '../helpers/s3-client.js';
import { useServer } from '../s3/fixture.js';

const ALICE: Keys = { accessKey: 'alice', secretKey: 'alice-secret-123' };
const BOB: Keys = { accessKey: 'bobby', secretKey: 'bobby-secret-123' };

async function denied(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err, 'expected AccessDenied, but the call succeeded');
  const { code, status } = s3ErrorOf(err);
  assert.deepEqual([code, status], ['AccessDenied', 403]);
  return code;
}

describe('IAM identities through S3 clients', () => {
  const server = useServer({ drives: 4 });
  let root: AdminCall;
  let alice: S3Client;

  test('setup: buckets, users and policies via the admin API', async () => {
    root = adminAs(server.cairn);
    await server.s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
    await server.s3.send(new CreateBucketCommand({ Bucket: 'private' }));
    await server.s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'cat.jpg', Body: 'meow' }));
    await server.s3.send(new PutObjectCommand({ Bucket: 'private', Key: 'diary', Body: 'secret' }));
    await expectStatus(
      root(
        'PUT',
        'add-user',
        { accessKey: ALICE.accessKey },
        { secretKey: ALICE.secretKey, status: 'enabled' },
      ),
      200,
    );
    await expectStatus(
      root('PUT', 'add-user', { accessKey: BOB.accessKey }, { secretKey: BOB.secretKey, status: 'enabled' }),
      200,
    );
    const photosRw = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::photos/*'] },
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::photos'] },
        { Effect: 'Deny', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::photos/locked/*'] },
      ],
    };
    await expectStatus(root('PUT', 'add-canned-policy', { name: 'photos-rw' }, photosRw), 200);
    await expectStatus(
      root('POST', 'idp/builtin/policy/attach', {}, { policies: ['photos-rw'], user: 'alice' }),
      200,
    );
    alice = clientAs(server.cairn, ALICE);
  });

  test('a user may do exactly what her policy allows, and gets AccessDenied for the rest', async () => {
    const got = await alice.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'meow');
    await alice.send(new PutObjectCommand({ Bucket: 'photos', Key: 'dog.jpg', Body: 'woof' }));
    const listed = await alice.send(new ListObjectsV2Command({ Bucket: 'photos' }));
    assert.deepEqual(
      listed.Contents?.map((o) => o.Key),
      ['cat.jpg', 'dog.jpg'],
    );
    await denied(alice.send(new GetObjectCommand({ Bucket: 'private', Key: 'diary' })));
    await denied(alice.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' })));
    await denied(alice.send(new ListBucketsCommand({})));
    await denied(alice.send(new PutObjectCommand({ Bucket: 'photos', Key: 'locked/x', Body: 'x' })));
    await denied(alice.send(new CreateBucketCommand({ Bucket: 'alices' })));
  });

  test("a group's policy applies to its members while the group is enabled", async () => {
    const bob = clientAs(server.cairn, BOB);
    await denied(bob.send(new GetObjectCommand({ Bucket: 'private', Key: 'diary' })));
    await expectStatus(
      root('PUT', 'update-group-members', {}, { group: 'readers', members: ['bobby'], isRemove: false }),
      200,
    );
    await expectStatus(
      root('POST', 'idp/builtin/policy/attach', {}, { policies: ['readonly'], group: 'readers' }),
      200,
    );
    const got = await bob.send(new GetObjectCommand({ Bucket: 'private', Key: 'diary' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'secret');
    await denied(bob.send(new PutObjectCommand({ Bucket: 'private', Key: 'x', Body: 'x' })));
    await expectStatus(root('PUT', 'set-group-status', { group: 'readers', status: 'disabled' }), 200);
    await denied(bob.send(new GetObjectCommand({ Bucket: 'private', Key: 'diary' })));
    await expectStatus(root('PUT', 'set-group-status', { group: 'readers', status: 'enabled' }), 200);
    await bob.send(new GetObjectCommand({ Bucket: 'private', Key: 'diary' }));
  });

  test('a disabled user stops authenticating at once (InvalidAccessKeyId), and works again when enabled', async () => {
    const bob = clientAs(server.cairn, BOB);
    await expectStatus(root('PUT', 'set-user-status', { accessKey: 'bobby', status: 'disabled' }), 200);
    const err = await bob
      .send(new GetObjectCommand({ Bucket: 'private', Key: 'diary' }))
      .catch((e: unknown) => e);
    assert.deepEqual([s3ErrorOf(err).code, s3ErrorOf(err).status], ['InvalidAccessKeyId', 403]);
    await expectStatus(root('PUT', 'set-user-status', { accessKey: 'bobby', status: 'enabled' }), 200);
    await bob.send(new GetObjectCommand({ Bucket: 'private', Key: 'diary' }));
  });

  test("a user's service account: made by the user herself, narrowed by its inline policy, gone when deleted", async () => {
    const self = adminAs(server.cairn, ALICE);
    const inline = allow(['s3:GetObject'], ['arn:aws:s3:::photos/*']);
    const made = await expectStatus(
      self('PUT', 'add-service-account', {}, { policy: inline, name: 'reader' }),
      200,
    );
    const creds = (made.json as { credentials: { accessKey: string; secretKey: string } }).credentials;
    assert.equal(creds.accessKey.length, 20);
    const sa = clientAs(server.cairn, creds);
    const got = await sa.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'meow');
    // alice may put to photos, but the inline policy only allows reads
    await denied(sa.send(new PutObjectCommand({ Bucket: 'photos', Key: 'sa.jpg', Body: 'x' })));
    // the inline policy cannot widen alice's rights
    await denied(sa.send(new GetObjectCommand({ Bucket: 'private', Key: 'diary' })));
    const list = await expectStatus(self('GET', 'list-service-accounts'), 200);
    const accounts = (list.json as { accounts: { accessKey: string; parentUser: string; name: string }[] })
      .accounts;
    assert.deepEqual(
      accounts.map((a) => [a.accessKey, a.parentUser, a.name]),
      [[creds.accessKey, 'alice', 'reader']],
    );
    const info = await expectStatus(self('GET', 'info-service-account', { accessKey: creds.accessKey }), 200);
    const body = info.json as { parentUser: string; impliedPolicy: boolean; policy: string };
    assert.deepEqual(
      [body.parentUser, body.impliedPolicy, JSON.parse(body.policy)],
      ['alice', false, inline],
    );
    assert.ok(!list.body.includes(creds.secretKey) && !info.body.includes(creds.secretKey));
    // bob may not look at alice's service accounts
    const bob = adminAs(server.cairn, BOB);
    assert.equal(codeOf(await bob('GET', 'list-service-accounts', { user: 'alice' })), 'AccessDenied');
    assert.equal(
      codeOf(await bob('DELETE', 'delete-service-account', { accessKey: creds.accessKey })),
      'AccessDenied',
    );
    await expectStatus(self('DELETE', 'delete-service-account', { accessKey: creds.accessKey }), 200);
    const err = await sa
      .send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }))
      .catch((e: unknown) => e);
    assert.equal(s3ErrorOf(err).code, 'InvalidAccessKeyId');
  });

  test("a service account without inline policy has its parent's rights, and stops when the parent is disabled, or it expires", async () => {
    const expiration = new Date(Date.now() + 3000).toISOString();
    const made = await expectStatus(
      root('PUT', 'add-service-account', {}, { targetUser: 'alice', expiration }),
      200,
    );
    const creds = (made.json as { credentials: Keys & { expiration: string } }).credentials;
    assert.ok(creds.expiration);
    const sa = clientAs(server.cairn, creds);
    await sa.send(new PutObjectCommand({ Bucket: 'photos', Key: 'by-sa', Body: 'x' }));
    await denied(sa.send(new GetObjectCommand({ Bucket: 'private', Key: 'diary' })));
    await expectStatus(root('PUT', 'set-user-status', { accessKey: 'alice', status: 'disabled' }), 200);
    let err = await sa
      .send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }))
      .catch((e: unknown) => e);
    assert.equal(s3ErrorOf(err).code, 'InvalidAccessKeyId');
    await expectStatus(root('PUT', 'set-user-status', { accessKey: 'alice', status: 'enabled' }), 200);
    await sa.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
    await sleep(Date.parse(creds.expiration) - Date.now() + 100);
    err = await sa.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' })).catch((e: unknown) => e);
    assert.equal(s3ErrorOf(err).code, 'InvalidAccessKeyId');
  });

  test('an updated service account: turned off it stops, on again it works; update needs admin rights', async () => {
    const made = await expectStatus(root('PUT', 'add-service-account', {}, { targetUser: 'alice' }), 200);
    const creds = (made.json as { credentials: Keys }).credentials;
    const sa = clientAs(server.cairn, creds);
    const self = adminAs(server.cairn, ALICE);
    assert.equal(
      codeOf(
        await self('POST', 'update-service-account', { accessKey: creds.accessKey }, { newStatus: 'off' }),
      ),
      'AccessDenied',
    );
    await expectStatus(
      root('POST', 'update-service-account', { accessKey: creds.accessKey }, { newStatus: 'off' }),
      204,
    );
    const err = await sa
      .send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }))
      .catch((e: unknown) => e);
    assert.equal(s3ErrorOf(err).code, 'InvalidAccessKeyId');
    await expectStatus(
      root('POST', 'update-service-account', { accessKey: creds.accessKey }, { newStatus: 'on' }),
      204,
    );
    await sa.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
    const missing = await root('GET', 'info-service-account', { accessKey: 'NOSUCHKEY1234' });
    assert.deepEqual([missing.status, codeOf(missing)], [404, 'XMinioInvalidIAMCredentials']);
  });

  test('admin routes refuse anonymous callers and users without the admin right', async () => {
    const anonymous = adminAs(server.cairn, null);
    const self = adminAs(server.cairn, ALICE);
    const calls: [string, string, Record<string, string>, unknown][] = [
      ['GET', 'list-users', {}, undefined],
      ['PUT', 'add-user', { accessKey: 'eve' }, { secretKey: 'eve-secret-123' }],
      ['GET', 'list-canned-policies', {}, undefined],
      ['POST', 'idp/builtin/policy/attach', {}, { policies: ['readwrite'], user: 'alice' }],
      ['GET', 'groups', {}, undefined],
      ['GET', 'info', {}, undefined],
      ['DELETE', 'remove-user', { accessKey: 'bobby' }, undefined],
    ];
    for (const [method, path, query, body] of calls) {
      for (const caller of [anonymous, self]) {
        const res = await caller(method, path, query, body);
        assert.deepEqual([res.status, codeOf(res)], [403, 'AccessDenied'], `${method} ${path}`);
      }
    }
    const wrongSecret = adminAs(server.cairn, { accessKey: 'alice', secretKey: 'not-her-secret' });
    assert.equal(codeOf(await wrongSecret('GET', 'list-users')), 'SignatureDoesNotMatch');
    // a user granted exactly admin:ListUsers may list users, and nothing more
    await expectStatus(
      root(
        'PUT',
        'add-canned-policy',
        { name: 'list-users' },
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['admin:ListUsers'] }] },
      ),
      200,
    );
    await expectStatus(
      root('POST', 'idp/builtin/policy/attach', {}, { policies: ['list-users'], user: 'bobby' }),
      200,
    );
    const bob = adminAs(server.cairn, BOB);
    const list = await expectStatus(bob('GET', 'list-users'), 200);
    assert.ok('alice' in (list.json as object));
    assert.equal(codeOf(await bob('GET', 'groups')), 'AccessDenied');
  });

  test("secrets never appear in the server's output", () => {
    const out = server.cairn.output();
    for (const secret of [ALICE.secretKey, BOB.secretKey])
      assert.ok(!out.includes(secret), 'a secret was logged');
  });
});
