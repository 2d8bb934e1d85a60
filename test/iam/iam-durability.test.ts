/**
 * IAM lives on the drives: users, groups, policies and service accounts survive a restart, and
 * the loss of as many drives as there is parity (two of four here).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { emptyDrive, killDrive } from '../helpers/drive-damage.js';
import { adminAs, allow, clientAs, expectStatus, type Keys } from '../helpers/iam-fixtures.js';
import { bodyBytes, s3ErrorOf } from '../helpers/s3-client.js';
import { useServer } from '../s3/fixture.js';

const CAROL: Keys = { accessKey: 'carol', secretKey: 'carol-secret-123' };

describe('IAM durability', () => {
  const server = useServer({ drives: 4 });
  let saKeys: Keys;

  test('setup: a user with a group policy and a service account', async () => {
    const root = adminAs(server.cairn);
    await server.s3.send(new CreateBucketCommand({ Bucket: 'docs' }));
    await server.s3.send(new PutObjectCommand({ Bucket: 'docs', Key: 'readme', Body: 'hello' }));
    await expectStatus(root('PUT', 'add-user', { accessKey: 'carol' }, { secretKey: CAROL.secretKey }), 200);
    await expectStatus(
      root(
        'PUT',
        'add-canned-policy',
        { name: 'docs-read' },
        allow(['s3:GetObject'], ['arn:aws:s3:::docs/*']),
      ),
      200,
    );
    await expectStatus(root('PUT', 'update-group-members', {}, { group: 'staff', members: ['carol'] }), 200);
    await expectStatus(
      root('POST', 'idp/builtin/policy/attach', {}, { policies: ['docs-read'], group: 'staff' }),
      200,
    );
    const made = await expectStatus(
      root('PUT', 'add-service-account', {}, { targetUser: 'carol', name: 'ci' }),
      200,
    );
    saKeys = (made.json as { credentials: Keys }).credentials;
  });

  async function assertIamIntact(): Promise<void> {
    for (const keys of [CAROL, saKeys]) {
      const client = clientAs(server.cairn, keys);
      const got = await client.send(new GetObjectCommand({ Bucket: 'docs', Key: 'readme' }));
      assert.equal((await bodyBytes(got.Body)).toString(), 'hello');
      const err = await client
        .send(new PutObjectCommand({ Bucket: 'docs', Key: 'x', Body: 'x' }))
        .catch((e: unknown) => e);
      assert.equal(s3ErrorOf(err).code, 'AccessDenied');
      client.destroy();
    }
    const root = adminAs(server.cairn);
    const group = (await expectStatus(root('GET', 'group', { group: 'staff' }), 200)).json as {
      members: string[];
      policy: string;
    };
    assert.deepEqual([group.members, group.policy], [['carol'], 'docs-read']);
  }

  test('users, groups, policies and service accounts survive a restart', async () => {
    await server.cairn.stop({ keepDrives: true });
    await server.cairn.restart();
    await assertIamIntact();
  });

  test('they survive losing parity drives: one emptied (replaced) and one dead', async () => {
    await server.cairn.stop({ keepDrives: true });
    await emptyDrive(server.cairn.driveDirs[0] as string);
    await killDrive(server.cairn.driveDirs[2] as string);
    await server.cairn.restart();
    await assertIamIntact();
  });
});
