import { parseArgs } from 'node:util';
import { type Command, type FlagValue, type OptionSpec, UsageError } from './command.js';

/** Options every admin command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', help: 'print one JSON document instead of text' },
  help: { type: 'boolean', help: 'show this help' },
};

export type Resolved =
  | { kind: 'command'; command: Command; name: string; args: string[]; flags: Record<string, FlagValue> }
  | { kind: 'help'; prefix: string[]; command?: Command; exitCode: 0 | 2; error?: string };

function isHelp(word: string): boolean {
  return word === '--help' || word === '-h' || word === 'help';
}

/**
 * Finds the command named by the leading words of `argv` and parses the rest against its options.
 * Help requests (and an incomplete command, such as `user`) resolve to help for what was named.
 * Throws UsageError for unknown options, a missing option value and a wrong number of arguments.
 */
export function resolveCommand(commands: readonly Command[], argv: readonly string[]): Resolved {
  const prefix: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    const next = [...prefix, word];
    if (!commands.some((c) => startsWith(c.path, next))) break;
    prefix.push(word);
    if (commands.some((c) => c.path.length === next.length && startsWith(c.path, next))) {
      i++;
      break;
    }
  }
  const command = commands.find((c) => c.path.length === prefix.length && startsWith(c.path, prefix));
  const rest = argv.slice(i);
  if (command === undefined) {
    const word = rest[0];
    if (word === undefined || isHelp(word))
      return { kind: 'help', prefix, exitCode: word === undefined ? 2 : 0 };
    const named = ['cairn admin', ...prefix, word].join(' ');
    return { kind: 'help', prefix, exitCode: 2, error: `unknown command \`${named}\`` };
  }
  const name = ['cairn admin', ...command.path].join(' ');
  const end = rest.indexOf('--');
  const optionWords = end < 0 ? rest : rest.slice(0, end);
  if (optionWords.includes('--help') || optionWords.includes('-h')) {
    return { kind: 'help', prefix, command, exitCode: 0 };
  }
  const specs = { ...(command.options ?? {}), ...COMMON_OPTIONS };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: Object.fromEntries(Object.entries(specs).map(([name, s]) => [name, { type: s.type }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(parseArgsMessage(err), name);
  }
  const args = parsed.positionals;
  const tooFew = args.length < command.minArgs;
  const tooMany = command.maxArgs !== undefined && args.length > command.maxArgs;
  if (tooFew || tooMany) {
    throw new UsageError(
      `expected ${command.args === '' ? 'no arguments' : command.args}, got ${args.length} argument${args.length === 1 ? '' : 's'}`,
      name,
    );
  }
  const flags = parsed.values as Record<string, FlagValue>;
  for (const [option, value] of Object.entries(flags)) {
    // parseArgs keeps only the last of a repeated option; a repeated --user is a mistake, not a choice.
    if (Array.isArray(value)) throw new UsageError(`--${option} given more than once`, name);
  }
  return { kind: 'command', command, name, args, flags };
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((w, i) => path[i] === w);
}

/** node:util's messages end with advice about `--`; keep its first sentence and our own advice. */
function parseArgsMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(e.message)?.[1] ?? 'option';
    return `unknown option ${option} (an argument that starts with "-" goes after "--")`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(--?[\w-]+)/.exec(e.message)?.[1] ?? 'an option';
    return `${option} needs a value`;
  }
  return e.message;
}

/** `--help` for one command, or the list of commands under `prefix`. */
export function helpText(commands: readonly Command[], prefix: readonly string[], command?: Command): string {
  if (command !== undefined) {
    const specs = { ...(command.options ?? {}), ...COMMON_OPTIONS };
    const optionCells = Object.entries(specs).map(([name, s]) => [
      `${name === 'help' ? '-h, ' : ''}--${name}${s.value !== undefined ? ` ${s.value}` : ''}`,
      s.help,
    ]);
    const width = Math.max(...optionCells.map(([o]) => o!.length));
    return [
      `Usage: cairn admin ${command.path.join(' ')} ${command.args}${command.args === '' ? '' : ' '}[options]`,
      '',
      `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
      '',
      'Options:',
      ...optionCells.map(([o, h]) => `  ${o!.padEnd(width)}  ${h}`),
      ...(command.notes !== undefined ? ['', ...command.notes] : []),
    ].join('\n');
  }
  const listed = commands.filter((c) => startsWith(c.path, prefix));
  const cells = listed.map((c) => [`${c.path.join(' ')} ${c.args}`.trimEnd(), c.summary]);
  const width = Math.max(...cells.map(([u]) => u!.length));
  const head = prefix.length === 0 ? 'cairn admin COMMAND' : `cairn admin ${prefix.join(' ')} COMMAND`;
  return [
    `Usage: ${head} [ARGS...] [--json]`,
    '',
    'Administer a Cairn (or MinIO) server: aliases, users, groups, policies, service accounts.',
    'ALIAS names a server saved with `cairn admin alias set`.',
    '',
    'Commands:',
    ...cells.map(([u, s]) => `  ${u!.padEnd(width)}  ${s}`),
    '',
    `Run \`cairn admin ${prefix.length === 0 ? 'COMMAND' : `${prefix.join(' ')} COMMAND`} --help\` for a command's options.`,
  ].join('\n');
}
