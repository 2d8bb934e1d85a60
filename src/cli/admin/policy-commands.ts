import type { PolicyAssociation, PolicyTarget } from './admin-api.js';
import { type Command, type FlagValue, stringFlag, UsageError } from './command.js';
import { readPolicyFile } from './policy-file.js';
import { listCell, renderRecord, renderTable } from './table.js';

/** Exactly one of `--user` and `--group`. */
export function policyTarget(flags: Record<string, FlagValue>): PolicyTarget {
  const user = stringFlag(flags, 'user');
  const group = stringFlag(flags, 'group');
  if ((user === undefined) === (group === undefined)) {
    throw new UsageError('name exactly one of --user USER and --group GROUP');
  }
  return user !== undefined ? { user } : { group: group! };
}

const TARGET_OPTIONS = {
  user: { type: 'string', value: 'USER', help: 'the user to change' },
  group: { type: 'string', value: 'GROUP', help: 'the group to change' },
} as const;

function associationCommand(verb: 'attach' | 'detach'): Command {
  return {
    path: ['policy', verb],
    args: 'ALIAS POLICY... (--user USER | --group GROUP)',
    summary: `${verb} policies ${verb === 'attach' ? 'to' : 'from'} a user or a group`,
    minArgs: 2,
    options: TARGET_OPTIONS,
    notes: [`Example: cairn admin policy ${verb} local photos-rw readonly --user alice`],
    async run(ctx) {
      const [alias, ...policies] = ctx.args as [string, ...string[]];
      const target = policyTarget(ctx.flags);
      const api = await ctx.api(alias);
      const out: PolicyAssociation =
        verb === 'attach'
          ? await api.attachPolicies(policies, target)
          : await api.detachPolicies(policies, target);
      const changed = (verb === 'attach' ? out.policiesAttached : out.policiesDetached) ?? policies;
      const who = 'user' in target ? `user \`${target.user}\`` : `group \`${target.group}\``;
      return {
        json: {
          status: 'success',
          ...(verb === 'attach' ? { attached: changed } : { detached: changed }),
          ...target,
        },
        human: `${verb === 'attach' ? 'Attached' : 'Detached'} ${listCell(changed)} ${verb === 'attach' ? 'to' : 'from'} ${who}.`,
      };
    },
  };
}

export const policyCommands: Command[] = [
  {
    path: ['policy', 'create'],
    args: 'ALIAS NAME FILE',
    summary: 'create or replace a policy from a JSON policy document',
    minArgs: 3,
    maxArgs: 3,
    async run(ctx) {
      const [alias, name, file] = ctx.args as [string, string, string];
      const policy = await readPolicyFile(file);
      await (await ctx.api(alias)).addPolicy(name, policy.bytes);
      return { json: { status: 'success', policy: name }, human: `Created policy \`${name}\` successfully.` };
    },
  },
  {
    path: ['policy', 'list'],
    args: 'ALIAS',
    summary: 'list policies, built-in ones included',
    minArgs: 1,
    maxArgs: 1,
    async run(ctx) {
      const names = Object.keys(await (await ctx.api(ctx.args[0]!)).listPolicies()).sort();
      return {
        json: { status: 'success', policies: names },
        human: renderTable(
          ['POLICY'],
          names.map((n) => [n]),
          'No policies.',
        ),
      };
    },
  },
  {
    path: ['policy', 'info'],
    args: 'ALIAS NAME',
    summary: 'show a policy document',
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, name] = ctx.args as [string, string];
      const info = await (await ctx.api(alias)).policyInfo(name);
      const header = renderRecord([
        ['Policy', info.PolicyName ?? name],
        ['Created', info.CreateDate],
        ['Updated', info.UpdateDate],
      ]);
      return {
        json: { status: 'success', policy: info.PolicyName ?? name, policyInfo: info },
        human: `${header}\n${JSON.stringify(info.Policy ?? null, null, 2)}`,
      };
    },
  },
  associationCommand('attach'),
  associationCommand('detach'),
  {
    path: ['policy', 'remove'],
    args: 'ALIAS NAME',
    summary: 'remove a policy',
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [alias, name] = ctx.args as [string, string];
      await (await ctx.api(alias)).removePolicy(name);
      return { json: { status: 'success', policy: name }, human: `Removed policy \`${name}\` successfully.` };
    },
  },
];
