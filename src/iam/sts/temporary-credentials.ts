/**
 * Temporary credentials (STS AssumeRole): issuing them, and finding who a request signed with them
 * is. Nothing is stored (see session-token.ts for the token format): the session token carries
 * the session, the secret key is recomputed from the access key, and the parent is looked up on
 * every request, so a parent that is disabled or deleted stops its sessions at once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity, IdentityStore, TemporaryPrincipal } from '../authorizer.js';
import type { Policy } from '../policy/policy.js';
import { compileSessionPolicy } from './session-policy.js';
import {
  deriveSessionKeys,
  newTemporaryAccessKey,
  openSessionToken,
  type SessionClaims,
  type SessionKeys,
  SessionTokenError,
  sealSessionToken,
  temporarySecretKey,
} from './session-token.js';

/** AssumeRole's DurationSeconds bounds and default, as AWS documents them (15 min – 12 h, 1 h). */
export const MIN_SESSION_SECONDS = 900;
export const MAX_SESSION_SECONDS = 43_200;
export const DEFAULT_SESSION_SECONDS = 3600;

/** What AssumeRole answers. */
export interface IssuedCredentials {
  accessKey: string;
  secretKey: string;
  sessionToken: string;
  expiration: Date;
}

/** A principal that may assume a role: temporary credentials and service accounts may not (MinIO). */
export type SessionParentPrincipal = TemporaryPrincipal['parent'];

/** Opened sessions kept so a busy client does not pay for decryption on every request. */
const MAX_CACHED_SESSIONS = 1024;

interface OpenedSession {
  claims: SessionClaims;
  secretKey: string;
  sessionPolicy: Policy | undefined;
  /** The parent's secret last seen to match the token's binding (skips the HMAC while unchanged). */
  verifiedParentSecret?: string;
}

export class TemporaryCredentials {
  private readonly keys: SessionKeys;
  private readonly cache = new Map<string, OpenedSession>();
  /** Sessions ended before their expiry (console logout): access key → expiry (ms), kept until then. */
  private readonly revoked = new Map<string, number>();

  /**
   * `root` (the root credentials) is the key source: every node sharing them accepts the same
   * tokens. `identities` finds each session's parent, the root user included, on every request.
   * `now` is the clock (ms).
   */
  constructor(
    root: { accessKey: string; secretKey: string },
    private readonly identities: IdentityStore,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = deriveSessionKeys(root);
  }

  /**
   * New credentials acting for `parent` (with `parentSecret`, its current secret key) for
   * `durationSeconds`, narrowed by `sessionPolicy` (packed, validated by validateSessionPolicy).
   */
  issue(
    parent: SessionParentPrincipal,
    parentSecret: string,
    durationSeconds: number,
    sessionPolicy?: string,
  ): IssuedCredentials {
    const accessKey = newTemporaryAccessKey();
    // Whole seconds: Expiration is reported, and checked, to the second.
    const expiresAt = Math.floor((this.now() + durationSeconds * 1000) / 1000) * 1000;
    const claims: SessionClaims = {
      accessKey,
      parent: { kind: parent.kind, accessKey: parent.accessKey },
      parentBinding: this.parentBinding(parentSecret),
      expiresAt,
    };
    if (sessionPolicy !== undefined) claims.sessionPolicy = sessionPolicy;
    return {
      accessKey,
      secretKey: temporarySecretKey(this.keys, accessKey),
      sessionToken: sealSessionToken(this.keys, claims),
      expiration: new Date(expiresAt),
    };
  }

  /**
   * The identity of temporary `accessKey` presenting `sessionToken`; undefined when its parent no
   * longer exists, is disabled, or is not the one the session was made for (deleted and made
   * again, or given a new secret): the key is then unknown (InvalidAccessKeyId), as MinIO answers
   * for the temporary credentials of a removed or disabled user. Throws SessionTokenError for a
   * token that is not genuine, not this key's, or expired.
   */
  identify(accessKey: string, sessionToken: string): Identity | undefined {
    const session = this.open(accessKey, sessionToken);
    if (this.revoked.size > 0 && this.revoked.has(accessKey)) throw new SessionTokenError('ExpiredToken');
    const parent = this.currentParent(session);
    if (parent === undefined) return undefined;
    const principal: TemporaryPrincipal = {
      kind: 'temporary',
      accessKey,
      parent,
      expiresAt: session.claims.expiresAt,
    };
    if (session.sessionPolicy !== undefined) principal.sessionPolicy = session.sessionPolicy;
    return { secretKey: session.secretKey, principal };
  }

  /**
   * Ends a session before its expiry (`expiresAt`, ms): its credentials are refused from now on,
   * as if expired. Kept in this process's memory until the session would have expired anyway, so
   * the set stays as small as the sessions ended early; a restart forgets it (see
   * docs/architecture.md, Console).
   */
  revoke(accessKey: string, expiresAt: number): void {
    const now = this.now();
    for (const [key, until] of this.revoked) if (until <= now) this.revoked.delete(key);
    if (expiresAt > now) this.revoked.set(accessKey, expiresAt);
  }

  private open(accessKey: string, token: string): OpenedSession {
    const now = this.now();
    const cached = this.cache.get(token);
    if (cached !== undefined) {
      if (cached.claims.accessKey !== accessKey) throw new SessionTokenError('InvalidToken');
      if (now >= cached.claims.expiresAt) {
        this.cache.delete(token);
        throw new SessionTokenError('ExpiredToken');
      }
      return cached;
    }
    const claims = openSessionToken(this.keys, token, accessKey, now);
    const session: OpenedSession = {
      claims,
      secretKey: temporarySecretKey(this.keys, accessKey),
      // Validated when issued; the token is genuine, so this compiles.
      sessionPolicy:
        claims.sessionPolicy === undefined ? undefined : compileSessionPolicy(claims.sessionPolicy),
    };
    // Oldest first out: Map keeps insertion order.
    if (this.cache.size >= MAX_CACHED_SESSIONS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(token, session);
    return session;
  }

  /** The session's parent as it is now, when it is still the one the session was made for. */
  private currentParent(session: OpenedSession): SessionParentPrincipal | undefined {
    const { parent } = session.claims;
    const identity = this.identities.lookup(parent.accessKey);
    const principal = identity?.principal;
    if (identity === undefined || principal === undefined || principal.kind !== parent.kind) return undefined;
    if (principal.kind !== 'root' && principal.kind !== 'user') return undefined;
    if (session.verifiedParentSecret !== identity.secretKey) {
      const expected = Buffer.from(session.claims.parentBinding, 'base64url');
      const actual = Buffer.from(this.parentBinding(identity.secretKey), 'base64url');
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
      session.verifiedParentSecret = identity.secretKey;
    }
    return principal;
  }

  /**
   * Binds a session to its parent's secret, so a user deleted and made again under the same name,
   * or given a new secret, does not inherit the old sessions. Reveals nothing of the secret.
   */
  private parentBinding(parentSecret: string): string {
    return createHmac('sha256', this.keys.tokenKey)
      .update(`parent\0${parentSecret}`, 'utf8')
      .digest()
      .subarray(0, 16)
      .toString('base64url');
  }
}
