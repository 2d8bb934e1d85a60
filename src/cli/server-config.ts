import { resolve } from 'node:path';
import { expandEllipses } from '../cluster/ellipsis.js';
import {
  parseScannerSettings,
  type ScannerSettings,
  ScannerSettingsError,
} from '../object/scanner-settings.js';
import { LOG_LEVELS, type LogLevel } from '../util/logger.js';

export interface ServerConfig {
  host: string;
  port: number;
  drives: string[];
  parity: number | undefined;
  domains: string[];
  region: string;
  /** True when the operator named the region: requests signed for another one are refused. */
  enforceRegion: boolean;
  /** The least severe log level written (`--log-level`, CAIRN_LOG_LEVEL; default info). */
  logLevel: LogLevel;
  /** The scanner's pace and scrub cadence. */
  scanner: ScannerSettings;
  /** The web console's listener (`--console-address`, CAIRN_CONSOLE_ADDRESS); absent: no console. */
  console?: { host: string; port: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const SERVER_USAGE = `Usage: cairn server [--address HOST:PORT] [--console-address HOST:PORT] [--domain DOMAIN] DRIVE...

  DRIVE         a directory; MinIO ellipses expand: /srv/disk{1...4}
  --address     listen address (default :9000, all interfaces)
  --console-address  serve the web console here (also CAIRN_CONSOLE_ADDRESS; off unless given;
                CAIRN_BROWSER=off or MINIO_BROWSER=off turns it off)
  --domain      domain for virtual-host-style requests (also CAIRN_DOMAIN, comma-separated)
  --log-level   debug, info, warn, error or silent (also CAIRN_LOG_LEVEL; default info);
                debug adds one line per request

Environment:
  CAIRN_ROOT_USER, CAIRN_ROOT_PASSWORD   root credentials (MINIO_ROOT_* accepted too);
                                         generated and stored on first start when unset
  CAIRN_STORAGE_CLASS_STANDARD=EC:N      parity drives per erasure set
  CAIRN_REGION                           region reported to clients (default us-east-1)
  CAIRN_AUDIT_WEBHOOK_ENABLE=on          send an audit entry per request to a webhook (MINIO_AUDIT_WEBHOOK_* too):
  CAIRN_AUDIT_WEBHOOK_ENDPOINT             its URL;  ..._AUTH_TOKEN  the Authorization header value
  CAIRN_AUDIT_WEBHOOK_QUEUE_DIR            undelivered entries kept on disk here until the target answers 2xx
  CAIRN_AUDIT_WEBHOOK_QUEUE_SIZE           at most this many undelivered entries (default 100000)
  CAIRN_AUDIT_WEBHOOK_BATCH_SIZE           entries per POST (default 1)
  CAIRN_SCANNER_SPEED                    fastest, fast, default, slow or slowest: the background
                                         scanner's share of the machine (MINIO_SCANNER_SPEED too)
  CAIRN_SCANNER_OBJECTS_PER_SEC=N        at most N objects scanned per second (default: no bound)
  CAIRN_SCANNER_CYCLE=DURATION           pause between scanner passes (default by speed, 1m)
  CAIRN_SCRUB_INTERVAL=DURATION|on|off   how often every shard's bitrot hash is verified
                                         (default 30d; on: every pass; MINIO_HEAL_BITROTSCAN too)`;
/** Turns `cairn server` arguments and environment into a checked configuration. */
export function parseServerConfig(args: string[], env: NodeJS.ProcessEnv): ServerConfig {
  let address = ':9000';
  let consoleAddress = env.CAIRN_CONSOLE_ADDRESS;
  let logLevel = env.CAIRN_LOG_LEVEL ?? 'info';
  const domains = (env.CAIRN_DOMAIN ?? env.MINIO_DOMAIN ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  const patterns: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--address' || arg === '--domain' || arg === '--log-level' || arg === '--console-address') {
      const value = args[++i];
      if (value === undefined) throw new ConfigError(`${arg} needs a value`);
      if (arg === '--address') address = value;
      else if (arg === '--console-address') consoleAddress = value;
      else if (arg === '--log-level') logLevel = value;
      else domains.push(value.toLowerCase());
    } else if (arg.startsWith('--address=')) {
      address = arg.slice('--address='.length);
    } else if (arg.startsWith('--console-address=')) {
      consoleAddress = arg.slice('--console-address='.length);
    } else if (arg.startsWith('--log-level=')) {
      logLevel = arg.slice('--log-level='.length);
    } else if (arg.startsWith('-')) {
      throw new ConfigError(`unknown option ${arg}`);
    } else {
      patterns.push(arg);
    }
  }
  if (patterns.length === 0) throw new ConfigError('name at least one drive directory');
  const { host, port } = parseAddress(address);
  const drives = patterns.flatMap((p) => expandEllipses(p));
  if (drives.some((d) => /^https?:\/\//.test(d))) {
    throw new ConfigError(
      'distributed mode (http:// drive endpoints) is not implemented yet; give local directories',
    );
  }
  const absolute = drives.map((d) => resolve(d));
  const seen = new Set<string>();
  for (const d of absolute) {
    if (seen.has(d)) throw new ConfigError(`drive ${d} is given twice`);
    seen.add(d);
  }
  if (absolute.length > 16)
    throw new ConfigError(`${absolute.length} drives: one erasure set holds at most 16`);
  const browser = (env.CAIRN_BROWSER ?? env.MINIO_BROWSER ?? 'on').trim().toLowerCase();
  if (browser !== 'on' && browser !== 'off')
    throw new ConfigError(`CAIRN_BROWSER=${browser}: expected on or off`);
  const consoleListener =
    browser === 'off' || consoleAddress === undefined || consoleAddress === ''
      ? undefined
      : parseAddress(consoleAddress, '--console-address');
  return {
    ...(consoleListener === undefined ? {} : { console: consoleListener }),
    host,
    port,
    drives: absolute,
    parity: parseStorageClass(
      env.CAIRN_STORAGE_CLASS_STANDARD ?? env.MINIO_STORAGE_CLASS_STANDARD,
      absolute.length,
    ),
    domains,
    region: env.CAIRN_REGION ?? env.MINIO_REGION ?? 'us-east-1',
    enforceRegion: Boolean(env.CAIRN_REGION ?? env.MINIO_REGION),
    logLevel: parseLogLevel(logLevel),
    scanner: scannerSettings(env),
  };
}

function parseLogLevel(value: string): LogLevel {
  const level = value.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new ConfigError(`log level ${value}: expected one of ${LOG_LEVELS.join(', ')}`);
  return level as LogLevel;
}

function scannerSettings(env: NodeJS.ProcessEnv): ScannerSettings {
  try {
    return parseScannerSettings({
      speed: env.CAIRN_SCANNER_SPEED ?? env.MINIO_SCANNER_SPEED,
      objectsPerSec: env.CAIRN_SCANNER_OBJECTS_PER_SEC,
      cycle: env.CAIRN_SCANNER_CYCLE ?? env.MINIO_SCANNER_CYCLE,
      scrubInterval: env.CAIRN_SCRUB_INTERVAL,
      bitrotScan: env.MINIO_HEAL_BITROTSCAN,
    });
  } catch (err) {
    if (err instanceof ScannerSettingsError) throw new ConfigError(err.message);
    throw err;
  }
}

function parseAddress(address: string, flag = '--address'): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new ConfigError(`${flag} ${address}: expected HOST:PORT or :PORT`);
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${flag} ${address}: invalid port`);
  }
  return { host: host || '0.0.0.0', port };
}

function parseStorageClass(value: string | undefined, driveCount: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^EC:(\d+)$/.exec(value.trim());
  if (!match) throw new ConfigError(`CAIRN_STORAGE_CLASS_STANDARD=${value}: expected EC:N`);
  const parity = Number(match[1]);
  if (parity > Math.floor(driveCount / 2)) {
    throw new ConfigError(
      `CAIRN_STORAGE_CLASS_STANDARD=${value}: parity ${parity} is impossible with ${driveCount} drive(s) (at most ${Math.floor(driveCount / 2)})`,
    );
  }
  return parity;
}
