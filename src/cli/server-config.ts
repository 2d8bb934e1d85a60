import { resolve } from 'node:path';
import type { AuditWebhookConfig } from '../api/audit/audit-log.js';
import { expandEllipses } from '../cluster/ellipsis.js';
import { type ScannerSettings, type ScannerSpeed, scannerSettings } from '../object/scanner-settings.js';
import type { LogLevel } from '../util/logger.js';
import { ResolvedSettings, type SettingSpec } from '../util/settings.js';
import { auditWebhookConfig } from './audit-settings.js';
import { readConfigFile } from './config-file.js';
import { ConfigError } from './server-config-error.js';
import {
  ADDRESS,
  BROWSER,
  CONFIG_FILE,
  CONSOLE_ADDRESS,
  DOMAIN,
  HEAL_BITROTSCAN,
  LOG_LEVEL,
  OPTS,
  REGION,
  SCANNER_CYCLE,
  SCANNER_OBJECTS_PER_SEC,
  SCANNER_SPEED,
  SCRUB_INTERVAL,
  SERVER_SETTINGS,
  STORAGE_CLASS_STANDARD,
  VOLUMES,
} from './server-settings.js';
import { settingsHelp } from './settings-help.js';

export { ConfigError };

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
  /** The audit webhook, when enabled. */
  audit: AuditWebhookConfig | undefined;
  /** The web console's listener (`--console-address`, CAIRN_CONSOLE_ADDRESS); absent: no console. */
  console?: { host: string; port: number };
  /** Every setting's value and where it came from. */
  settings: ResolvedSettings;
  /** Things worth saying at start (names in the config file that are not settings). */
  notices: string[];
}

export const SERVER_USAGE = `Usage: cairn server [OPTION...] DRIVE...

  DRIVE   a directory; MinIO ellipses expand: /srv/disk{1...4}

Every setting is an environment variable (Cairn's, and MinIO's name where MinIO has one) and a key
of the config file, and most are a flag too; a flag wins over the environment, the environment over
the file, the file over a value stored with \`cairn admin config set\` (dynamic settings), that over
the default.

${settingsHelp(SERVER_SETTINGS)}`;

/** Flags on `args` by setting name (a repeated list flag accumulates), and the positional arguments. */
function parseFlags(args: readonly string[], specs: readonly SettingSpec[]) {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const spec = specs.find((s) => s.flag === name);
    if (spec === undefined) throw new ConfigError(`unknown option ${name} (see cairn server --help)`);
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`${name} needs a value`);
    const before = flags.get(spec.name);
    // Lists (--domain a --domain b) accumulate; anything else: the last one wins.
    flags.set(
      spec.name,
      before !== undefined && spec.type.label.includes('...') ? `${before},${value}` : value,
    );
  }
  return { flags, positional };
}

/**
 * Turns `cairn server` arguments, the environment and the config file into a checked configuration.
 * Throws ConfigError or SettingError (one line naming the setting) on a bad value.
 */
export function parseServerConfig(args: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const command = parseFlags(args, SERVER_SETTINGS);
  const notices: string[] = [];
  const configPath =
    command.flags.get(CONFIG_FILE.name) ??
    CONFIG_FILE.env.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  const file = configPath === undefined ? undefined : readConfigFile(configPath, SERVER_SETTINGS);
  if (file && file.ignored.length > 0)
    notices.push(`config file ${file.path}: ignoring ${file.ignored.join(', ')} (not Cairn settings)`);

  // MINIO_OPTS-style options: below the command line's own.
  const optsText =
    command.flags.get(OPTS.name) ?? OPTS.env.map((n) => env[n]).find(Boolean) ?? file?.values.get(OPTS.name);
  const extra = optsText ? parseFlags(optsText.trim().split(/\s+/), SERVER_SETTINGS) : undefined;
  const flags = new Map([...(extra?.flags ?? []), ...command.flags]);
  const positional = [...command.positional, ...(extra?.positional ?? [])];
  if (positional.length > 0) flags.set(VOLUMES.name, positional.join(' '));

  const settings = new ResolvedSettings(SERVER_SETTINGS, {
    flags,
    env,
    ...(file ? { file } : {}),
  });
  const patterns = settings.get(VOLUMES);
  if (patterns.length === 0)
    throw new ConfigError('name at least one drive directory (arguments, CAIRN_VOLUMES or MINIO_VOLUMES)');
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
  const { host, port } = settings.get(ADDRESS);
  const region = settings.resolved(REGION);
  const consoleAddress = settings.get(BROWSER) ? settings.get(CONSOLE_ADDRESS) : undefined;
  return {
    host,
    port,
    drives: absolute,
    parity: checkParity(settings, absolute.length),
    domains: settings.get(DOMAIN).map((d) => d.toLowerCase()),
    region: region.value,
    enforceRegion: region.source !== 'default',
    logLevel: settings.get(LOG_LEVEL),
    scanner: scannerSettingsAt(settings, settings.get(SCANNER_SPEED)),
    audit: auditWebhookConfig(settings),
    ...(consoleAddress === undefined ? {} : { console: consoleAddress }),
    settings,
    notices,
  };
}

/**
 * The scanner's settings at `speed` (the configured one, or a new one set at run time): a cycle
 * given keeps its length, else the speed's applies; CAIRN_SCRUB_INTERVAL (or the flag or file key)
 * wins over MinIO's MINIO_HEAL_BITROTSCAN.
 */
export function scannerSettingsAt(settings: ResolvedSettings, speed: ScannerSpeed): ScannerSettings {
  const scrub = settings.resolved(SCRUB_INTERVAL);
  const bitrot = settings.resolved(HEAL_BITROTSCAN);
  return scannerSettings({
    speed,
    objectsPerSec: settings.get(SCANNER_OBJECTS_PER_SEC),
    cycleMs: settings.get(SCANNER_CYCLE),
    scrubIntervalMs: scrub.source === 'default' && bitrot.source !== 'default' ? bitrot.value : scrub.value,
  });
}

function checkParity(settings: ResolvedSettings, driveCount: number): number | undefined {
  const { value: parity, text, origin } = settings.resolved(STORAGE_CLASS_STANDARD);
  if (parity !== undefined && parity > Math.floor(driveCount / 2)) {
    throw new ConfigError(
      `invalid storage_class_standard (${origin}) ${text}: parity ${parity} is impossible with ${driveCount} drive(s) (at most ${Math.floor(driveCount / 2)})`,
    );
  }
  return parity;
}
