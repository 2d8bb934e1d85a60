/** `cairn admin config get|set`: the server's dynamic settings (capacity, drive reserve, …). */
import type { ConfigSetting } from './admin-api.js';
import { type Command, UsageError } from './command.js';
import { renderTable } from './table.js';

/** Where the value in effect comes from, in words. */
function sourceText(s: ConfigSetting): string {
  if (s.source === 'stored') return 'config set';
  if (s.source === 'default') return 'default';
  return s.origin ? `${s.source} ${s.origin}` : s.source;
}

function render(settings: readonly ConfigSetting[]): string {
  const table = renderTable(
    ['KEY', 'VALUE', 'FROM', 'DEFAULT'],
    settings.map((s) => [s.key, s.value === '' ? '(none)' : s.value, sourceText(s), s.default || '(none)']),
    'No dynamic settings.',
  );
  // As MinIO says of env overrides: the stored value waits behind the flag, environment or file.
  const pinned = settings
    .filter((s) => s.stored !== undefined && s.source !== 'stored' && s.source !== 'default')
    .map(
      (s) => `${s.key}: stored ${s.stored} is overridden by ${s.origin ?? s.source} until that is removed`,
    );
  return [table, ...pinned].join('\n');
}

/** `KEY=VALUE` words into changes; anything else is a usage error. */
export function parseAssignments(words: readonly string[], command: string): Record<string, string> {
  const changes: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected KEY=VALUE, not ${JSON.stringify(word)}`, command);
    changes[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return changes;
}

export const configCommands: Command[] = [
  {
    path: ['config', 'get'],
    args: 'ALIAS [KEY]',
    summary: 'show the dynamic settings: value in effect, where it comes from, default',
    minArgs: 1,
    maxArgs: 2,
    async run(ctx) {
      const settings = await (await ctx.api(ctx.args[0]!)).getConfig(ctx.args[1]);
      return { json: { status: 'success', settings }, human: render(settings) };
    },
  },
  {
    path: ['config', 'set'],
    args: 'ALIAS KEY=VALUE...',
    summary: 'change dynamic settings at once and keep them across restarts',
    minArgs: 2,
    notes: [
      'cairn admin config set local capacity=500GiB',
      'cairn admin config set local drive_reserve=2%',
      'cairn admin config set local capacity=     (back to the default)',
      'A value given by flag, environment or config file stays in effect (as MinIO env overrides).',
    ],
    async run(ctx) {
      const changes = parseAssignments(ctx.args.slice(1), 'cairn admin config set');
      const settings = await (await ctx.api(ctx.args[0]!)).setConfig(changes);
      return { json: { status: 'success', settings }, human: render(settings) };
    },
  },
];
