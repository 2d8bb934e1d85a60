import { EllipsisError } from '../cluster/ellipsis.js';
import { CredentialsError } from '../iam/root-credentials.js';
import { SettingError } from '../util/settings.js';
import { runServerCommand } from './server-command.js';
import { ConfigError, SERVER_USAGE } from './server-config.js';
import { cairnVersion } from './version.js';

const USAGE = `Usage: cairn <command> [options]

Commands:
  server    serve S3 from local drives
  bench     benchmark an S3 endpoint
  admin     administer a server: aliases, users, groups, policies, service accounts (see cairn admin --help)

Run \`cairn server --help\` for the server's options and settings.`;

/** A setting the operator got wrong: exit status 2, like any command called wrongly. */
function isSettingError(err: unknown): boolean {
  return err instanceof ConfigError || err instanceof SettingError || err instanceof EllipsisError;
}

/** Errors whose message is the whole story for the operator: print it, no stack. */
function isOperatorError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  if (isSettingError(err) || err instanceof CredentialsError) return true;
  if (err.name === 'StorageConfigError') return true;
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL';
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'server') {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${SERVER_USAGE}\n`);
      return 0;
    }
    await runServerCommand(rest);
    return -1; // keeps running until a signal
  }
  if (command === 'bench') {
    const { runBenchCommand } = await import('../bench/bench-command.js');
    return runBenchCommand(rest);
  }
  if (command === 'admin') {
    const { runAdminCommand } = await import('./admin/admin-command.js');
    return runAdminCommand(rest);
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`cairn ${cairnVersion()}\n`);
    return 0;
  }
  process.stdout.write(`${USAGE}\n`);
  return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (isOperatorError(err)) {
      const code = (err as NodeJS.ErrnoException).code;
      const hint = code === 'EADDRINUSE' ? ' (the port is in use: pick another with --address)' : '';
      process.stderr.write(`cairn: ${err.message}${hint}\n`);
    } else {
      process.stderr.write(
        `cairn: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
    process.exit(isSettingError(err) ? 2 : 1);
  },
);
