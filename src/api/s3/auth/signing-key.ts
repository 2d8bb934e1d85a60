/**
 * SigV4 signing keys and HMACs. A key depends only on (secret, day, region, service), so it is
 * cached: deriving it costs four HMACs, more than verifying the request itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAX_CACHED_KEYS = 1024;
const cache = new Map<string, Buffer>();

export function hmacSha256(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function deriveSigningKey(secret: string, day: string, region: string, service: string): Buffer {
  const cacheKey = `${day}\0${region}\0${service}\0${secret}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const kDate = hmacSha256(`AWS4${secret}`, day);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  const key = hmacSha256(kService, 'aws4_request');
  // Keys roll over daily, so a full cache is simply dropped rather than tracked per entry.
  if (cache.size >= MAX_CACHED_KEYS) cache.clear();
  cache.set(cacheKey, key);
  return key;
}

/** Compares hex signatures without leaking, through timing, how many leading characters matched. */
export function signaturesEqual(expectedHex: string, providedHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'utf8');
  const provided = Buffer.from(providedHex.toLowerCase(), 'utf8');
  if (expected.length !== provided.length) return false;
  return timingSafeEqual(expected, provided);
}
