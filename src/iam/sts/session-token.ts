/**
 * Self-contained STS session tokens.
 *
 * Temporary credentials are never stored. AssumeRole hands out three values:
 *   - an access key: 20 random base32 characters (100 bits), new for every session;
 *   - a secret key: HMAC-SHA256(secretKeyKey, accessKey), so the server can recompute it from the
 *     access key alone and nothing needs to be remembered;
 *   - a session token: AES-256-GCM over the session's claims {access key, parent principal, a
 *     keyed digest of the parent's secret, expiry, session policy}. GCM both authenticates the
 *     claims (a changed byte fails to open) and hides them (the parent's name and the policy are
 *     not readable by whoever holds the token). The version byte is bound in as additional data.
 * Both keys are derived with HKDF-SHA256 from the root credentials, so every node that shares them
 * (and the same node after a restart) opens the same tokens. Consequences, by design: rotating the
 * root credentials ends every outstanding session; a single session cannot be revoked except by
 * disabling or deleting its parent, which is checked on every request (temporary-credentials.ts).
 * Random 96-bit nonces keep GCM safe far beyond any realistic number of tokens per key.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** Who a session acts for: the root user or an IAM user, by access key. */
export interface SessionParent {
  kind: 'root' | 'user';
  accessKey: string;
}

/** What a session token carries. */
export interface SessionClaims {
  accessKey: string;
  parent: SessionParent;
  /** A keyed digest of the parent's secret when the session began (base64url). */
  parentBinding: string;
  /** Milliseconds since the epoch; whole seconds, as AWS reports Expiration. */
  expiresAt: number;
  /** The session policy as the caller sent it (already validated), if any. */
  sessionPolicy?: string;
}

/** Why a token was refused; the API layer answers each with AWS's S3 error. */
export type SessionTokenProblem = 'InvalidToken' | 'ExpiredToken';

export class SessionTokenError extends Error {
  override name = 'SessionTokenError';
  constructor(readonly problem: SessionTokenProblem) {
    super(
      problem === 'ExpiredToken'
        ? 'The provided token has expired.'
        : 'The provided token is malformed or otherwise invalid.',
    );
  }
}

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const AAD = Buffer.from('cairn-sts-session-token', 'utf8');
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const TEMPORARY_ACCESS_KEY_LENGTH = 20;
const SECRET_KEY_LENGTH = 40;

/** The server's token keys, derived from the root credentials. */
export interface SessionKeys {
  tokenKey: Buffer;
  secretKeyKey: Buffer;
}

export function deriveSessionKeys(root: { accessKey: string; secretKey: string }): SessionKeys {
  const derive = (purpose: string) =>
    Buffer.from(hkdfSync('sha256', root.secretKey, root.accessKey, `cairn/sts/${purpose}/v1`, 32));
  return { tokenKey: derive('session-token'), secretKeyKey: derive('secret-key') };
}

/** A fresh temporary access key. */
export function newTemporaryAccessKey(): string {
  let key = '';
  // 5 bits per character from each byte's low bits: 256 is a multiple of 32, so no bias.
  for (const byte of randomBytes(TEMPORARY_ACCESS_KEY_LENGTH)) key += BASE32[byte & 31];
  return key;
}

/** The secret key of a temporary access key: recomputed, never stored. */
export function temporarySecretKey(keys: SessionKeys, accessKey: string): string {
  const mac = createHmac('sha256', keys.secretKeyKey).update(accessKey, 'utf8').digest('base64');
  return mac.slice(0, SECRET_KEY_LENGTH);
}

/** Seals `claims` into a session token (base64url). */
export function sealSessionToken(keys: SessionKeys, claims: SessionClaims): string {
  const body: WireClaims = {
    a: claims.accessKey,
    k: claims.parent.kind,
    p: claims.parent.accessKey,
    b: claims.parentBinding,
    e: Math.floor(claims.expiresAt / 1000),
  };
  if (claims.sessionPolicy !== undefined) body.s = claims.sessionPolicy;
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.tokenKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([AAD, Buffer.of(VERSION)]));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), nonce, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** Short names keep tokens small: they travel on every request. */
interface WireClaims {
  a: string;
  k: 'root' | 'user';
  p: string;
  b: string;
  e: number;
  s?: string;
}

/**
 * Opens a session token, checking that it was sealed with `keys`, belongs to `accessKey` and has
 * not expired at `now`. Throws SessionTokenError: InvalidToken for anything altered, foreign or
 * malformed (checked first, so a forged token never learns whether it would have expired),
 * ExpiredToken once the expiry has passed.
 */
export function openSessionToken(
  keys: SessionKeys,
  token: string,
  accessKey: string,
  now: number,
): SessionClaims {
  const claims = decrypt(keys, token);
  // The token names its access key inside the sealed claims: a token works only with its own key.
  if (claims === undefined || claims.accessKey !== accessKey) throw new SessionTokenError('InvalidToken');
  if (now >= claims.expiresAt) throw new SessionTokenError('ExpiredToken');
  return claims;
}

function decrypt(keys: SessionKeys, token: string): SessionClaims | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < 1 + NONCE_BYTES + TAG_BYTES + 2 || raw[0] !== VERSION) return undefined;
  const nonce = raw.subarray(1, 1 + NONCE_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const sealed = raw.subarray(1 + NONCE_BYTES, raw.length - TAG_BYTES);
  let text: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.tokenKey, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.concat([AAD, Buffer.of(VERSION)]));
    decipher.setAuthTag(tag);
    text = Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
  } catch {
    return undefined; // authentication failed: altered, truncated or sealed with another key
  }
  return fromWire(JSON.parse(text) as unknown);
}

/** Only our own sealer writes these, but a shape check costs nothing and keeps types honest. */
function fromWire(value: unknown): SessionClaims | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const w = value as Partial<WireClaims>;
  if (
    typeof w.a !== 'string' ||
    typeof w.p !== 'string' ||
    typeof w.b !== 'string' ||
    typeof w.e !== 'number'
  )
    return undefined;
  if (w.k !== 'root' && w.k !== 'user') return undefined;
  if (w.s !== undefined && typeof w.s !== 'string') return undefined;
  const claims: SessionClaims = {
    accessKey: w.a,
    parent: { kind: w.k, accessKey: w.p },
    parentBinding: w.b,
    expiresAt: w.e * 1000,
  };
  if (w.s !== undefined) claims.sessionPolicy = w.s;
  return claims;
}
