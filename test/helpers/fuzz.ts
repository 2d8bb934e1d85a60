/**
 * A seeded pseudo-random source and string/byte mutators for the authentication fuzz tests (unit
 * and raw-HTTP), so that a failing case can be reproduced from its seed and index. Test support
 * only: nothing on the request path imports it.
 */

/** mulberry32: small, fast, and good enough to spread mutations; the seed fixes the sequence. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/**
 * Pieces that mean something to the SigV4/SigV2 parsers (keywords, separators, encodings, dates,
 * payload modes) and pieces that break naive ones (control characters, lone surrogates, huge
 * numbers), spliced in by the mutators.
 */
export const AUTH_TOKENS: readonly string[] = [
  'AWS4-HMAC-SHA256',
  'AWS4-HMAC-SHA256 ',
  'AWS ',
  'AWS4-ECDSA-P256-SHA256',
  'Credential=',
  'SignedHeaders=',
  'Signature=',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'AWSAccessKeyId',
  'Expires',
  'Signature',
  ',',
  ', ',
  ';',
  '=',
  '==',
  '/',
  '//',
  ' ',
  '\t',
  ':',
  '&',
  '?',
  '%',
  '%2F',
  '%zz',
  '%E2%82',
  '%00',
  '+',
  'aws4_request',
  's3',
  'us-east-1',
  '20130524',
  '20130524T000000Z',
  '2013-05-24T00:00:00Z',
  'Tue, 27 Mar 2007 19:36:42 +0000',
  'host',
  'x-amz-date',
  'x-amz-content-sha256',
  '\u0000',
  '\r\n',
  '\n',
  '\u007f',
  '\u00ff',
  '\u00e9',
  '\u2028',
  '\ud800',
  '\udfff',
  '😀',
  '-1',
  '0',
  '604801',
  '99999999999999999999999',
  '1e400',
  'NaN',
  'UNSIGNED-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
];

const ALPHABET =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!*\'()"<>[]{}|\\^`#@$ /=,;:&?%+';

function randomChar(rng: Prng): string {
  if (rng.chance(0.1)) return String.fromCharCode(rng.int(0x10000));
  return ALPHABET.charAt(rng.int(ALPHABET.length));
}

/** One random edit of `s`: replace, delete, insert, duplicate, truncate, swap case, repeat, or replace whole. */
export function mutateString(rng: Prng, s: string): string {
  const at = rng.int(s.length + 1);
  const end = Math.min(s.length, at + 1 + rng.int(16));
  switch (rng.int(9)) {
    case 0:
      return s.slice(0, at) + randomChar(rng) + s.slice(at + 1);
    case 1:
      return s.slice(0, at) + s.slice(end);
    case 2:
      return s.slice(0, at) + rng.pick(AUTH_TOKENS) + s.slice(at);
    case 3:
      return s.slice(0, end) + s.slice(at, end) + s.slice(end);
    case 4:
      return s.slice(0, at);
    case 5: {
      const piece = s.slice(at, end);
      const swapped = rng.chance(0.5) ? piece.toUpperCase() : piece.toLowerCase();
      return s.slice(0, at) + swapped + s.slice(end);
    }
    case 6:
      // A long run: parsers must stay linear in their input.
      return (
        s.slice(0, at) + (s.slice(at, end) || rng.pick(AUTH_TOKENS)).repeat(1 + rng.int(4000)) + s.slice(end)
      );
    case 7:
      return rng.pick(AUTH_TOKENS);
    default:
      return Array.from({ length: rng.int(64) }, () => randomChar(rng)).join('');
  }
}

/** `count` successive mutations of `s`. */
export function mutateStringTimes(rng: Prng, s: string, count: number): string {
  let out = s;
  for (let i = 0; i < count; i++) out = mutateString(rng, out);
  return out;
}

const FRAMING_TOKENS: readonly string[] = [
  ';chunk-signature=',
  '\r\n',
  '\r',
  '\n',
  '0',
  '0\r\n',
  'ffffffff',
  'fffffffffffffffff',
  '-1',
  ' ',
  ';',
  'x-amz-checksum-crc32:',
  'x-amz-trailer-signature:',
  ':',
];

/** One random edit of a byte string (an aws-chunked body): flip, delete, insert, duplicate, truncate. */
export function mutateBytes(rng: Prng, b: Buffer): Buffer {
  const at = rng.int(b.length + 1);
  const end = Math.min(b.length, at + 1 + rng.int(32));
  switch (rng.int(6)) {
    case 0: {
      const out = Buffer.from(b);
      if (at < out.length) out[at] = rng.int(256);
      return out;
    }
    case 1:
      return Buffer.concat([b.subarray(0, at), b.subarray(end)]);
    case 2:
      return Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(FRAMING_TOKENS)), b.subarray(at)]);
    case 3:
      return Buffer.concat([b.subarray(0, end), b.subarray(at, end), b.subarray(end)]);
    case 4:
      return b.subarray(0, at);
    default:
      return Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(FRAMING_TOKENS)), b.subarray(end)]);
  }
}
