// `cairn admin` end to end: the issue's walk-through as an operator types it (real `node bin/cairn.js
// admin …` processes against a real `cairn server`), then the keys it made, used by the AWS SDK.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { runCairn } from '../helpers/cairn-process.js';
import { bodyBytes, s3Client, s3ErrorOf } from '../helpers/s3-client.js';
import { useServer } from '../s3/fixture.js';

const ALICE_SECRET = 'alice-secret-123';

const PHOTOS_RW = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::photos'] },
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::photos/*'] },
  ],
};

const READONLY_PHOTOS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::photos/*'] }],
};

interface AdminRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function sdkFailure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return s3ErrorOf(err).code;
  }
  throw new Error('expected the S3 call to be refused');
}

describe('cairn admin against a real server', () => {
  const server = useServer({ drives: 1 });
  let root = '';
  let configDir = '';
  /** Everything every command printed, except `svcacct add`'s one-time answers. */
  let transcript = '';
  const oneTime: string[] = [];
  let svcKey = '';
  let svcSecret = '';
  const clients: S3Client[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'cairn-admin-e2e-'));
    configDir = join(root, 'home', '.cairn');
    await writeFile(join(root, 'photos-rw.json'), JSON.stringify(PHOTOS_RW));
    await writeFile(join(root, 'readonly-photos.json'), JSON.stringify(READONLY_PHOTOS));
    const s3 = server.s3;
    await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'private' }));
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await rm(root, { recursive: true, force: true });
  });

  async function admin(...args: string[]): Promise<AdminRun> {
    const r = await runCairn(['admin', ...args], { env: { CAIRN_CONFIG_DIR: configDir }, timeoutMs: 30_000 });
    assert.equal(r.timedOut, false, `cairn admin ${args.join(' ')} did not finish`);
    // The command lines hold secrets (alias set, user add); only what the commands print counts.
    const out = `$ cairn admin ${args.slice(0, 3).join(' ')} …\n${r.stdout}${r.stderr}`;
    if (args[0] === 'user' && args[1] === 'svcacct' && args[2] === 'add') oneTime.push(out);
    else transcript += out;
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  }

  async function ok(...args: string[]): Promise<string> {
    const r = await admin(...args);
    assert.equal(r.code, 0, `cairn admin ${args.join(' ')} failed:\n${r.stderr}`);
    assert.equal(r.stderr, '');
    return r.stdout;
  }

  /** Runs a command expected to fail: exit 1 and exactly one line on stderr, which is returned. */
  async function refused(...args: string[]): Promise<string> {
    const r = await admin(...args);
    assert.equal(r.code, 1, `cairn admin ${args.join(' ')} should fail:\n${r.stdout}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one line on stderr:\n${r.stderr}`);
    return lines[0]!;
  }

  function sdk(accessKey: string, secretKey: string): S3Client {
    const c = s3Client({ ...server.cairn, accessKey, secretKey });
    clients.push(c);
    return c;
  }

  test('alias set checks the keys with the server and saves the alias 0600; a wrong secret saves nothing', async () => {
    const { endpoint, accessKey, secretKey } = server.cairn;
    const wrong = await refused('alias', 'set', 'local', endpoint, accessKey, `${secretKey}-wrong`);
    assert.match(wrong, /^cairn admin alias set: .*\(SignatureDoesNotMatch/);
    assert.match(await refused('alias', 'list', 'local'), /no alias named "local"/);

    assert.equal(
      await ok('alias', 'set', 'local', endpoint, accessKey, secretKey),
      'Added `local` successfully.\n',
    );
    assert.equal((await stat(join(configDir, 'config.json'))).mode & 0o777, 0o600);
    assert.equal((await stat(configDir)).mode & 0o777, 0o700);
    const listed = await ok('alias', 'list', 'local');
    assert.match(listed, /SecretKey: +\*REDACTED\*/);
  });

  test('user add, policy create from a file and policy attach --user, as the issue walks through them', async () => {
    assert.equal(
      await ok('user', 'add', 'local', 'alice', ALICE_SECRET),
      'Added user `alice` successfully.\n',
    );
    assert.equal(
      await ok('policy', 'create', 'local', 'photos-rw', join(root, 'photos-rw.json')),
      'Created policy `photos-rw` successfully.\n',
    );
    assert.equal(
      await ok('policy', 'attach', 'local', 'photos-rw', '--user', 'alice'),
      'Attached photos-rw to user `alice`.\n',
    );
  });

  test("alice's keys work in the AWS SDK for what her policy allows and get AccessDenied for the rest", async () => {
    const alice = sdk('alice', ALICE_SECRET);
    await alice.send(new PutObjectCommand({ Bucket: 'photos', Key: 'cat.jpg', Body: 'meow' }));
    const got = await alice.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'meow');
    const listing = await alice.send(new ListObjectsV2Command({ Bucket: 'photos' }));
    assert.deepEqual(
      listing.Contents?.map((o) => o.Key),
      ['cat.jpg'],
    );
    assert.equal(
      await sdkFailure(alice.send(new PutObjectCommand({ Bucket: 'private', Key: 'x', Body: 'x' }))),
      'AccessDenied',
    );
    assert.equal(
      await sdkFailure(alice.send(new ListObjectsV2Command({ Bucket: 'private' }))),
      'AccessDenied',
    );
  });

  test('user list and user info print aligned tables and records, and JSON with --json', async () => {
    const table = await ok('user', 'list', 'local');
    const lines = table.trimEnd().split('\n');
    assert.match(lines[0]!, /^ACCESSKEY +STATUS +POLICIES +GROUPS$/);
    const aliceLine = lines.find((l) => l.startsWith('alice '));
    assert.ok(aliceLine, table);
    assert.match(aliceLine, /^alice +enabled +photos-rw +-$/);
    assert.equal(aliceLine.indexOf('enabled'), lines[0]!.indexOf('STATUS'), 'columns are aligned');

    const json = JSON.parse(await ok('user', 'list', 'local', '--json'));
    assert.equal(json.status, 'success');
    const { updatedAt: _, ...listed } = json.users.find(
      (u: { accessKey: string }) => u.accessKey === 'alice',
    );
    assert.deepEqual(listed, {
      accessKey: 'alice',
      userStatus: 'enabled',
      policies: ['photos-rw'],
      memberOf: [],
    });

    const info = await ok('user', 'info', 'local', 'alice');
    assert.match(info, /^AccessKey: +alice\nStatus: +enabled\nPolicies: +photos-rw\nMemberOf: +-/);
  });

  test('svcacct add with --policy and --expiry prints the secret once; the keys are narrowed by the policy', async () => {
    const expiry = new Date(Date.now() + 365 * 86400_000);
    expiry.setUTCMilliseconds(0);
    const out = await ok(
      'user',
      'svcacct',
      'add',
      'local',
      'alice',
      '--policy',
      join(root, 'readonly-photos.json'),
      '--expiry',
      expiry.toISOString().replace('.000Z', 'Z'),
      '--name',
      'photo-reader',
    );
    svcKey = /^Access Key: +(\S+)$/m.exec(out)?.[1] ?? '';
    svcSecret = /^Secret Key: +(\S+)$/m.exec(out)?.[1] ?? '';
    assert.ok(svcKey !== '' && svcSecret !== '', out);
    assert.match(out, /^Expiration: +\d{4}-\d{2}-\d{2}T/m);

    const reader = sdk(svcKey, svcSecret);
    const got = await reader.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'meow');
    assert.equal(
      await sdkFailure(reader.send(new PutObjectCommand({ Bucket: 'photos', Key: 'dog.jpg', Body: 'woof' }))),
      'AccessDenied',
      "the inline policy narrows alice's photos-rw to reads",
    );
  });

  test('svcacct list and info show the account, never its secret', async () => {
    const table = await ok('user', 'svcacct', 'list', 'local', 'alice');
    assert.match(table, /^ACCESSKEY +STATUS +NAME +EXPIRATION$/m);
    assert.match(table, new RegExp(`^${svcKey} +(on|enabled) +photo-reader +\\d{4}-`, 'm'));
    const info = await ok('user', 'svcacct', 'info', 'local', svcKey);
    assert.match(info, /^ParentUser: +alice$/m);
    assert.match(info, /^Name: +photo-reader$/m);
    assert.match(info, /^Policy: +embedded$/m);
    assert.ok(info.includes('s3:GetObject'), `the embedded policy is shown:\n${info}`);
    const json = JSON.parse(await ok('user', 'svcacct', 'info', 'local', svcKey, '--json'));
    assert.equal(json.parentUser, 'alice');
    assert.equal(json.impliedPolicy, false);
    assert.deepEqual(json.policy.Statement[0].Action, ['s3:GetObject']);
  });

  test('groups: add creates with members, remove with members removes them, without deletes the empty group', async () => {
    await ok('group', 'add', 'local', 'devs', 'alice');
    assert.match(await ok('group', 'list', 'local'), /^GROUP\ndevs$/m);
    const info = await ok('group', 'info', 'local', 'devs');
    assert.match(info, /^Group: +devs\nStatus: +enabled\nPolicies: +-\nMembers: +alice/);
    assert.match(await ok('user', 'info', 'local', 'alice'), /^MemberOf: +devs$/m);
    assert.match(await refused('group', 'remove', 'local', 'devs'), /XMinioAdminGroupNotEmpty/);
    await ok('group', 'disable', 'local', 'devs');
    assert.match(await ok('group', 'info', 'local', 'devs'), /^Status: +disabled$/m);
    await ok('group', 'remove', 'local', 'devs', 'alice');
    assert.equal(await ok('group', 'remove', 'local', 'devs'), 'Removed group `devs` successfully.\n');
    assert.deepEqual(JSON.parse(await ok('group', 'list', 'local', '--json')).groups, []);
  });

  test('policy list includes the new and the built-in policies; policy info shows the document', async () => {
    const names = JSON.parse(await ok('policy', 'list', 'local', '--json')).policies as string[];
    for (const p of ['photos-rw', 'readonly', 'readwrite', 'writeonly', 'consoleAdmin']) {
      assert.ok(names.includes(p), `${p} in ${names.join(',')}`);
    }
    const info = await ok('policy', 'info', 'local', 'photos-rw');
    assert.match(info, /^Policy: +photos-rw$/m);
    assert.ok(info.includes('"arn:aws:s3:::photos/*"'), info);
  });

  test('a disabled user is refused at once and works again when enabled', async () => {
    const alice = sdk('alice', ALICE_SECRET);
    await ok('user', 'disable', 'local', 'alice');
    assert.match(await ok('user', 'info', 'local', 'alice'), /^Status: +disabled$/m);
    const code = await sdkFailure(alice.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' })));
    assert.ok(['AccessDenied', 'InvalidAccessKeyId'].includes(code), code);
    await ok('user', 'enable', 'local', 'alice');
    await alice.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
  });

  test('info prints the deployment with its drives; --json is the server document', async () => {
    const text = await ok('info', 'local');
    assert.match(text, /^Buckets: +2$/m);
    assert.match(text, /^Drives: +1\/1 online$/m);
    assert.match(text, /^DRIVE +STATE +USED +AVAILABLE +TOTAL$/m);
    const json = JSON.parse(await ok('info', 'local', '--json'));
    assert.equal(json.info.buckets.count, 2);
    assert.equal(json.info.servers[0].drives.length, 1);
  });

  test("errors are one line with the server's message: no such user, a user without admin rights, an unknown alias", async () => {
    assert.match(
      await refused('user', 'info', 'local', 'bob'),
      /^cairn admin user info: .+ \(XMinioAdminNoSuchUser\)$/,
    );
    assert.match(
      await refused('user', 'info', 'nowhere', 'alice'),
      /^cairn admin user info: no alias named "nowhere"/,
    );
    await ok('alias', 'set', 'as-alice', server.cairn.endpoint, 'alice', ALICE_SECRET);
    assert.match(await refused('user', 'list', 'as-alice'), /^cairn admin user list: .*\(AccessDenied\)$/);
    const json = await admin('user', 'info', 'local', 'bob', '--json');
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stderr).error.code, 'XMinioAdminNoSuchUser');
    assert.match(
      await refused('policy', 'attach', 'local', 'no-such-policy', '--user', 'alice'),
      /NoSuchPolicy|does not exist/i,
    );
  });

  test('svcacct disable, enable, remove and user remove take effect at once', async () => {
    const reader = sdk(svcKey, svcSecret);
    const read = () => reader.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }));
    await ok('user', 'svcacct', 'disable', 'local', svcKey);
    assert.match(await ok('user', 'svcacct', 'info', 'local', svcKey), /^Status: +(off|disabled)$/m);
    assert.ok(['AccessDenied', 'InvalidAccessKeyId'].includes(await sdkFailure(read())));
    await ok('user', 'svcacct', 'enable', 'local', svcKey);
    await read();
    await ok('user', 'svcacct', 'remove', 'local', svcKey);
    assert.equal(
      await sdkFailure(reader.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' }))),
      'InvalidAccessKeyId',
    );
    assert.equal(await ok('user', 'remove', 'local', 'alice'), 'Removed user `alice` successfully.\n');
    assert.equal(
      await sdkFailure(
        sdk('alice', ALICE_SECRET).send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.jpg' })),
      ),
      'InvalidAccessKeyId',
    );
  });

  test("no command printed root's, alice's or the service account's secret, except svcacct add once", () => {
    assert.ok(transcript.length > 0);
    for (const secret of [server.cairn.secretKey, ALICE_SECRET, svcSecret]) {
      assert.ok(secret.length >= 8);
      assert.ok(!transcript.includes(secret), `a secret was printed:\n${transcript}`);
    }
    assert.equal(oneTime.filter((o) => o.includes(svcSecret)).length, 1);
  });
});
