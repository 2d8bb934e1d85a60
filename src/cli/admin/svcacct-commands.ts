import type { NewServiceAccount, ServiceAccountInfo, ServiceAccountUpdate } from './admin-api.js';
import { type Command, type FlagValue, parseStatus, stringFlag, UsageError } from './command.js';
import { readPolicyFile } from './policy-file.js';
import { renderRecord, renderTable } from './table.js';

/** An ISO 8601 time as the server takes it (UTC, milliseconds); anything unparseable is a usage error. */
export function parseExpiry(value: string): string {
  // Date.parse also takes forms like "1/2/2027" whose meaning depends on the locale: ISO only.
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  const ms = Date.parse(value);
  if (!iso.test(value) || Number.isNaN(ms)) {
    throw new UsageError(
      `--expiry must be an ISO 8601 time such as 2027-01-01T00:00:00Z, not ${JSON.stringify(value)}`,
    );
  }
  return new Date(ms).toISOString();
}

const COMMON_OPTIONS = {
  'secret-key': { type: 'string', value: 'SECRET', help: 'the secret key (default: generated)' },
  policy: {
    type: 'string',
    value: 'FILE',
    help: "inline policy: narrows the owner's rights (default: the owner's policies)",
  },
  name: { type: 'string', value: 'NAME', help: 'a name for the account' },
  description: { type: 'string', value: 'TEXT', help: 'a description for the account' },
  expiry: { type: 'string', value: 'TIME', help: 'ISO 8601 time after which the keys stop working' },
} as const;

/** Non-zero year-0001 style times mean "never" in madmin's JSON. */
function expiryShown(expiration: string | undefined): string {
  if (
    expiration === undefined ||
    expiration === '' ||
    expiration.startsWith('0001-01-01') ||
    expiration.startsWith('1970-01-01')
  ) {
    return 'no expiry';
  }
  return expiration;
}

function parsedPolicy(info: ServiceAccountInfo): unknown {
  if (info.policy === undefined || info.policy === '') return null;
  try {
    return JSON.parse(info.policy);
  } catch {
    return info.policy;
  }
}

async function updateFrom(flags: Record<string, FlagValue>): Promise<ServiceAccountUpdate> {
  const update: ServiceAccountUpdate = {};
  const secret = stringFlag(flags, 'secret-key');
  const policy = stringFlag(flags, 'policy');
  const status = stringFlag(flags, 'status');
  const name = stringFlag(flags, 'name');
  const description = stringFlag(flags, 'description');
  const expiry = stringFlag(flags, 'expiry');
  if (secret !== undefined) update.newSecretKey = secret;
  if (policy !== undefined) update.newPolicy = (await readPolicyFile(policy)).document;
  if (status !== undefined) update.newStatus = parseStatus(status);
  if (name !== undefined) update.newName = name;
  if (description !== undefined) update.newDescription = description;
  if (expiry !== undefined) update.newExpiration = parseExpiry(expiry);
  if (Object.keys(update).length === 0) {
    throw new UsageError(
      'nothing to change: give at least one of --secret-key, --policy, --status, --name, --description, --expiry',
    );
  }
  return update;
}

function statusCommand(verb: 'enable' | 'disable'): Command {
  const status = verb === 'enable' ? 'enabled' : 'disabled';
  return {
    path: ['user', 'svcacct', verb],
    args: 'ALIAS ACCESSKEY',
    summary: `${verb} a service account`,
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, key] = ctx.args as [string, string];
      await (await ctx.api(alias)).updateServiceAccount(key, { newStatus: status });
      return {
        json: { status: 'success', accessKey: key, accountStatus: status },
        human: `${verb === 'enable' ? 'Enabled' : 'Disabled'} service account \`${key}\` successfully.`,
      };
    },
  };
}

export const svcacctCommands: Command[] = [
  {
    path: ['user', 'svcacct', 'add'],
    args: 'ALIAS USER',
    summary: 'create a service account (access keys owned by USER); prints its secret key once',
    minArgs: 2,
    maxArgs: 2,
    options: {
      'access-key': { type: 'string', value: 'KEY', help: 'the access key (default: generated)' },
      ...COMMON_OPTIONS,
    },
    notes: [
      'Example: cairn admin user svcacct add local alice --policy ./readonly.json --expiry 2027-01-01T00:00:00Z',
    ],
    async run(ctx) {
      const [alias, user] = ctx.args as [string, string];
      const req: NewServiceAccount = { targetUser: user };
      const accessKey = stringFlag(ctx.flags, 'access-key');
      const secretKey = stringFlag(ctx.flags, 'secret-key');
      const policy = stringFlag(ctx.flags, 'policy');
      const name = stringFlag(ctx.flags, 'name');
      const description = stringFlag(ctx.flags, 'description');
      const expiry = stringFlag(ctx.flags, 'expiry');
      if (accessKey !== undefined) req.accessKey = accessKey;
      if (secretKey !== undefined) req.secretKey = secretKey;
      if (policy !== undefined) req.policy = (await readPolicyFile(policy)).document;
      if (name !== undefined) req.name = name;
      if (description !== undefined) req.description = description;
      if (expiry !== undefined) req.expiration = parseExpiry(expiry);
      const creds = await (await ctx.api(alias)).addServiceAccount(req);
      return {
        json: {
          status: 'success',
          accessKey: creds.accessKey,
          secretKey: creds.secretKey,
          expiration: creds.expiration ?? null,
        },
        human: `${renderRecord([
          ['Access Key', creds.accessKey],
          ['Secret Key', creds.secretKey],
          ['Expiration', expiryShown(creds.expiration)],
        ])}\nKeep the secret key now: it is not shown again.`,
      };
    },
  },
  {
    path: ['user', 'svcacct', 'list'],
    args: 'ALIAS USER',
    summary: "list a user's service accounts",
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, user] = ctx.args as [string, string];
      const accounts = await (await ctx.api(alias)).listServiceAccounts(user);
      const list = accounts
        .map((a) => ({
          accessKey: a.accessKey ?? '',
          parentUser: a.parentUser ?? user,
          accountStatus: a.accountStatus ?? '',
          name: a.name ?? '',
          description: a.description ?? '',
          expiration: a.expiration ?? null,
        }))
        .sort((a, b) => a.accessKey.localeCompare(b.accessKey));
      return {
        json: { status: 'success', accounts: list },
        human: renderTable(
          ['ACCESSKEY', 'STATUS', 'NAME', 'EXPIRATION'],
          list.map((a) => [
            a.accessKey,
            a.accountStatus,
            a.name || '-',
            expiryShown(a.expiration ?? undefined),
          ]),
          `No service accounts for \`${user}\`.`,
        ),
      };
    },
  },
  {
    path: ['user', 'svcacct', 'info'],
    args: 'ALIAS ACCESSKEY',
    summary: 'show a service account (never its secret key)',
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, key] = ctx.args as [string, string];
      const info = await (await ctx.api(alias)).serviceAccountInfo(key);
      const policy = parsedPolicy(info);
      const implied = info.impliedPolicy === true || policy === null;
      const record = renderRecord([
        ['AccessKey', key],
        ['ParentUser', info.parentUser ?? ''],
        ['Status', info.accountStatus ?? ''],
        ['Name', info.name ?? ''],
        ['Description', info.description ?? ''],
        ['Policy', implied ? "implied (the owner's)" : 'embedded'],
        ['Expiration', expiryShown(info.expiration)],
      ]);
      return {
        json: {
          status: 'success',
          accessKey: key,
          parentUser: info.parentUser ?? '',
          accountStatus: info.accountStatus ?? '',
          name: info.name ?? '',
          description: info.description ?? '',
          impliedPolicy: implied,
          policy: implied ? null : policy,
          expiration: info.expiration ?? null,
        },
        human: implied ? record : `${record}\n${JSON.stringify(policy, null, 2)}`,
      };
    },
  },
  {
    path: ['user', 'svcacct', 'edit'],
    args: 'ALIAS ACCESSKEY',
    summary: "change a service account's secret, policy, status, name, description or expiry",
    minArgs: 2,
    maxArgs: 2,
    options: {
      ...COMMON_OPTIONS,
      status: { type: 'string', value: 'STATUS', help: 'enabled or disabled' },
    },
    async run(ctx) {
      const [alias, key] = ctx.args as [string, string];
      const update = await updateFrom(ctx.flags);
      await (await ctx.api(alias)).updateServiceAccount(key, update);
      return {
        json: { status: 'success', accessKey: key, changed: Object.keys(update) },
        human: `Edited service account \`${key}\` successfully.`,
      };
    },
  },
  statusCommand('enable'),
  statusCommand('disable'),
  {
    path: ['user', 'svcacct', 'remove'],
    args: 'ALIAS ACCESSKEY',
    summary: 'remove a service account',
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, key] = ctx.args as [string, string];
      await (await ctx.api(alias)).deleteServiceAccount(key);
      return {
        json: { status: 'success', accessKey: key },
        human: `Removed service account \`${key}\` successfully.`,
      };
    },
  },
];
