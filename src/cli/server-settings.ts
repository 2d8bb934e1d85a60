/**
 * Every setting of `cairn server`, in the order `cairn server --help` and docs/settings.md list
 * them. To add one: append a row (defineSetting keeps its value's type), read it in
 * server-config.ts or server-command.ts with `settings.get(ROW)`, and, when `dynamic`, register
 * how to apply a change at run time in server-command.ts (`runtime.onChange`).
 */
import { parsePrometheusAuthType } from '../api/metrics/metrics-handler.js';
import {
  parseBitrotScan,
  parseDuration,
  parseObjectsPerSec,
  parseScrubInterval,
  SCANNER_SPEEDS,
} from '../object/scanner-settings.js';
import { LOG_LEVELS } from '../util/logger.js';
import {
  bandwidthType,
  booleanType,
  enumType,
  listType,
  optionalSizeType,
  type SettingType,
  type SizeOrShare,
  sizeOrShareType,
  stringType,
} from '../util/setting-types.js';
import { defineSetting, type SettingSpec } from '../util/settings.js';
import { AUDIT_WEBHOOK_SETTINGS } from './audit-settings.js';

export { defineSetting };

export interface ListenAddress {
  host: string;
  port: number;
}

const addressType: SettingType<ListenAddress> = {
  label: 'HOST:PORT',
  parse(text) {
    const colon = text.lastIndexOf(':');
    if (colon < 0) throw new Error('expected HOST:PORT or :PORT');
    const host = text.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    const portText = text.slice(colon + 1);
    const port = Number(portText);
    if (portText === '' || !Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error('invalid port (expected 0 to 65535)');
    return { host: host || '0.0.0.0', port };
  },
  format: (v) => `${v.host.includes(':') ? `[${v.host}]` : v.host}:${v.port}`,
};

/** A listen address, or none (the empty text): a listener that is off unless given. */
const optionalAddressType: SettingType<ListenAddress | undefined> = {
  label: 'HOST:PORT',
  parse: (text) => (text.trim() === '' ? undefined : addressType.parse(text.trim())),
  format: (v) => (v === undefined ? '' : addressType.format(v)),
};

/** MinIO's storage class: `EC:N`, N parity shards per object; '' lets the drive count decide. */
const storageClassType: SettingType<number | undefined> = {
  label: 'EC:N',
  parse(text) {
    if (text.trim() === '') return undefined;
    const match = /^EC:(\d+)$/.exec(text.trim());
    if (!match) throw new Error('expected EC:N (N parity drives)');
    return Number(match[1]);
  },
  format: (v) => (v === undefined ? '' : `EC:${v}`),
};

/** The free space each drive keeps back: a size, a share of the drive, or '' for the automatic rule. */
const reserveType: SettingType<SizeOrShare | undefined> = {
  label: 'SIZE|N%',
  parse: (text) => (text.trim() === '' || text.trim() === 'auto' ? undefined : sizeOrShareType.parse(text)),
  format: (v) => (v === undefined ? '' : sizeOrShareType.format(v)),
};

/** A duration as the scanner settings write it (`90s`, `10m`, `30d`). */
function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** '' (the speed's own cycle) or a duration. */
const cycleType: SettingType<number | undefined> = {
  label: 'DURATION',
  parse: (text) => (text.trim() === '' ? undefined : parseDuration(text)),
  format: (v) => (v === undefined ? '' : formatDuration(v)),
};

/** `off` (undefined), `on` (0: every pass) or a duration. */
const scrubType: SettingType<number | undefined> = {
  label: 'DURATION|on|off',
  parse: parseScrubInterval,
  format: (v) => (v === undefined ? 'off' : v === 0 ? 'on' : formatDuration(v)),
};

/** MinIO's MINIO_HEAL_BITROTSCAN: `on`, `off` or `Nm` (months); '' when not given. */
const bitrotScanType: SettingType<number | undefined> = {
  label: 'on|off|Nm',
  parse: (text) => (text.trim() === '' ? undefined : parseBitrotScan(text)),
  format: (v) => (v === undefined ? 'off' : v === 0 ? 'on' : `${Math.round(v / (30 * 86_400_000))}m`),
};

export const CONFIG_FILE = defineSetting({
  name: 'config_file',
  flag: '--config',
  env: ['CAIRN_CONFIG_FILE', 'MINIO_CONFIG_ENV_FILE'],
  type: { ...stringType, label: 'FILE' },
  default: '',
  dynamic: false,
  description: 'settings file: JSON (FILE.json) or NAME=value lines (an env file, as /etc/default/minio)',
});

export const VOLUMES = defineSetting({
  name: 'volumes',
  env: ['CAIRN_VOLUMES', 'MINIO_VOLUMES'],
  type: listType(/\s+/, 'DIR...'),
  default: '',
  dynamic: false,
  description:
    'drive directories, space-separated (also the command line arguments); MinIO ellipses expand: /srv/disk{1...4}',
});

export const OPTS = defineSetting({
  name: 'opts',
  env: ['CAIRN_OPTS', 'MINIO_OPTS'],
  type: { ...stringType, label: 'OPTIONS' },
  default: '',
  dynamic: false,
  description: 'more command-line options (as systemd units pass them); options on the command line win',
});

export const ADDRESS = defineSetting({
  name: 'address',
  flag: '--address',
  env: ['CAIRN_ADDRESS', 'MINIO_ADDRESS'],
  type: addressType,
  default: ':9000',
  dynamic: false,
  description: 'listen address (:9000 is every interface)',
});

export const CONSOLE_ADDRESS = defineSetting({
  name: 'console_address',
  flag: '--console-address',
  env: ['CAIRN_CONSOLE_ADDRESS'],
  type: optionalAddressType,
  default: '',
  dynamic: false,
  description: 'serve the web console on this address (e.g. :9001); empty: no console',
});

export const BROWSER = defineSetting({
  name: 'browser',
  env: ['CAIRN_BROWSER', 'MINIO_BROWSER'],
  type: booleanType,
  default: 'on',
  dynamic: false,
  description: 'off turns the web console off even when a console address is given',
});

export const DOMAIN = defineSetting({
  name: 'domain',
  flag: '--domain',
  env: ['CAIRN_DOMAIN', 'MINIO_DOMAIN'],
  type: listType(/,/, 'DOMAIN,...'),
  default: '',
  dynamic: false,
  description: 'domains for virtual-host-style requests (bucket.DOMAIN), comma-separated; the flag repeats',
});

export const REGION = defineSetting({
  name: 'region',
  flag: '--region',
  env: ['CAIRN_REGION', 'MINIO_REGION', 'MINIO_SITE_REGION'],
  type: { ...stringType, label: 'REGION' },
  default: 'us-east-1',
  dynamic: false,
  description: 'region reported to clients; when set, requests signed for another region are refused',
});

export const ROOT_USER = defineSetting({
  name: 'root_user',
  env: ['CAIRN_ROOT_USER', 'MINIO_ROOT_USER'],
  type: { ...stringType, label: 'USER' },
  default: '',
  dynamic: false,
  description:
    'root access key (3+ characters); with root_password unset too, generated and stored on first start',
});

export const ROOT_PASSWORD = defineSetting({
  name: 'root_password',
  env: ['CAIRN_ROOT_PASSWORD', 'MINIO_ROOT_PASSWORD'],
  type: { ...stringType, label: 'SECRET' },
  default: '',
  dynamic: false,
  secret: true,
  description: 'root secret key (8+ characters); environment or config file only, never a flag',
});

export const STORAGE_CLASS_STANDARD = defineSetting({
  name: 'storage_class_standard',
  flag: '--storage-class-standard',
  env: ['CAIRN_STORAGE_CLASS_STANDARD', 'MINIO_STORAGE_CLASS_STANDARD'],
  type: storageClassType,
  default: '',
  dynamic: false,
  description:
    'parity drives per erasure set, EC:N (default: by drive count, as MinIO); fixed when drives are formatted',
});

export const CAPACITY = defineSetting({
  name: 'capacity',
  flag: '--capacity',
  env: ['CAIRN_CAPACITY'],
  type: optionalSizeType,
  default: '',
  dynamic: true,
  description:
    'most object bytes this instance stores (500GiB, 2TB; units B KiB MiB GiB TiB KB MB GB TB); writes past it answer 507 XMinioStorageFull; empty or 0: no limit',
});

export const BANDWIDTH_IN = defineSetting({
  name: 'bandwidth_in',
  flag: '--bandwidth-in',
  env: ['CAIRN_BANDWIDTH_IN'],
  type: bandwidthType,
  default: '',
  dynamic: true,
  description:
    'limit on bytes received from all S3 clients together, per second (10MiB, 1.5GB/s; at least 1KiB); health, admin and metrics are not counted; empty or 0: no limit',
});

export const BANDWIDTH_OUT = defineSetting({
  name: 'bandwidth_out',
  flag: '--bandwidth-out',
  env: ['CAIRN_BANDWIDTH_OUT'],
  type: bandwidthType,
  default: '',
  dynamic: true,
  description: 'limit on bytes sent to all S3 clients together, per second; as bandwidth_in',
});

export const DRIVE_RESERVE = defineSetting({
  name: 'drive_reserve',
  flag: '--drive-reserve',
  env: ['CAIRN_DRIVE_RESERVE'],
  type: reserveType,
  default: '',
  dynamic: true,
  description:
    'free space every drive keeps so commits never fail halfway (64MiB, 2%); default max(64MiB, 1% of the drive), at most 10% of it; below it writes answer 507 XMinioStorageFull',
});

export const LOG_LEVEL = defineSetting({
  name: 'log_level',
  flag: '--log-level',
  env: ['CAIRN_LOG_LEVEL'],
  type: enumType(LOG_LEVELS),
  default: 'info',
  dynamic: false,
  description:
    'the least severe log lines written (JSON lines; readable lines on a terminal); debug adds one line per request',
});

export const PROMETHEUS_AUTH_TYPE = defineSetting({
  name: 'prometheus_auth_type',
  flag: '--prometheus-auth-type',
  env: ['CAIRN_PROMETHEUS_AUTH_TYPE', 'MINIO_PROMETHEUS_AUTH_TYPE'],
  type: { label: 'jwt|public', parse: parsePrometheusAuthType, format: (v) => v },
  default: 'jwt',
  dynamic: false,
  description:
    'who may scrape /minio/v2/metrics: jwt, a bearer token from cairn admin prometheus generate (a key allowed admin:Prometheus); public, anyone',
});

export const SCANNER_SPEED = defineSetting({
  name: 'scanner_speed',
  flag: '--scanner-speed',
  env: ['CAIRN_SCANNER_SPEED', 'MINIO_SCANNER_SPEED'],
  type: enumType(SCANNER_SPEEDS),
  default: 'default',
  dynamic: true,
  description:
    "the background scanner's share of the machine, as MinIO's speeds (default: a third of the time it runs); a change applies at once, to the pause between passes too",
});

export const SCANNER_OBJECTS_PER_SEC = defineSetting({
  name: 'scanner_objects_per_sec',
  flag: '--scanner-objects-per-sec',
  env: ['CAIRN_SCANNER_OBJECTS_PER_SEC'],
  type: { label: 'N', parse: parseObjectsPerSec, format: (v) => String(v) },
  default: '0',
  dynamic: false,
  description: 'at most N objects scanned per second, on top of the speed; 0: no bound',
});

export const SCANNER_CYCLE = defineSetting({
  name: 'scanner_cycle',
  flag: '--scanner-cycle',
  env: ['CAIRN_SCANNER_CYCLE', 'MINIO_SCANNER_CYCLE'],
  type: cycleType,
  default: '',
  dynamic: false,
  description:
    'pause between scanner passes (500ms, 90s, 10m, 1h; a bare number is seconds); default by speed: 1m (fastest 1s, slowest 30m)',
});

export const SCRUB_INTERVAL = defineSetting({
  name: 'scrub_interval',
  flag: '--scrub-interval',
  env: ['CAIRN_SCRUB_INTERVAL'],
  type: scrubType,
  default: '30d',
  dynamic: false,
  description:
    'how often a scanner pass reads every shard and verifies its bitrot hash (12h, 7d); on: every pass; off: never',
});

export const HEAL_BITROTSCAN = defineSetting({
  name: 'heal_bitrotscan',
  env: ['MINIO_HEAL_BITROTSCAN'],
  type: bitrotScanType,
  default: '',
  dynamic: false,
  description:
    "MinIO's form of scrub_interval (on, off, or Nm: every N months), used when scrub_interval is not given",
});

/** The whole table, in help order. */
export const SERVER_SETTINGS: readonly SettingSpec[] = [
  VOLUMES,
  ADDRESS,
  CONSOLE_ADDRESS,
  BROWSER,
  DOMAIN,
  REGION,
  ROOT_USER,
  ROOT_PASSWORD,
  STORAGE_CLASS_STANDARD,
  CAPACITY,
  BANDWIDTH_IN,
  BANDWIDTH_OUT,
  DRIVE_RESERVE,
  LOG_LEVEL,
  PROMETHEUS_AUTH_TYPE,
  SCANNER_SPEED,
  SCANNER_OBJECTS_PER_SEC,
  SCANNER_CYCLE,
  SCRUB_INTERVAL,
  HEAL_BITROTSCAN,
  ...AUDIT_WEBHOOK_SETTINGS,
  CONFIG_FILE,
  OPTS,
];
