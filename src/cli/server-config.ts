import { resolve } from 'node:path';
import { expandEllipses } from '../cluster/ellipsis.js';
import { MIN_BANDWIDTH } from '../util/bandwidth-limiter.js';

export interface ServerConfig {
  host: string;
  port: number;
  drives: string[];
  parity: number | undefined;
  domains: string[];
  region: string;
  /** True when the operator named the region: requests signed for another one are refused. */
  enforceRegion: boolean;
  /** Bytes per second read from all clients together; 0 = unlimited. */
  bandwidthIn: number;
  /** Bytes per second written to all clients together; 0 = unlimited. */
  bandwidthOut: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const SERVER_USAGE = `Usage: cairn server [--address HOST:PORT] [--domain DOMAIN] DRIVE...

  DRIVE         a directory; MinIO ellipses expand: /srv/disk{1...4}
  --address     listen address (default :9000, all interfaces)
  --domain      domain for virtual-host-style requests (also CAIRN_DOMAIN, comma-separated)
  --bandwidth-in RATE    limit on bytes received from all clients together, e.g. 10MiB
                         (also CAIRN_BANDWIDTH_IN; default unlimited; health, admin and
                         metrics requests are not counted)
  --bandwidth-out RATE   limit on bytes sent to all clients together (also CAIRN_BANDWIDTH_OUT)

Environment:
  CAIRN_ROOT_USER, CAIRN_ROOT_PASSWORD   root credentials (MINIO_ROOT_* accepted too);
                                         generated and stored on first start when unset
  CAIRN_STORAGE_CLASS_STANDARD=EC:N      parity drives per erasure set
  CAIRN_REGION                           region reported to clients (default us-east-1)`;

/** Turns `cairn server` arguments and environment into a checked configuration. */
export function parseServerConfig(args: string[], env: NodeJS.ProcessEnv): ServerConfig {
  let address = ':9000';
  // [value, where it came from], for the error message.
  let bandwidthIn: [string | undefined, string] = [env.CAIRN_BANDWIDTH_IN, 'CAIRN_BANDWIDTH_IN'];
  let bandwidthOut: [string | undefined, string] = [env.CAIRN_BANDWIDTH_OUT, 'CAIRN_BANDWIDTH_OUT'];
  const domains = (env.CAIRN_DOMAIN ?? env.MINIO_DOMAIN ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  const patterns: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (
      name === '--address' ||
      name === '--domain' ||
      name === '--bandwidth-in' ||
      name === '--bandwidth-out'
    ) {
      const value = name === arg ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new ConfigError(`${arg} needs a value`);
      if (name === '--address') address = value;
      else if (name === '--domain') domains.push(value.toLowerCase());
      else if (name === '--bandwidth-in') bandwidthIn = [value, name];
      else bandwidthOut = [value, name];
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
  return {
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
    bandwidthIn: parseBandwidth(...bandwidthIn),
    bandwidthOut: parseBandwidth(...bandwidthOut),
  };
}

const RATE_UNITS: Record<string, number> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  // MinIO and Kubernetes also write binary units without the B.
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
};

/**
 * A rate in bytes per second: a number and an optional unit (B, KiB…GiB binary, KB…GB decimal,
 * case-insensitive), optionally followed by `/s`. Empty or 0 is unlimited (0).
 */
export function parseBandwidth(value: string | undefined, name: string): number {
  if (value === undefined || value.trim() === '') return 0;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)(?:\/s)?\s*$/i.exec(value);
  const factor = match ? RATE_UNITS[(match[2] || 'b').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new ConfigError(
      `${name}=${value}: expected bytes per second like 10MiB, 500KiB or 1GB (0: unlimited)`,
    );
  }
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes === 0) return 0;
  if (bytes < MIN_BANDWIDTH) throw new ConfigError(`${name}=${value}: below the minimum of 1KiB per second`);
  if (!Number.isSafeInteger(bytes)) throw new ConfigError(`${name}=${value}: too large`);
  return bytes;
}

function parseAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new ConfigError(`--address ${address}: expected HOST:PORT or :PORT`);
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`--address ${address}: invalid port`);
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
