import { AdminApi } from './admin-api.js';
import { AdminClient } from './admin-client.js';
import { aliasCommands } from './alias-commands.js';
import { configDir, findAlias, loadConfig } from './alias-config.js';
import { AdminCliError, type Command, type CommandResult, UsageError } from './command.js';
import { configCommands } from './config-commands.js';
import { groupCommands } from './group-commands.js';
import { healCommands } from './heal-commands.js';
import { infoCommand } from './info-command.js';
import { helpText, resolveCommand } from './parse.js';
import { policyCommands } from './policy-commands.js';
import { prometheusGenerateCommand } from './prometheus-commands.js';
import { svcacctCommands } from './svcacct-commands.js';
import { traceCommand } from './trace-command.js';
import { userCommands } from './user-commands.js';

/** Every `cairn admin` command, in the order help lists them. */
export const ADMIN_COMMANDS: readonly Command[] = [
  ...aliasCommands,
  ...userCommands,
  ...svcacctCommands,
  ...groupCommands,
  ...policyCommands,
  infoCommand,
  traceCommand,
  ...healCommands,
  prometheusGenerateCommand,
  ...configCommands,
];

export interface AdminIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
}

const processIo: AdminIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
};

/**
 * `cairn admin …`: resolves the command, runs it and prints its result (text, or one JSON document
 * with --json). Returns the exit status: 0 done, 1 refused or failed, 2 called wrongly.
 */
export async function runAdminCommand(argv: string[], io: AdminIo = processIo): Promise<number> {
  const json = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : undefined).includes('--json');
  let name = 'cairn admin';
  try {
    const resolved = resolveCommand(ADMIN_COMMANDS, argv);
    if (resolved.kind === 'help') {
      if (resolved.error !== undefined) {
        io.stderr(`cairn admin: ${resolved.error} (see \`cairn admin --help\`)\n`);
        return 2;
      }
      const text = helpText(ADMIN_COMMANDS, resolved.prefix, resolved.command);
      (resolved.exitCode === 0 ? io.stdout : io.stderr)(`${text}\n`);
      return resolved.exitCode;
    }
    name = resolved.name;
    const dir = configDir(io.env);
    const interrupt = new AbortController();
    const onInterrupt = () => interrupt.abort();
    process.once('SIGINT', onInterrupt);
    let result: CommandResult;
    try {
      result = await resolved.command.run({
        args: resolved.args,
        flags: resolved.flags,
        configDir: dir,
        api: async (alias) => new AdminApi(new AdminClient(findAlias(await loadConfig(dir), alias))),
        out: io.stdout,
        signal: interrupt.signal,
      });
    } finally {
      process.off('SIGINT', onInterrupt);
    }
    if (!result.printed) io.stdout(json ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.human}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof AdminCliError) && !(err instanceof UsageError)) throw err;
    const usage = err instanceof UsageError;
    if (usage && err.commandName !== undefined) name = err.commandName;
    const message = usage ? `${err.message} (see \`${name} --help\`)` : err.message;
    if (json) {
      const code = usage ? 'XCairnUsage' : (err as AdminCliError).code;
      io.stderr(`${JSON.stringify({ status: 'error', error: { code, message } })}\n`);
    } else {
      io.stderr(`${name}: ${message}\n`);
    }
    return usage ? 2 : 1;
  }
}
