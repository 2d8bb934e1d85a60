/**
 * Temporary credentials (STS AssumeRole): issuing them, and finding who a request signed with them
 * is. Nothing is stored (see session-token.ts for the token format): the session token carries
 * the session, the secret key is recomputed from the access key, and the parent is looked up on
 * every request, so a parent that is disabled or deleted stops its sessions at once.
 */
import type { Identity, IdentityStore, Principal } from '../authorizer.js';
import {
  deriveSessionKeys,
  newTemporaryAccessKey,
  openSessionToken,
  type SessionClaims,
  type SessionKeys,
  type SessionParent,
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
export type SessionParentPrincipal = Extract<Principal, { kind: 'root' }>;

/** Opened sessions kept so a busy client does not pay for decryption on every request. */
const MAX_CACHED_SESSIONS = 1024;

interface OpenedSession {
  claims: SessionClaims;
  secretKey: string;
}

export class TemporaryCredentials {
  private readonly keys: SessionKeys;
  private readonly cache = new Map<string, OpenedSession>();

  /**
   * `root` is the key source (every node sharing it accepts the same tokens) and a parent;
   * `identities` finds the other parents on every request. `now` is the clock (ms).
   */
  constructor(
    private readonly root: { accessKey: string; secretKey: string },
    private readonly identities: IdentityStore,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = deriveSessionKeys(root);
  }

  /** New credentials acting for `parent` for `durationSeconds`, narrowed by `sessionPolicy` (validated JSON). */
  issue(parent: SessionParentPrincipal, durationSeconds: number, sessionPolicy?: string): IssuedCredentials {
    const accessKey = newTemporaryAccessKey();
    // Whole seconds: Expiration is reported, and checked, to the second.
    const expiresAt = Math.floor((this.now() + durationSeconds * 1000) / 1000) * 1000;
    const claims: SessionClaims = { accessKey, parent: parentOf(parent), expiresAt };
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
   * longer exists or is disabled (the key is then unknown, InvalidAccessKeyId, as MinIO answers).
   * Throws SessionTokenError for a token that is not genuine, not this key's, or expired.
   */
  identify(accessKey: string, sessionToken: string): Identity | undefined {
    const session = this.open(accessKey, sessionToken);
    const parent = this.parentPrincipal(session.claims.parent);
    if (parent === undefined) return undefined;
    return {
      secretKey: session.secretKey,
      principal: { kind: 'temporary', accessKey, parent, expiresAt: session.claims.expiresAt },
    };
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
    const session = { claims, secretKey: temporarySecretKey(this.keys, accessKey) };
    // Oldest first out: Map keeps insertion order.
    if (this.cache.size >= MAX_CACHED_SESSIONS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(token, session);
    return session;
  }

  /** The parent as it is now: the root user, or an enabled user that still exists. */
  private parentPrincipal(parent: SessionParent): Principal | undefined {
    if (parent.kind === 'root') {
      return parent.accessKey === this.root.accessKey
        ? { kind: 'root', accessKey: parent.accessKey }
        : undefined;
    }
    const principal = this.identities.lookup(parent.accessKey)?.principal;
    return (principal?.kind as string) === 'user' ? principal : undefined;
  }
}

function parentOf(principal: SessionParentPrincipal): SessionParent {
  return { kind: principal.kind, accessKey: principal.accessKey };
}
