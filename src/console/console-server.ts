/**
 * The console's own listener (MinIO's `--console-address`): the single-page app's files at `/`
 * and its backend at `/api/`. It shares the API server's machinery (request ids, graceful close,
 * completion events) but none of its mounts: everything the console does reaches the S3 and admin
 * APIs as a signed client request.
 */
import { ApiServer } from '../api/server.js';
import type { IdentityStore } from '../iam/authorizer.js';
import type { TemporaryCredentials } from '../iam/sts/temporary-credentials.js';
import type { Logger } from '../util/logger.js';
import type { ApiTarget } from './api-forward.js';
import { consoleApiMount } from './console-api.js';
import { loadConsoleFiles, staticMount } from './static-files.js';

export interface ConsoleServerOptions {
  /** The built single-page app (dist/console/). */
  filesDir: string;
  identities: IdentityStore;
  sessions: TemporaryCredentials;
  api: () => ApiTarget;
  log: Logger;
}

export function createConsoleServer(opts: ConsoleServerOptions): ApiServer {
  const files = loadConsoleFiles(opts.filesDir);
  if (files === undefined)
    opts.log.warn(`console files not found in ${opts.filesDir}: the console answers 503`);
  return new ApiServer({
    log: opts.log,
    mounts: [
      consoleApiMount({ identities: opts.identities, sessions: opts.sessions, api: opts.api }),
      staticMount(files),
    ],
  });
}
