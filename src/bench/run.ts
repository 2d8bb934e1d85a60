// `npm run bench`: the same command as `cairn bench`, with the targets spawned by the bench itself.
import { runBenchCommand } from './bench-command.js';

runBenchCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
