import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_COMMANDS } from './admin-command.js';
import { UsageError } from './command.js';
import { helpText, resolveCommand } from './parse.js';

function command(argv: string[]) {
  const r = resolveCommand(ADMIN_COMMANDS, argv);
  assert.equal(r.kind, 'command', `expected a command for ${argv.join(' ')}`);
  return r as Extract<typeof r, { kind: 'command' }>;
}

function usageError(argv: string[]): string {
  try {
    resolveCommand(ADMIN_COMMANDS, argv);
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    return err.message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

test('the alias is the first argument after the verb, nested verbs included', () => {
  const r = command([
    'user',
    'svcacct',
    'add',
    'local',
    'alice',
    '--expiry',
    '2027-01-01T00:00:00Z',
    '--json',
  ]);
  assert.deepEqual(r.command.path, ['user', 'svcacct', 'add']);
  assert.deepEqual(r.args, ['local', 'alice']);
  assert.equal(r.flags.expiry, '2027-01-01T00:00:00Z');
  assert.equal(r.flags.json, true);
  assert.equal(r.name, 'cairn admin user svcacct add');
});

test('options may come before, between or after the arguments', () => {
  const r = command(['policy', 'attach', '--user', 'alice', 'local', 'photos-rw', 'readonly']);
  assert.deepEqual(r.args, ['local', 'photos-rw', 'readonly']);
  assert.equal(r.flags.user, 'alice');
});

test('group add takes any number of members, group remove none or more', () => {
  assert.deepEqual(command(['group', 'add', 'local', 'devs', 'alice', 'bob', 'carol']).args.slice(2), [
    'alice',
    'bob',
    'carol',
  ]);
  assert.deepEqual(command(['group', 'remove', 'local', 'devs']).args, ['local', 'devs']);
  assert.match(
    usageError(['group', 'add', 'local', 'devs']),
    /expected ALIAS GROUP MEMBER\.\.\., got 2 arguments/,
  );
});

test('a wrong number of arguments, an unknown option or a missing value is a usage error', () => {
  assert.match(
    usageError(['user', 'add', 'local', 'alice']),
    /expected ALIAS ACCESSKEY SECRETKEY, got 2 arguments/,
  );
  assert.match(usageError(['user', 'info', 'local', 'alice', 'extra']), /got 3 arguments/);
  assert.match(usageError(['user', 'list', 'local', '--frob']), /unknown option --frob/);
  assert.match(usageError(['policy', 'attach', 'local', 'p', '--user']), /--user needs a value/);
});

test('a secret starting with "-" is an argument after "--"', () => {
  const r = command(['user', 'add', 'local', 'bob', '--', '-dash-secret-']);
  assert.deepEqual(r.args, ['local', 'bob', '-dash-secret-']);
  assert.match(usageError(['user', 'add', 'local', 'bob', '-dash-secret-']), /after "--"/);
});

test('--help resolves to help for the command or the verb named so far', () => {
  const forCommand = resolveCommand(ADMIN_COMMANDS, ['user', 'add', '--help']);
  assert.equal(forCommand.kind, 'help');
  assert.equal(forCommand.kind === 'help' && forCommand.exitCode, 0);
  assert.deepEqual(forCommand.kind === 'help' && forCommand.command?.path, ['user', 'add']);
  const forVerb = resolveCommand(ADMIN_COMMANDS, ['user', 'svcacct']);
  assert.deepEqual(forVerb.kind === 'help' && forVerb.prefix, ['user', 'svcacct']);
  assert.equal(
    forVerb.kind === 'help' && forVerb.exitCode,
    2,
    'an incomplete command is a usage error that shows help',
  );
  const unknown = resolveCommand(ADMIN_COMMANDS, ['user', 'frob']);
  assert.equal(unknown.kind === 'help' && unknown.error, 'unknown command `cairn admin user frob`');
});

test('help lists every command under a verb and every option of a command', () => {
  const verb = helpText(ADMIN_COMMANDS, ['group']);
  for (const v of ['add', 'remove', 'list', 'info', 'enable', 'disable'])
    assert.match(verb, new RegExp(`group ${v} `));
  assert.doesNotMatch(verb, /user add/);
  const svc = ADMIN_COMMANDS.find((c) => c.path.join(' ') === 'user svcacct add')!;
  const text = helpText(ADMIN_COMMANDS, svc.path, svc);
  for (const o of [
    '--access-key KEY',
    '--secret-key SECRET',
    '--policy FILE',
    '--name',
    '--description',
    '--expiry TIME',
    '--json',
  ]) {
    assert.ok(text.includes(o), `help names ${o}:\n${text}`);
  }
});

test('every command of mc admin that the issue names exists', () => {
  const names = new Set(ADMIN_COMMANDS.map((c) => c.path.join(' ')));
  const expected = [
    'alias set',
    'alias list',
    'alias remove',
    'user add',
    'user list',
    'user info',
    'user enable',
    'user disable',
    'user remove',
    'group add',
    'group list',
    'group info',
    'group enable',
    'group disable',
    'group remove',
    'policy create',
    'policy list',
    'policy info',
    'policy attach',
    'policy detach',
    'policy remove',
    'user svcacct add',
    'user svcacct list',
    'user svcacct info',
    'user svcacct remove',
    'info',
  ];
  for (const name of expected) assert.ok(names.has(name), `missing cairn admin ${name}`);
});
