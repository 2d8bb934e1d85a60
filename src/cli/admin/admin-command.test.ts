import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runAdminCommand } from './admin-command.js';

// The commands that need no server: aliases, help, usage and configuration errors.

const SECRET = 'root-secret-do-not-print';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('cairn admin without a server', () => {
  let dir = '';
  before(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'cairn-admin-cmd-')), 'cfg');
  });
  after(async () => rm(join(dir, '..'), { recursive: true, force: true }));

  async function admin(...argv: string[]): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runAdminCommand(argv, {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env: { CAIRN_CONFIG_DIR: dir },
    });
    return { code, stdout, stderr };
  }

  test('alias set --no-verify saves the alias in a 0600 file', async () => {
    const r = await admin('alias', 'set', 'local', 'http://127.0.0.1:9000/', 'root', SECRET, '--no-verify');
    assert.deepEqual(r, { code: 0, stdout: 'Added `local` successfully.\n', stderr: '' });
    assert.equal((await stat(join(dir, 'config.json'))).mode & 0o777, 0o600);
    const saved = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    assert.deepEqual(saved.aliases.local, {
      url: 'http://127.0.0.1:9000',
      accessKey: 'root',
      secretKey: SECRET,
      region: 'us-east-1',
      api: 's3v4',
    });
  });

  test('alias list masks the secret, as text and as JSON', async () => {
    await admin(
      'alias',
      'set',
      'eu',
      'https://s3.example.com',
      'euroot',
      SECRET,
      '--region',
      'eu-west-1',
      '--no-verify',
    );
    const text = await admin('alias', 'list');
    assert.equal(text.code, 0);
    assert.ok(!text.stdout.includes(SECRET), text.stdout);
    assert.match(
      text.stdout,
      /^eu\n {2}URL: +https:\/\/s3\.example\.com\n {2}AccessKey: +euroot\n {2}SecretKey: +\*REDACTED\*\n {2}Region: +eu-west-1/m,
    );
    const json = await admin('alias', 'list', 'local', '--json');
    assert.ok(!json.stdout.includes(SECRET), json.stdout);
    assert.deepEqual(JSON.parse(json.stdout), {
      status: 'success',
      aliases: [
        {
          alias: 'local',
          url: 'http://127.0.0.1:9000',
          accessKey: 'root',
          secretKey: '*REDACTED*',
          region: 'us-east-1',
          api: 's3v4',
        },
      ],
    });
  });

  test('alias set refuses a server it cannot reach and saves nothing', async () => {
    const r = await admin('alias', 'set', 'down', 'http://127.0.0.1:1', 'root', SECRET);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^cairn admin alias set: cannot reach http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\); the alias was not saved/,
    );
    assert.ok(!r.stderr.includes(SECRET));
    assert.equal((await admin('alias', 'list', 'down')).code, 1);
  });

  test('alias remove forgets the alias; removing it again is an error', async () => {
    assert.equal((await admin('alias', 'remove', 'eu')).stdout, 'Removed `eu` successfully.\n');
    const again = await admin('alias', 'remove', 'eu');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^cairn admin alias remove: no alias named "eu"/);
  });

  test('an unknown alias is a one-line error with exit status 1, as JSON with --json', async () => {
    const r = await admin('user', 'list', 'nowhere');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^cairn admin user list: no alias named "nowhere"/);
    const j = await admin('user', 'list', 'nowhere', '--json');
    assert.equal(j.code, 1);
    const doc = JSON.parse(j.stderr);
    assert.equal(doc.status, 'error');
    assert.equal(doc.error.code, 'XCairnNoSuchAlias');
  });

  test('calling a command wrongly exits 2 and points at its help', async () => {
    const r = await admin('user', 'add', 'local', 'alice');
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'cairn admin user add: expected ALIAS ACCESSKEY SECRETKEY, got 2 arguments (see `cairn admin user add --help`)\n',
    );
    const unknown = await admin('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command `cairn admin frobnicate`/);
  });

  test('--help prints the command usage on stdout and exits 0', async () => {
    const r = await admin('policy', 'attach', '--help');
    assert.equal(r.code, 0);
    assert.match(
      r.stdout,
      /^Usage: cairn admin policy attach ALIAS POLICY\.\.\. \(--user USER \| --group GROUP\)/,
    );
    const top = await admin('--help');
    assert.equal(top.code, 0);
    assert.match(top.stdout, /user svcacct add ALIAS USER/);
  });

  test('a policy file that is not JSON is refused with its name before anything is sent', async () => {
    const r = await admin('policy', 'create', 'local', 'p', join(dir, 'config.json.missing'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read policy file .*config\.json\.missing/);
  });

  test('an expiry that is not an ISO 8601 time is a usage error', async () => {
    const r = await admin('user', 'svcacct', 'add', 'local', 'alice', '--expiry', 'next tuesday');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--expiry must be an ISO 8601 time/);
  });
});
