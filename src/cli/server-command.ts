import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminMount } from '../api/admin/admin-handler.js';
import { healthMount } from '../api/health/health.js';
import { ownerFor, s3Mount } from '../api/s3/s3-handler.js';
import { ApiServer } from '../api/server.js';
import { IamAuthorizer } from '../iam/iam-authorizer.js';
import { IamStore } from '../iam/iam-store.js';
import { publicAccessBlockOf } from '../iam/public-access-block.js';
import { resolveRootCredentials } from '../iam/root-credentials.js';
import { sessionAuthorizer } from '../iam/sts/session-authorizer.js';
import { TemporaryCredentials } from '../iam/sts/temporary-credentials.js';
import { openObjectLayer } from '../object/erasure-object-layer.js';
import { BandwidthLimiter } from '../util/bandwidth-limiter.js';
import { lineLogger } from '../util/logger.js';
import { parseServerConfig } from './server-config.js';

/** How long SIGTERM waits for in-flight requests before closing their sockets. */
const SHUTDOWN_GRACE_MS = 30_000;

/** `cairn server`: wires configuration, storage, the S3 front and the listener together. */
export async function runServerCommand(args: string[]): Promise<void> {
  const config = parseServerConfig(args, process.env);
  const logger = lineLogger();
  const log = (msg: string) => logger.info(msg);
  const credentials = await resolveRootCredentials(
    process.env,
    config.drives.map((d) => join(d, '.cairn.sys', 'root-credentials.json')),
  );
  const startedAt = new Date();
  const objects = await openObjectLayer({ drives: config.drives, parity: config.parity, logger: log });
  // Users, groups, policies and service accounts, read from the drives once; served from memory.
  const iam = await IamStore.open(objects, credentials);
  const authorizer = new IamAuthorizer(
    iam,
    (bucket) => objects.getBucketConfig(bucket, 'policy'),
    log,
    (bucket) => publicAccessBlockOf(objects, bucket),
  );
  const version = (
    JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  let endpoint = '';
  let ready = false;
  // Shared by all connections; `setRate` changes them at run time (admin config).
  const bandwidth = {
    in: new BandwidthLimiter(config.bandwidthIn),
    out: new BandwidthLimiter(config.bandwidthOut),
  };
  const server = new ApiServer({
    log: logger,
    bandwidth,
    mounts: [
      healthMount(() => ready),
      adminMount({
        iam,
        authorizer,
        objects,
        region: config.region,
        version,
        startedAt,
        endpoint: () => endpoint,
      }),
      s3Mount({
        objects,
        identities: iam,
        // Temporary credentials act as their parent, within their session policy.
        authorizer: sessionAuthorizer(authorizer),
        owner: ownerFor(credentials.accessKey),
        domains: config.domains,
        region: config.region,
        enforceRegion: config.enforceRegion,
        sts: {
          identities: iam,
          // Keyed by the root credentials: tokens stay valid across restarts and on every node.
          sessions: new TemporaryCredentials(credentials, iam),
          region: config.region,
          enforceRegion: config.enforceRegion,
        },
      }),
    ],
  });
  const { port } = await server.listen(config.port, config.host);
  ready = true;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  endpoint = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  process.stdout.write(
    [
      `Cairn is serving ${config.drives.length} drive(s): ${config.drives.join(', ')}`,
      `API: ${endpoint}`,
      ...(config.bandwidthIn > 0 || config.bandwidthOut > 0
        ? [
            `Bandwidth: in ${rateText(config.bandwidthIn)}, out ${rateText(config.bandwidthOut)} (S3 requests)`,
          ]
        : []),
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
    server
      .close(SHUTDOWN_GRACE_MS)
      .then(() => objects.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error(`closing storage failed: ${String(err)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function rateText(bytesPerSecond: number): string {
  if (bytesPerSecond === 0) return 'unlimited';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytesPerSecond;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${Number(value.toFixed(2))}${units[i]}/s`;
}
