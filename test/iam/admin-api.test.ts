/**
 * The admin API's contract, called by root with signed requests: madmin's paths and JSON shapes
 * for users, groups, policies and server info, MinIO's error codes, secrets never in answers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type AdminCall, adminAs, allow, codeOf, expectStatus } from '../helpers/iam-fixtures.js';
import { useServer } from '../s3/fixture.js';

describe('admin API (root)', () => {
  const server = useServer({ drives: 4 });
  let admin: AdminCall;
  const SECRET = 'alice-secret-123';

  test('add-user, list-users and user-info show the user without its secret', async () => {
    admin = adminAs(server.cairn);
    await expectStatus(
      admin('PUT', 'add-user', { accessKey: 'alice' }, { secretKey: SECRET, status: 'enabled' }),
      200,
    );
    const list = await expectStatus(admin('GET', 'list-users'), 200);
    const alice = (list.json as Record<string, { status: string; updatedAt: string }>).alice;
    assert.equal(alice?.status, 'enabled');
    assert.ok(alice?.updatedAt);
    const info = await expectStatus(admin('GET', 'user-info', { accessKey: 'alice' }), 200);
    assert.equal((info.json as { status: string }).status, 'enabled');
    assert.ok(!list.body.includes(SECRET) && !info.body.includes(SECRET), 'secrets never leave the server');
  });

  test('users are validated as MinIO does: short keys and secrets, the root name, reserved characters', async () => {
    const short = await expectStatus(
      admin('PUT', 'add-user', { accessKey: 'ab' }, { secretKey: SECRET }),
      400,
    );
    assert.equal(codeOf(short), 'XMinioAdminInvalidAccessKey');
    const weak = await expectStatus(
      admin('PUT', 'add-user', { accessKey: 'bob' }, { secretKey: 'short' }),
      400,
    );
    assert.equal(codeOf(weak), 'XMinioAdminInvalidSecretKey');
    const comma = await expectStatus(
      admin('PUT', 'add-user', { accessKey: 'b,ob' }, { secretKey: SECRET }),
      400,
    );
    assert.equal(codeOf(comma), 'XMinioAdminInvalidAccessKey');
    const root = await expectStatus(
      admin('PUT', 'add-user', { accessKey: server.cairn.accessKey }, { secretKey: SECRET }),
      403,
    );
    assert.equal(codeOf(root), 'XMinioInvalidIAMCredentials');
    const bad = await expectStatus(admin('PUT', 'add-user', { accessKey: 'bob' }, '{not json'), 400);
    assert.equal(codeOf(bad), 'XMinioMalformedJSON');
    const missing = await expectStatus(admin('GET', 'user-info', { accessKey: 'nobody' }), 404);
    assert.equal(codeOf(missing), 'XMinioAdminNoSuchUser');
    const body = missing.json as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['Code', 'Message', 'RequestId', 'Resource']);
  });

  test('groups: members added (making the group), listed, described, disabled, and removed only when empty', async () => {
    await expectStatus(
      admin('PUT', 'update-group-members', {}, { group: 'devs', members: ['alice'], isRemove: false }),
      200,
    );
    assert.deepEqual((await expectStatus(admin('GET', 'groups'), 200)).json, ['devs']);
    const g = (await expectStatus(admin('GET', 'group', { group: 'devs' }), 200)).json as Record<
      string,
      unknown
    >;
    assert.deepEqual([g.name, g.status, g.members, g.policy], ['devs', 'enabled', ['alice'], '']);
    await expectStatus(admin('PUT', 'set-group-status', { group: 'devs', status: 'disabled' }), 200);
    assert.equal(
      ((await admin('GET', 'group', { group: 'devs' })).json as { status: string }).status,
      'disabled',
    );
    const memberOf = (await admin('GET', 'user-info', { accessKey: 'alice' })).json as { memberOf: string[] };
    assert.deepEqual(memberOf.memberOf, ['devs']);
    const notEmpty = await expectStatus(
      admin('PUT', 'update-group-members', {}, { group: 'devs', members: [], isRemove: true }),
      400,
    );
    assert.equal(codeOf(notEmpty), 'XMinioAdminGroupNotEmpty');
    const noUser = await expectStatus(
      admin('PUT', 'update-group-members', {}, { group: 'devs', members: ['ghost'], isRemove: false }),
      404,
    );
    assert.equal(codeOf(noUser), 'XMinioAdminNoSuchUser');
    await expectStatus(
      admin('PUT', 'update-group-members', {}, { group: 'devs', members: ['alice'], isRemove: true }),
      200,
    );
    await expectStatus(
      admin('PUT', 'update-group-members', {}, { group: 'devs', members: [], isRemove: true }),
      200,
    );
    assert.equal(codeOf(await admin('GET', 'group', { group: 'devs' })), 'XMinioAdminNoSuchGroup');
  });

  test('policies: created, listed with the built-ins, described (v=2), attached, refused when malformed or in use', async () => {
    const doc = allow(['s3:GetObject'], ['arn:aws:s3:::photos/*']);
    await expectStatus(admin('PUT', 'add-canned-policy', { name: 'photos-read' }, doc), 200);
    const list = (await expectStatus(admin('GET', 'list-canned-policies'), 200)).json as Record<
      string,
      unknown
    >;
    assert.deepEqual(list['photos-read'], doc);
    for (const builtin of ['readonly', 'readwrite', 'writeonly', 'diagnostics', 'consoleAdmin'])
      assert.ok(builtin in list, builtin);
    const info = (
      await expectStatus(admin('GET', 'info-canned-policy', { name: 'photos-read', v: '2' }), 200)
    ).json as Record<string, unknown>;
    assert.equal(info.PolicyName, 'photos-read');
    assert.deepEqual(info.Policy, doc);
    assert.ok(info.CreateDate && info.UpdateDate);
    const malformed = await expectStatus(
      admin(
        'PUT',
        'add-canned-policy',
        { name: 'bad' },
        { Version: '2012-10-17', Statement: [{ Effect: 'Maybe' }] },
      ),
      400,
    );
    assert.equal(codeOf(malformed), 'XMinioMalformedIAMPolicy');
    const attached = await expectStatus(
      admin('POST', 'idp/builtin/policy/attach', {}, { policies: ['photos-read'], user: 'alice' }),
      200,
    );
    assert.deepEqual((attached.json as { policiesAttached: string[] }).policiesAttached, ['photos-read']);
    assert.equal(
      ((await admin('GET', 'user-info', { accessKey: 'alice' })).json as { policyName: string }).policyName,
      'photos-read',
    );
    const again = await admin(
      'POST',
      'idp/builtin/policy/attach',
      {},
      { policies: ['photos-read'], user: 'alice' },
    );
    assert.equal(codeOf(again), 'XMinioAdminPolicyChangeAlreadyApplied');
    const unknown = await admin(
      'POST',
      'idp/builtin/policy/attach',
      {},
      { policies: ['nope'], user: 'alice' },
    );
    assert.equal(codeOf(unknown), 'XMinioAdminNoSuchPolicy');
    assert.equal(
      codeOf(await admin('DELETE', 'remove-canned-policy', { name: 'photos-read' })),
      'XMinioIAMPolicyInUse',
    );
    assert.equal(
      codeOf(await admin('DELETE', 'remove-canned-policy', { name: 'readwrite' })),
      'XMinioIAMActionNotAllowed',
    );
    const detached = await expectStatus(
      admin('POST', 'idp/builtin/policy/detach', {}, { policies: ['photos-read'], user: 'alice' }),
      200,
    );
    assert.deepEqual((detached.json as { policiesDetached: string[] }).policiesDetached, ['photos-read']);
    await expectStatus(admin('DELETE', 'remove-canned-policy', { name: 'photos-read' }), 200);
    assert.equal(
      codeOf(await admin('GET', 'info-canned-policy', { name: 'photos-read', v: '2' })),
      'XMinioAdminNoSuchPolicy',
    );
  });

  test('info and datausageinfo report the drives, buckets, objects and bytes', async () => {
    await server.s3.send(new CreateBucketCommand({ Bucket: 'usage' }));
    await server.s3.send(new PutObjectCommand({ Bucket: 'usage', Key: 'a', Body: 'hello' }));
    const info = (await expectStatus(admin('GET', 'info'), 200)).json as {
      mode: string;
      deploymentID: string;
      buckets: { count: number };
      objects: { count: number };
      usage: { size: number };
      servers: {
        state: string;
        uptime: number;
        version: string;
        drives: { state: string; totalspace: number }[];
      }[];
    };
    assert.equal(info.mode, 'online');
    assert.match(info.deploymentID, /\S/);
    assert.deepEqual([info.buckets.count, info.objects.count, info.usage.size], [1, 1, 5]);
    assert.equal(info.servers[0]?.drives.length, 4);
    assert.ok(info.servers[0]?.drives.every((d) => d.state === 'ok' && d.totalspace > 0));
    const usage = (await expectStatus(admin('GET', 'datausageinfo'), 200)).json as Record<string, unknown>;
    assert.deepEqual(
      [usage.objectsCount, usage.objectsTotalSize, usage.bucketsCount, usage.bucketsUsageInfo],
      [1, 5, 1, { usage: { size: 5, objectsCount: 1 } }],
    );
  });

  test('an admin path this server does not serve answers 501 NotImplemented in JSON', async () => {
    const res = await expectStatus(admin('GET', 'heal/bucket'), 501);
    assert.equal(codeOf(res), 'NotImplemented');
  });

  test('remove-user removes it, and it is gone from the list', async () => {
    await expectStatus(admin('DELETE', 'remove-user', { accessKey: 'alice' }), 200);
    assert.equal(codeOf(await admin('GET', 'user-info', { accessKey: 'alice' })), 'XMinioAdminNoSuchUser');
    assert.deepEqual((await admin('GET', 'list-users')).json, {});
  });
});
