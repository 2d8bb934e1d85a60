/**
 * How a setting's text becomes its value. Every source (flag, environment, config file, admin
 * API) gives text; one parser per type turns it into the value, or throws with the reason.
 */
import { formatByteSize, parseByteSize } from './byte-size.js';

export interface SettingType<T> {
  /** What help shows as the value's shape: `SIZE`, `BOOL`, `HOST:PORT`. */
  label: string;
  /** The value of `text`; throws an Error whose message says what is expected. */
  parse(text: string): T;
  /** The value as text that `parse` reads back (what `cairn admin config get` shows). */
  format(value: T): string;
}

export const stringType: SettingType<string> = {
  label: 'TEXT',
  parse: (text) => text,
  format: (v) => v,
};

/** A size in bytes; the empty text (or `0`, `off`) means no limit (undefined). */
export const optionalSizeType: SettingType<number | undefined> = {
  label: 'SIZE',
  parse(text) {
    const t = text.trim();
    if (t === '' || t === '0' || t.toLowerCase() === 'off') return undefined;
    return parseByteSize(t);
  },
  format: (v) => (v === undefined ? '' : formatByteSize(v)),
};

/**
 * Bytes per second shared by all connections (`10MiB`, `1.5GB/s`); the empty text, `0` or `off`
 * is no limit (0). At least 1 KiB/s: below that a limit would stall TCP rather than pace it.
 */
export const bandwidthType: SettingType<number> = {
  label: 'RATE',
  parse(text) {
    const t = text.trim().replace(/\/s$/i, '');
    if (t === '' || t === '0' || t.toLowerCase() === 'off') return 0;
    const bytes = parseByteSize(t);
    if (bytes < 1024) throw new Error('below the minimum of 1KiB per second');
    return bytes;
  },
  format: (v) => (v === 0 ? '' : `${formatByteSize(v)}/s`),
};

export const booleanType: SettingType<boolean> = {
  label: 'on|off',
  parse(text) {
    const t = text.trim().toLowerCase();
    if (['on', 'true', '1', 'yes', 'enable', 'enabled'].includes(t)) return true;
    if (['off', 'false', '0', 'no', 'disable', 'disabled'].includes(t)) return false;
    throw new Error(`expected on or off, not ${JSON.stringify(text)}`);
  },
  format: (v) => (v ? 'on' : 'off'),
};

/** Whole numbers from `min` to `max`. */
export function integerType(min: number, max = Number.MAX_SAFE_INTEGER): SettingType<number> {
  return {
    label: 'N',
    parse(text) {
      const n = Number(text.trim());
      if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
        throw new Error(`expected a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
      return n;
    },
    format: (v) => String(v),
  };
}

/** One of `choices` (case-insensitive; the value is the choice as listed). */
export function enumType<C extends string>(choices: readonly C[]): SettingType<C> {
  return {
    label: choices.join('|'),
    parse(text) {
      const found = choices.find((c) => c.toLowerCase() === text.trim().toLowerCase());
      if (found === undefined)
        throw new Error(`expected one of ${choices.join(', ')}, not ${JSON.stringify(text)}`);
      return found;
    },
    format: (v) => v,
  };
}

/** Items separated by `separator` (a regular expression), trimmed, empty ones dropped. */
export function listType(separator: RegExp, label: string): SettingType<string[]> {
  return {
    label,
    parse: (text) =>
      text
        .split(separator)
        .map((s) => s.trim())
        .filter(Boolean),
    format: (v) => v.join(separator.source === '\\s+' ? ' ' : ','),
  };
}

/** A share of something (`5%`) or an absolute size (`64MiB`). */
export type SizeOrShare = { bytes: number } | { percent: number };

export const sizeOrShareType: SettingType<SizeOrShare> = {
  label: 'SIZE|N%',
  parse(text) {
    const t = text.trim();
    if (t.endsWith('%')) {
      const p = Number(t.slice(0, -1));
      if (t.length === 1 || !Number.isFinite(p) || p < 0 || p >= 100)
        throw new Error(`expected a percentage from 0% to 99%, not ${JSON.stringify(text)}`);
      return { percent: p };
    }
    return { bytes: parseByteSize(t) };
  },
  format: (v) => ('percent' in v ? `${v.percent}%` : formatByteSize(v.bytes)),
};
