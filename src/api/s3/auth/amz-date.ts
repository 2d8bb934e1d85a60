/** SigV4 timestamps: the ISO 8601 basic form (`20130524T000000Z`) and the allowed clock skew. */

export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses `YYYYMMDDTHHMMSSZ`; undefined unless it names a real instant (no 20130230). */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  const date = new Date(Date.UTC(y, mo, d, h, mi, s));
  // Date.UTC rolls out-of-range fields over (Feb 30 becomes Mar 2) and maps years 0-99 to 19xx:
  // a real instant reads back field for field.
  const real =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  return real ? date : undefined;
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The HTTP `Date` header (RFC 7231 IMF-fixdate and the obsolete forms Date.parse accepts). */
export function parseHttpDate(value: string): Date | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(Math.floor(ms / 1000) * 1000);
}
