import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  type AliasConfig,
  checkAliasName,
  configDir,
  findAlias,
  loadConfig,
  normaliseUrl,
  saveConfig,
} from './alias-config.js';
import { AdminCliError } from './command.js';

const roots: string[] = [];
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

async function tempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-admin-config-'));
  roots.push(root);
  return root;
}

const CONFIG: AliasConfig = {
  version: '1',
  aliases: {
    local: {
      url: 'http://127.0.0.1:9000',
      accessKey: 'root',
      secretKey: 'root-secret-123',
      region: 'us-east-1',
      api: 's3v4',
    },
  },
};

test('the configuration directory is ~/.cairn unless CAIRN_CONFIG_DIR names another', () => {
  assert.match(configDir({}), /[/\\]\.cairn$/);
  assert.equal(configDir({ CAIRN_CONFIG_DIR: '/tmp/elsewhere' }), '/tmp/elsewhere');
});

test('the file is written 0600 in a directory created 0700, and reads back the same', async () => {
  const dir = join(await tempRoot(), 'nested', '.cairn');
  await saveConfig(dir, CONFIG);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.equal((await stat(join(dir, 'config.json'))).mode & 0o777, 0o600);
  assert.deepEqual(await loadConfig(dir), CONFIG);
});

test('rewriting replaces a wider-permission file with a 0600 one and leaves no temporary files', async () => {
  const dir = await tempRoot();
  await writeFile(join(dir, 'config.json'), JSON.stringify(CONFIG), { mode: 0o644 });
  await saveConfig(dir, { version: '1', aliases: {} });
  assert.equal((await stat(join(dir, 'config.json'))).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(dir), ['config.json']);
  assert.deepEqual((await loadConfig(dir)).aliases, {});
});

test('a missing file is an empty configuration', async () => {
  assert.deepEqual(await loadConfig(join(await tempRoot(), 'none')), { version: '1', aliases: {} });
});

test('a corrupt file is refused with its name and without quoting its content (secrets)', async () => {
  const dir = await tempRoot();
  await writeFile(join(dir, 'config.json'), '{"aliases":{"x":{"secretKey":"leaky-secret-value"');
  await assert.rejects(loadConfig(dir), (err: Error) => {
    assert.ok(err instanceof AdminCliError);
    assert.ok(err.message.includes(join(dir, 'config.json')), err.message);
    assert.ok(!err.message.includes('leaky-secret-value'), err.message);
    return true;
  });
});

test('an unknown alias is refused with the command that adds it', () => {
  assert.throws(
    () => findAlias(CONFIG, 'prod'),
    /no alias named "prod": add it with `cairn admin alias set prod/,
  );
  assert.throws(() => findAlias(CONFIG, 'constructor'), /no alias named "constructor"/);
});

test('alias URLs are endpoints only: no credentials, path or query; normalised to scheme://host:port', () => {
  assert.equal(normaliseUrl('http://127.0.0.1:9000/'), 'http://127.0.0.1:9000');
  assert.equal(normaliseUrl('https://S3.Example.com'), 'https://s3.example.com');
  assert.throws(() => normaliseUrl('ftp://x'), /scheme must be http or https/);
  assert.throws(() => normaliseUrl('http://user:pw@host:9000'), /must not contain credentials/);
  assert.throws(() => normaliseUrl('http://host:9000/bucket'), /without a path/);
  assert.throws(() => normaliseUrl('not a url'), /invalid URL/);
});

test('alias names start with a letter', () => {
  checkAliasName('local');
  checkAliasName('play-2.eu_west');
  assert.throws(() => checkAliasName('9lives'), /invalid alias name/);
  assert.throws(() => checkAliasName('a/b'), /invalid alias name/);
  assert.throws(() => checkAliasName(''), /invalid alias name/);
});
