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

/** `90s`, `10m`, `1h`, `30d`, `500ms` (a bare number is seconds). */
export function parseDuration(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new ScannerSettingsError(`${what}=${text}: expected a duration such as 30s, 10m, 12h or 30d`);
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? 's'] as number));
}

/** Parses the scanner's settings; every value has a default, and a bad one is a ScannerSettingsError. */
export function parseScannerSettings(input: ScannerSettingsInput = {}): ScannerSettings {
  const speedText = (input.speed ?? 'default').trim().toLowerCase() || 'default';
  if (!(speedText in SPEEDS))
    throw new ScannerSettingsError(
      `CAIRN_SCANNER_SPEED=${input.speed}: expected one of ${Object.keys(SPEEDS).join(', ')}`,
    );
  const speed = speedText as ScannerSpeed;
  const settings: ScannerSettings = {
    speed,
    ...SPEEDS[speed],
    objectsPerSec: 0,
    scrubIntervalMs: DEFAULT_SCRUB_INTERVAL_MS,
  };
  if (input.objectsPerSec !== undefined && input.objectsPerSec.trim() !== '') {
    const n = Number(input.objectsPerSec);
    if (!Number.isFinite(n) || n < 0)
      throw new ScannerSettingsError(
        `CAIRN_SCANNER_OBJECTS_PER_SEC=${input.objectsPerSec}: expected a number of objects per second (0: no limit)`,
      );
    settings.objectsPerSec = n;
  }
  if (input.cycle !== undefined && input.cycle.trim() !== '')
    settings.cycleMs = parseDuration(input.cycle, 'CAIRN_SCANNER_CYCLE');
  const scrub = input.scrubInterval?.trim() ? input.scrubInterval : undefined;
  const minio = input.bitrotScan?.trim() ? input.bitrotScan : undefined;
  if (scrub !== undefined) settings.scrubIntervalMs = parseScrub(scrub, false);
  else if (minio !== undefined) settings.scrubIntervalMs = parseScrub(minio, true);
  return settings;
}

/** `off`, `on`, or a duration; in MinIO's form (`months`) a duration is `Nm`, N months of 30 days. */
function parseScrub(text: string, months: boolean): number | undefined {
  const v = text.trim().toLowerCase();
  if (v === 'off') return undefined;
  if (v === 'on') return 0;
  if (!months) return parseDuration(v, 'CAIRN_SCRUB_INTERVAL');
  const m = /^(\d+)m$/.exec(v);
  if (!m) throw new ScannerSettingsError(`MINIO_HEAL_BITROTSCAN=${text}: expected on, off or Nm (months)`);
  return Number(m[1]) * 30 * 24 * 3600_000;
}
