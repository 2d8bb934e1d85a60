import type { AdminApi } from './admin-api.js';

/** A mistake in how the command was called: printed with the command's usage, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';

  constructor(
    message: string,
    /** `cairn admin user add`, when the command was known before the mistake was found. */
    readonly commandName?: string,
  ) {
    super(message);
  }
}

/**
 * A failure the operator can act on (an unknown alias, an unreadable file, a server's refusal):
 * printed as one line, exit status 1. `code` is the server's error code when there is one.
 */
export class AdminCliError extends Error {
  override name = 'AdminCliError';

  constructor(
    message: string,
    readonly code = 'XCairnAdminError',
  ) {
    super(message);
  }
}

export type FlagValue = string | boolean | undefined;

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One line for `--help`; a string option names its value, e.g. `--user USER`. */
  help: string;
  /** Value placeholder shown in help for string options. */
  value?: string;
}

/** What a command is given once its arguments parsed. */
export interface CommandContext {
  args: string[];
  flags: Record<string, FlagValue>;
  /** The admin API of the alias named by `args[0]`. */
  api(alias: string): Promise<AdminApi>;
  /** Directory of the alias configuration file. */
  configDir: string;
  /** Prints as the command goes (streaming commands); what it returns then is not printed again. */
  out(text: string): void;
  /** Aborted when the operator interrupts (Ctrl-C): a streaming command then ends cleanly. */
  signal: AbortSignal;
}

/** A command's answer: the JSON document `--json` prints and the text printed otherwise. */
export interface CommandResult {
  json: Record<string, unknown>;
  human: string;
  /** The command printed its output itself (through `out`) as it went. */
  printed?: boolean;
}

export interface Command {
  /** Words after `cairn admin`, e.g. ['user', 'svcacct', 'add']. */
  path: string[];
  /** Positional arguments as help shows them, e.g. `ALIAS USER`. */
  args: string;
  summary: string;
  minArgs: number;
  /** Upper bound; undefined means any number (variadic members, policies). */
  maxArgs?: number;
  options?: Record<string, OptionSpec>;
  /** Lines of examples or notes shown by `--help`. */
  notes?: string[];
  run(ctx: CommandContext): Promise<CommandResult>;
}

/** A string flag's value, or undefined when absent. */
export function stringFlag(flags: Record<string, FlagValue>, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** `enabled`/`disabled` from a user's word for it; anything else is a usage error. */
export function parseStatus(value: string): 'enabled' | 'disabled' {
  if (value === 'enabled' || value === 'on' || value === 'enable') return 'enabled';
  if (value === 'disabled' || value === 'off' || value === 'disable') return 'disabled';
  throw new UsageError(`status must be enabled or disabled, not ${JSON.stringify(value)}`);
}
