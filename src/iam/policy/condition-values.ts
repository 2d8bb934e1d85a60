import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { MalformedPolicyError } from './malformed-policy-error.js';

/** Parsers for the typed condition operators' values, shared by policy values and request values. */

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function parseNumber(text: string): number | undefined {
  return NUMBER.test(text) ? Number(text) : undefined;
}

// ISO 8601 as AWS writes it (date, optional time, optional zone), or epoch seconds.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;
const EPOCH = /^-?\d{1,15}$/;

/** Milliseconds since the epoch; undefined when `text` is neither ISO 8601 nor epoch seconds. */
export function parseDate(text: string): number | undefined {
  if (EPOCH.test(text)) return Number(text) * 1000;
  if (!ISO_DATE.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The address family Node's BlockList speaks, or undefined for something that is not an IP. */
function family(address: string): 'ipv4' | 'ipv6' | undefined {
  if (isIPv4(address)) return 'ipv4';
  if (isIPv6(address)) return 'ipv6';
  return undefined;
}

/** IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d; policies name them as IPv4. */
function unmapped(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIPv4(lower.slice(7)) ? lower.slice(7) : address;
}

/**
 * The CIDR blocks of an IpAddress condition. A bare address is a /32 (IPv4) or /128 (IPv6) block,
 * as AWS reads it. Throws MalformedPolicyError for anything else.
 */
export function compileCidrs(values: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const v of values) {
    const slash = v.indexOf('/');
    const address = unmapped(slash < 0 ? v : v.slice(0, slash));
    const kind = family(address);
    const prefixText = slash < 0 ? undefined : v.slice(slash + 1);
    const max = kind === 'ipv4' ? 32 : 128;
    const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
    if (kind === undefined || prefix < 0 || prefix > max) {
      throw new MalformedPolicyError(`Invalid IP address in condition: ${v}`);
    }
    list.addSubnet(address, prefix, kind);
  }
  return (raw) => {
    const address = unmapped(raw);
    const kind = family(address);
    return kind !== undefined && list.check(address, kind);
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** BinaryEquals values are base64; compared as the bytes they encode. */
export function parseBase64(text: string): Buffer | undefined {
  return text.length % 4 === 0 && BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}
