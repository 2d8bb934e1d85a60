import type { Command } from './command.js';
import { listCell, renderRecord, renderTable } from './table.js';
import { policyNames } from './user-commands.js';

function statusCommand(verb: 'enable' | 'disable'): Command {
  const status = verb === 'enable' ? 'enabled' : 'disabled';
  return {
    path: ['group', verb],
    args: 'ALIAS GROUP',
    summary: `${verb} a group (a disabled group's policies stop applying to its members)`,
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, group] = ctx.args as [string, string];
      await (await ctx.api(alias)).setGroupStatus(group, status);
      return {
        json: { status: 'success', group, groupStatus: status },
        human: `${verb === 'enable' ? 'Enabled' : 'Disabled'} group \`${group}\` successfully.`,
      };
    },
  };
}

export const groupCommands: Command[] = [
  {
    path: ['group', 'add'],
    args: 'ALIAS GROUP MEMBER...',
    summary: 'add users to a group, creating it when new',
    minArgs: 3,
    async run(ctx) {
      const [alias, group, ...members] = ctx.args as [string, string, ...string[]];
      await (await ctx.api(alias)).updateGroupMembers(group, members, false);
      return {
        json: { status: 'success', group, members },
        human: `Added members ${members.map((m) => `\`${m}\``).join(', ')} to group \`${group}\` successfully.`,
      };
    },
  },
  {
    path: ['group', 'remove'],
    args: 'ALIAS GROUP [MEMBER...]',
    summary: 'remove members from a group; without members, delete the (empty) group',
    minArgs: 2,
    async run(ctx) {
      const [alias, group, ...members] = ctx.args as [string, string, ...string[]];
      await (await ctx.api(alias)).updateGroupMembers(group, members, true);
      if (members.length === 0) {
        return { json: { status: 'success', group }, human: `Removed group \`${group}\` successfully.` };
      }
      return {
        json: { status: 'success', group, members },
        human: `Removed members ${members.map((m) => `\`${m}\``).join(', ')} from group \`${group}\` successfully.`,
      };
    },
  },
  {
    path: ['group', 'list'],
    args: 'ALIAS',
    summary: 'list groups',
    minArgs: 1,
    maxArgs: 1,
    async run(ctx) {
      const groups = (await (await ctx.api(ctx.args[0]!)).listGroups()).sort();
      return {
        json: { status: 'success', groups },
        human: renderTable(
          ['GROUP'],
          groups.map((g) => [g]),
          'No groups.',
        ),
      };
    },
  },
  {
    path: ['group', 'info'],
    args: 'ALIAS GROUP',
    summary: "show a group's status, policies and members",
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, group] = ctx.args as [string, string];
      const info = await (await ctx.api(alias)).groupInfo(group);
      const json = {
        group: info.name ?? group,
        groupStatus: info.status ?? '',
        policies: policyNames(info.policy),
        members: info.members ?? [],
        ...(info.updatedAt !== undefined ? { updatedAt: info.updatedAt } : {}),
      };
      return {
        json: { status: 'success', ...json },
        human: renderRecord([
          ['Group', json.group],
          ['Status', json.groupStatus],
          ['Policies', listCell(json.policies)],
          ['Members', listCell(json.members)],
          ['Updated', json.updatedAt],
        ]),
      };
    },
  },
  statusCommand('enable'),
  statusCommand('disable'),
];
