/**
 * The bearer token Prometheus sends to the metrics endpoints: what `mc admin prometheus generate`
 * makes for MinIO (mc cmd/utils.go getPrometheusToken), checked as MinIO checks it
 * (cmd/jwt.go metricsRequestAuthenticate, cmd/metrics.go AuthMiddleware). A JWT signed with
 * HMAC (MinIO accepts HS256, HS384 and HS512; mc signs HS512) by the secret key of the access key
 * it names in `accessKey` or `sub`; `iss` must be "prometheus"; `exp`, `nbf` and `iat` are checked
 * when present. The key may be root's, a user's or a service account's; the caller then checks
 * that the key is allowed `admin:Prometheus`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HASHES: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** How long `mc admin prometheus generate`'s tokens last: about 100 years. */
export const PROMETHEUS_TOKEN_LIFETIME_S = 100 * 365 * 24 * 3600;

/** Tokens longer than this are refused before any parsing (MinIO's parser buffer is 8 KiB). */
const MAX_TOKEN_LENGTH = 8192;

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** A scrape token for `accessKey`, signed HS512 with its secret, as mc makes it. */
export function signPrometheusToken(
  accessKey: string,
  secretKey: string,
  opts: { now?: Date; lifetimeS?: number } = {},
): string {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS512', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({
      exp: now + (opts.lifetimeS ?? PROMETHEUS_TOKEN_LIFETIME_S),
      sub: accessKey,
      iss: 'prometheus',
    }),
  );
  const signature = createHmac('sha512', secretKey).update(`${header}.${claims}`).digest('base64url');
  return `${header}.${claims}.${signature}`;
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A time claim holds when absent; present, it must be a number satisfying `ok`. */
function timeClaim(value: unknown, ok: (seconds: number) => boolean): boolean {
  if (value === undefined) return true;
  return typeof value === 'number' && Number.isFinite(value) && ok(value);
}

/**
 * The access key a valid token was signed for; undefined for anything else (malformed, unknown
 * key, bad signature, expired, not yet valid, not issued for Prometheus). `secretOf` answers the
 * secret of an access key, or undefined when no enabled identity has it.
 */
export function verifyPrometheusToken(
  token: string,
  secretOf: (accessKey: string) => string | undefined,
  now: Date = new Date(),
): string | undefined {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const hash = typeof header?.alg === 'string' ? HASHES[header.alg] : undefined;
  if (hash === undefined) return undefined;
  const claims = decodeJson(claimsPart);
  if (claims === undefined) return undefined;
  const accessKey =
    typeof claims.accessKey === 'string'
      ? claims.accessKey
      : typeof claims.sub === 'string'
        ? claims.sub
        : undefined;
  if (accessKey === undefined || accessKey === '') return undefined;
  const secret = secretOf(accessKey);
  if (secret === undefined) return undefined;
  const expected = createHmac(hash, secret).update(`${headerPart}.${claimsPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const t = now.getTime() / 1000;
  if (!timeClaim(claims.exp, (exp) => t < exp)) return undefined;
  if (!timeClaim(claims.nbf, (nbf) => t >= nbf)) return undefined;
  if (!timeClaim(claims.iat, (iat) => t >= iat)) return undefined;
  if (claims.iss !== 'prometheus') return undefined;
  return accessKey;
}
