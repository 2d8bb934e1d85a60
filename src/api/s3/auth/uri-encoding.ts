/**
 * Percent-decoding and the SigV4 URI encoding (RFC 3986 unreserved characters kept, every other
 * byte as upper-case %XX). Both work on bytes, not strings, so a path a client encoded with
 * lower-case hex, left unencoded, or that is not valid UTF-8 still re-encodes to exactly the
 * canonical form the client's signer produced.
 */

const HEX = '0123456789ABCDEF';

function isUnreserved(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || // -
    b === 0x2e || // .
    b === 0x5f || // _
    b === 0x7e // ~
  );
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Decodes %XX escapes to bytes; a `%` not followed by two hex digits stays a literal `%`, as a
 * lenient server must treat it. With `plusIsSpace` (query strings) `+` decodes to a space.
 */
export function percentDecodeBytes(text: string, plusIsSpace = false): Buffer {
  const raw = Buffer.from(text, 'utf8');
  if (!raw.includes(0x25) && !(plusIsSpace && raw.includes(0x2b))) return raw;
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === 0x25 && i + 2 < raw.length) {
      const hi = hexValue(raw[i + 1]!);
      const lo = hexValue(raw[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = plusIsSpace && c === 0x2b ? 0x20 : c;
  }
  return out.subarray(0, n);
}

export function percentDecode(text: string, plusIsSpace = false): string {
  return percentDecodeBytes(text, plusIsSpace).toString('utf8');
}

/** SigV4 UriEncode of raw bytes: unreserved bytes as is, everything else (including `/`) as %XX. */
export function uriEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out += isUnreserved(b) ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** Decode-then-encode: the canonical form of one path segment, query key or query value as received. */
export function canonicalEncode(received: string, plusIsSpace = false): string {
  return uriEncodeBytes(percentDecodeBytes(received, plusIsSpace));
}
