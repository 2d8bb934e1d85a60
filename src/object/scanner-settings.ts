/**
 * How fast the scanner walks and how often it scrubs. The speeds are MinIO's (`MINIO_SCANNER_SPEED`,
 * internal/config/scanner): after each piece of work taking t, the scanner sleeps t × delay (at most
 * `maxWaitMs`), so it keeps about 1 / (1 + delay) of the time it runs for itself, and it waits
 * `cycleMs` between full passes. The scrub cadence follows MinIO's `MINIO_HEAL_BITROTSCAN`
 * (off, on = every pass, or an interval).
 */

export type ScannerSpeed = 'fastest' | 'fast' | 'default' | 'slow' | 'slowest';

export interface ScannerSettings {
  speed: ScannerSpeed;
  /** Sleep multiplier of the work time (0: no sleeping). */
  delay: number;
  /** Longest single sleep, ms (0: no cap). */
  maxWaitMs: number;
  /** Pause between the end of a full pass and the start of the next, ms. */
  cycleMs: number;
  /** Upper bound on objects visited per second (0: none beyond the delay). */
  objectsPerSec: number;
  /**
   * A deep pass (every shard on every drive read and its bitrot hash verified) starts when the last
   * one started at least this long ago; 0: every pass is deep; undefined: never (scrub off).
   */
  scrubIntervalMs: number | undefined;
}

const SPEEDS: Record<ScannerSpeed, Pick<ScannerSettings, 'delay' | 'maxWaitMs' | 'cycleMs'>> = {
  fastest: { delay: 0, maxWaitMs: 0, cycleMs: 1_000 },
  fast: { delay: 1, maxWaitMs: 100, cycleMs: 60_000 },
  default: { delay: 2, maxWaitMs: 1_000, cycleMs: 60_000 },
  slow: { delay: 10, maxWaitMs: 15_000, cycleMs: 60_000 },
  slowest: { delay: 100, maxWaitMs: 15_000, cycleMs: 30 * 60_000 },
};

/**
 * A month, as MinIO's minimum bitrot cycle, and about the cadence ZFS and Ceph operators scrub at
 * (ZFS monthly; Ceph deep-scrubs weekly by default): latent damage is found long before a second
 * failure is likely, while the read load stays small.
 */
export const DEFAULT_SCRUB_INTERVAL_MS = 30 * 24 * 3600_000;

export class ScannerSettingsError extends Error {
  override name = 'ScannerSettingsError';
}

/** The speeds, fastest first. */
export const SCANNER_SPEEDS = Object.keys(SPEEDS) as readonly ScannerSpeed[];

export interface ScannerSettingsInput {
  speed?: string | undefined;
  objectsPerSec?: string | undefined;
  cycle?: string | undefined;
  /** CAIRN_SCRUB_INTERVAL: `off`, `on` (every pass) or a duration. */
  scrubInterval?: string | undefined;
  /** MINIO_HEAL_BITROTSCAN, read when scrubInterval is unset: `off`, `on` or `Nm` (N months). */
  bitrotScan?: string | undefined;
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3600_000, d: 24 * 3600_000 };

// The parsers below throw ScannerSettingsError with the reason only; the caller names the setting.

/** One of SCANNER_SPEEDS, case-insensitive; empty: default. */
export function parseScannerSpeed(text: string): ScannerSpeed {
  const speed = text.trim().toLowerCase() || 'default';
  if (!(speed in SPEEDS)) throw new ScannerSettingsError(`expected one of ${SCANNER_SPEEDS.join(', ')}`);
  return speed as ScannerSpeed;
}

/** Objects per second, 0 (or empty) for no bound beyond the speed's. */
export function parseObjectsPerSec(text: string): number {
  if (text.trim() === '') return 0;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0)
    throw new ScannerSettingsError('expected a number of objects per second (0: no limit)');
  return n;
}

/** `90s`, `10m`, `1h`, `30d`, `500ms` (a bare number is seconds). */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new ScannerSettingsError('expected a duration such as 30s, 10m, 12h or 30d');
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? 's'] as number));
}

/** CAIRN_SCRUB_INTERVAL: `off` (undefined), `on` (0: every pass) or a duration. */
export function parseScrubInterval(text: string): number | undefined {
  const v = text.trim().toLowerCase();
  if (v === 'off') return undefined;
  if (v === 'on') return 0;
  return parseDuration(v);
}

/** MINIO_HEAL_BITROTSCAN: `off`, `on`, or `Nm`, N months of 30 days (MinIO's form). */
export function parseBitrotScan(text: string): number | undefined {
  const v = text.trim().toLowerCase();
  if (v === 'off') return undefined;
  if (v === 'on') return 0;
  const m = /^(\d+)m$/.exec(v);
  if (!m) throw new ScannerSettingsError('expected on, off or Nm (months)');
  return Number(m[1]) * 30 * 24 * 3600_000;
}

/** The settings of a speed, with a cycle other than the speed's when `cycleMs` is given. */
export function scannerSettings(opts: {
  speed: ScannerSpeed;
  objectsPerSec?: number;
  cycleMs?: number | undefined;
  scrubIntervalMs: number | undefined;
}): ScannerSettings {
  const pace = SPEEDS[opts.speed];
  return {
    speed: opts.speed,
    ...pace,
    cycleMs: opts.cycleMs ?? pace.cycleMs,
    objectsPerSec: opts.objectsPerSec ?? 0,
    scrubIntervalMs: opts.scrubIntervalMs,
  };
}

/** Runs `parse` on `text`, naming `what` in the error. */
function named<T>(what: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (err) {
    throw new ScannerSettingsError(`${what}=${text}: ${(err as Error).message}`);
  }
}

/**
 * Parses the scanner's settings from environment-style text (for tests and the object layer's
 * defaults; the server reads them through its settings table); every value has a default, and a
 * bad one is a ScannerSettingsError naming its environment variable.
 */
export function parseScannerSettings(input: ScannerSettingsInput = {}): ScannerSettings {
  const cycle = input.cycle?.trim() ? input.cycle : undefined;
  const scrub = input.scrubInterval?.trim() ? input.scrubInterval : undefined;
  const minio = input.bitrotScan?.trim() ? input.bitrotScan : undefined;
  return scannerSettings({
    speed: named('CAIRN_SCANNER_SPEED', input.speed ?? '', parseScannerSpeed),
    objectsPerSec: named('CAIRN_SCANNER_OBJECTS_PER_SEC', input.objectsPerSec ?? '', parseObjectsPerSec),
    cycleMs: cycle === undefined ? undefined : named('CAIRN_SCANNER_CYCLE', cycle, parseDuration),
    scrubIntervalMs:
      scrub !== undefined
        ? named('CAIRN_SCRUB_INTERVAL', scrub, parseScrubInterval)
        : minio !== undefined
          ? named('MINIO_HEAL_BITROTSCAN', minio, parseBitrotScan)
          : DEFAULT_SCRUB_INTERVAL_MS,
  });
}
