import { join } from 'node:path';
import { createHttpServer } from '../api/http-server.js';
import { createS3Handler } from '../api/s3/s3-handler.js';
import { resolveRootCredentials } from '../iam/root-credentials.js';
import { openObjectLayer } from '../object/erasure-object-layer.js';
import { parseServerConfig } from './server-config.js';

/** How long SIGTERM waits for in-flight requests before closing their sockets. */
const SHUTDOWN_GRACE_MS = 30_000;

/** `cairn server`: wires configuration, storage, the S3 front and the listener together. */
export async function runServerCommand(args: string[]): Promise<void> {
  const config = parseServerConfig(args, process.env);
  const log = (msg: string) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`);
  const credentials = await resolveRootCredentials(
    process.env,
    config.drives.map((d) => join(d, '.cairn.sys', 'root-credentials.json')),
  );
  const objects = await openObjectLayer({ drives: config.drives, parity: config.parity, logger: log });
  let ready = false;
  const server = createHttpServer({
    s3: createS3Handler({
      objects,
      credentials,
      domains: config.domains,
      region: config.region,
      enforceRegion: config.enforceRegion,
      log,
    }),
    isReady: () => ready,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  ready = true;
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const endpoint = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  process.stdout.write(
    [
      `Cairn is serving ${config.drives.length} drive(s): ${config.drives.join(', ')}`,
      `API: ${endpoint}`,
      `RootUser: ${credentials.accessKey}`,
      credentials.source === 'environment'
        ? 'RootPass: (from the environment)'
        : `RootPass: ${credentials.secretKey}   (${credentials.source === 'generated' ? 'generated and ' : ''}stored in ${credentials.storedIn.join(', ')})`,
      `Try: AWS_ACCESS_KEY_ID=${credentials.accessKey} AWS_SECRET_ACCESS_KEY=... aws --endpoint-url ${endpoint} s3 ls`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    ready = false;
    log(`${signal}: finishing in-flight requests`);
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      objects.close().then(
        () => process.exit(0),
        (err: unknown) => {
          log(`closing storage failed: ${String(err)}`);
          process.exit(1);
        },
      );
    });
    // Idle keep-alive sockets would hold close() open; busy ones finish their request first.
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
