import type { UserInfo } from './admin-api.js';
import type { Command } from './command.js';
import { listCell, renderRecord, renderTable } from './table.js';

/** madmin carries a user's policies as one comma-separated string. */
export function policyNames(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function userJson(accessKey: string, info: UserInfo) {
  return {
    accessKey,
    userStatus: info.status ?? '',
    policies: policyNames(info.policyName),
    memberOf: info.memberOf ?? [],
    ...(info.updatedAt !== undefined ? { updatedAt: info.updatedAt } : {}),
  };
}

export function renderUsers(users: Record<string, UserInfo>): string {
  const rows = Object.keys(users)
    .sort()
    .map((name) => {
      const u = users[name]!;
      return [name, u.status ?? '', listCell(policyNames(u.policyName)), listCell(u.memberOf)];
    });
  return renderTable(['ACCESSKEY', 'STATUS', 'POLICIES', 'GROUPS'], rows, 'No users.');
}

function statusCommand(verb: 'enable' | 'disable'): Command {
  const status = verb === 'enable' ? 'enabled' : 'disabled';
  return {
    path: ['user', verb],
    args: 'ALIAS USER',
    summary: `${verb} a user (its service accounts follow it)`,
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, user] = ctx.args as [string, string];
      await (await ctx.api(alias)).setUserStatus(user, status);
      return {
        json: { status: 'success', accessKey: user, userStatus: status },
        human: `${verb === 'enable' ? 'Enabled' : 'Disabled'} user \`${user}\` successfully.`,
      };
    },
  };
}

export const userCommands: Command[] = [
  {
    path: ['user', 'add'],
    args: 'ALIAS ACCESSKEY SECRETKEY',
    summary: 'add a user (enabled, no policy until one is attached)',
    minArgs: 3,
    maxArgs: 3,
    notes: ['A SECRETKEY that starts with "-" goes after "--": cairn admin user add local bob -- -secret-'],
    async run(ctx) {
      const [alias, user, secret] = ctx.args as [string, string, string];
      await (await ctx.api(alias)).addUser(user, secret);
      return {
        json: { status: 'success', accessKey: user, userStatus: 'enabled' },
        human: `Added user \`${user}\` successfully.`,
      };
    },
  },
  {
    path: ['user', 'list'],
    args: 'ALIAS',
    summary: 'list users with their status, policies and groups',
    minArgs: 1,
    maxArgs: 1,
    async run(ctx) {
      const users = await (await ctx.api(ctx.args[0]!)).listUsers();
      const list = Object.keys(users)
        .sort()
        .map((name) => userJson(name, users[name]!));
      return { json: { status: 'success', users: list }, human: renderUsers(users) };
    },
  },
  {
    path: ['user', 'info'],
    args: 'ALIAS USER',
    summary: "show a user's status, policies and groups",
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, user] = ctx.args as [string, string];
      const info = await (await ctx.api(alias)).userInfo(user);
      const json = userJson(user, info);
      return {
        json: { status: 'success', ...json },
        human: renderRecord([
          ['AccessKey', json.accessKey],
          ['Status', json.userStatus],
          ['Policies', listCell(json.policies)],
          ['MemberOf', listCell(json.memberOf)],
          ['Updated', json.updatedAt],
        ]),
      };
    },
  },
  statusCommand('enable'),
  statusCommand('disable'),
  {
    path: ['user', 'remove'],
    args: 'ALIAS USER',
    summary: 'remove a user and its service accounts',
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, user] = ctx.args as [string, string];
      await (await ctx.api(alias)).removeUser(user);
      return {
        json: { status: 'success', accessKey: user },
        human: `Removed user \`${user}\` successfully.`,
      };
    },
  },
];
