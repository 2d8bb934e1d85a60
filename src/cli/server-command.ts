import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminMount } from '../api/admin/admin-handler.js';
import { AuditLog } from '../api/audit/audit-log.js';
import { healthMount } from '../api/health/health.js';
import { MetricsEndpoints } from '../api/metrics/metrics-endpoints.js';
import { metricsMount } from '../api/metrics/metrics-handler.js';
import { RequestStats } from '../api/metrics/request-stats.js';
import { logRequests } from '../api/request-log.js';
import { ownerFor, s3Mount } from '../api/s3/s3-handler.js';
import { ApiServer } from '../api/server.js';
import { TraceHub } from '../api/trace/trace-hub.js';
import { createConsoleServer } from '../console/console-server.js';
import { IamAuthorizer } from '../iam/iam-authorizer.js';
import { IamStore } from '../iam/iam-store.js';
import { publicAccessBlockOf } from '../iam/public-access-block.js';
import { resolveRootCredentials } from '../iam/root-credentials.js';
import { sessionAuthorizer } from '../iam/sts/session-authorizer.js';
import { TemporaryCredentials } from '../iam/sts/temporary-credentials.js';
import { openObjectLayer } from '../object/erasure-object-layer.js';
import { BandwidthLimiter } from '../util/bandwidth-limiter.js';
import { createLogger } from '../util/pino-logger.js';
import { RuntimeSettings } from '../util/runtime-settings.js';
import { bandwidthType } from '../util/setting-types.js';
import { parseServerConfig, scannerSettingsAt } from './server-config.js';
import {
  BANDWIDTH_IN,
  BANDWIDTH_OUT,
  CAPACITY,
  DRIVE_RESERVE,
  PROMETHEUS_AUTH_TYPE,
  ROOT_PASSWORD,
  ROOT_USER,
  SCANNER_SPEED,
  SERVER_SETTINGS,
} from './server-settings.js';
import { cairnVersion } from './version.js';

/** How long SIGTERM waits for in-flight requests before closing their sockets. */
const SHUTDOWN_GRACE_MS = 30_000;

/** `cairn server`: wires configuration, storage, the S3 front and the listener together. */
export async function runServerCommand(args: string[]): Promise<void> {
  const config = parseServerConfig(args, process.env);
  const logger = createLogger({ level: config.logLevel });
  const log = (msg: string) => logger.info(msg);
  for (const notice of config.notices) log(notice);
  const rootUser = config.settings.get(ROOT_USER);
  const rootPassword = config.settings.get(ROOT_PASSWORD);
  const credentials = await resolveRootCredentials(
    {
      ...(rootUser === '' ? {} : { CAIRN_ROOT_USER: rootUser }),
      ...(rootPassword === '' ? {} : { CAIRN_ROOT_PASSWORD: rootPassword }),
    },
    config.drives.map((d) => join(d, '.cairn.sys', 'root-credentials.json')),
  );
  const startedAt = new Date();
  const objects = await openObjectLayer({
    drives: config.drives,
    parity: config.parity,
    logger,
    scanner: config.scanner,
  });
  // Dynamic settings: what flags, environment and file gave, else what `admin config set` stored.
  const runtime = await RuntimeSettings.open(
    SERVER_SETTINGS,
    (spec) => config.settings.resolved(spec),
    objects,
    log,
  );
  runtime.onChange(CAPACITY, (capacity) => objects.setWriteLimits({ capacity }));
  runtime.onChange(DRIVE_RESERVE, (driveReserve) => objects.setWriteLimits({ driveReserve }));
  runtime.onChange(SCANNER_SPEED, (speed) =>
    objects.setScannerSettings(scannerSettingsAt(config.settings, speed)),
  );
  // Users, groups, policies and service accounts, read from the drives once; served from memory.
  const iam = await IamStore.open(objects, credentials);
  const authorizer = new IamAuthorizer(
    iam,
    (bucket) => objects.getBucketConfig(bucket, 'policy'),
    (msg) => logger.warn(msg),
    (bucket) => publicAccessBlockOf(objects, bucket),
  );
  // Keyed by the root credentials: tokens stay valid across restarts and on every node. One
  // instance for S3, admin and the console, so a console logout ends the session everywhere.
  const sessions = new TemporaryCredentials(credentials, iam);
  const version = cairnVersion();
  let endpoint = '';
  let ready = false;
  const requestStats = new RequestStats();
  // Shared by all connections; `setRate` changes them at run time (admin config).
  const bandwidth = { in: new BandwidthLimiter(0), out: new BandwidthLimiter(0) };
  runtime.onChange(BANDWIDTH_IN, (rate) => bandwidth.in.setRate(rate));
  runtime.onChange(BANDWIDTH_OUT, (rate) => bandwidth.out.setRate(rate));
  const server = new ApiServer({
    log: logger,
    bandwidth,
    mounts: [
      healthMount(() => ready),
      metricsMount({
        endpoints: new MetricsEndpoints({ stats: requestStats, objects, version }),
        authType: config.settings.get(PROMETHEUS_AUTH_TYPE),
        identities: iam,
        allows: (request) => authorizer.allowsIdentity(request),
        // MinIO labels every sample with its node name, host:port.
        server: () => endpoint.replace(/^https?:\/\//, ''),
      }),
      adminMount({
        iam,
        authorizer,
        objects,
        region: config.region,
        version,
        startedAt,
        endpoint: () => endpoint,
        sessions,
        get trace() {
          return trace;
        },
        settings: runtime,
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
          sessions,
          region: config.region,
          enforceRegion: config.enforceRegion,
        },
      }),
    ],
  });
  // Named by the address clients reach it at (known once listening), as MinIO names its node.
  const trace = new TraceHub(server, () => endpoint.replace(/^https?:\/\//, ''));
  logRequests(server, logger);
  const audit =
    config.audit === undefined
      ? undefined
      : await AuditLog.start(server, config.audit, {
          deploymentId: (await objects.storageInfo()).deploymentId,
          version,
          log: logger,
        });
  requestStats.attach(server);
  const { port } = await server.listen(config.port, config.host);
  ready = true;
  const shownHost = loopbackFor(config.host);
  endpoint = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  // The console reaches the API as a client does, over loopback when the API listens everywhere.
  const consoleServer =
    config.console === undefined
      ? undefined
      : createConsoleServer({
          // dist/src/cli/ → dist/console/, where `npm run build` puts the single-page app.
          filesDir: fileURLToPath(new URL('../../console/', import.meta.url)),
          identities: iam,
          sessions,
          api: () => ({ host: shownHost, port, region: config.region }),
          log: logger.child({ listener: 'console' }),
        });
  let consoleUrl = '';
  if (consoleServer !== undefined && config.console !== undefined) {
    const listening = await consoleServer.listen(config.console.port, config.console.host);
    const consoleHost = loopbackFor(config.console.host);
    consoleUrl = `http://${consoleHost.includes(':') ? `[${consoleHost}]` : consoleHost}:${listening.port}`;
  }
  process.stdout.write(
    [
      `Cairn is serving ${config.drives.length} drive(s): ${config.drives.join(', ')}`,
      `API: ${endpoint}`,
      ...(bandwidth.in.bytesPerSecond > 0 || bandwidth.out.bytesPerSecond > 0
        ? [
            `Bandwidth: in ${bandwidthType.format(bandwidth.in.bytesPerSecond) || 'unlimited'}, out ${bandwidthType.format(bandwidth.out.bytesPerSecond) || 'unlimited'} (S3 requests)`,
          ]
        : []),
      ...(consoleUrl === '' ? [] : [`Console: ${consoleUrl}`]),
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
    trace.close();
    Promise.all([server.close(SHUTDOWN_GRACE_MS), consoleServer?.close(SHUTDOWN_GRACE_MS)])
      .then(() => audit?.close())
      .then(() => objects.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error('closing storage failed', { err });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** The address to show and to reach a listener at: loopback when it listens on every interface. */
function loopbackFor(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
