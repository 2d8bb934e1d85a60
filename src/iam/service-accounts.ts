/**
 * Service accounts (MinIO's "access keys"): credentials owned by a user or by root, with an
 * optional inline policy that can only narrow the owner's rights, an optional expiry, a name and a
 * description. One authenticates only while it is on, unexpired and its owner exists and is enabled.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { IamError } from './iam-errors.js';
import type { ServiceAccountRecord, ServiceAccountStatus } from './iam-records.js';
import { type IamState, now } from './iam-state.js';
import {
  checkAccessKey,
  checkSecretKey,
  checkServiceAccountDescription,
  checkServiceAccountName,
  parseExpiration,
} from './iam-validation.js';
import type { Policy } from './policy/policy.js';
import { compileIdentityPolicy } from './policy-library.js';

export interface NewServiceAccount {
  accessKey?: string;
  secretKey?: string;
  /** Inline policy document (JSON text). */
  policy?: string;
  name?: string;
  description?: string;
  /** ISO 8601 expiry. */
  expiration?: string;
}

export interface ServiceAccountUpdate {
  status?: ServiceAccountStatus;
  /** A new inline policy; an empty string removes it (the parent's rights apply again). */
  policy?: string;
  secretKey?: string;
  name?: string;
  description?: string;
  expiration?: string;
}

export interface ServiceAccountSummary {
  accessKey: string;
  parent: string;
  status: ServiceAccountStatus;
  /** Inline policy text, when it has one. */
  policy?: string;
  name?: string;
  description?: string;
  expiration?: string;
}

const KEY_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A new access key as MinIO makes them: 20 characters of upper-case letters and digits. */
function newAccessKey(): string {
  let key = '';
  for (let i = 0; i < 20; i++) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return key;
}

/** A new 40-character secret (240 random bits). */
function newSecretKey(): string {
  return randomBytes(30).toString('base64url');
}

export class ServiceAccounts {
  private readonly compiled = new Map<string, { text: string; policy: Policy }>();

  constructor(
    private readonly state: IamState,
    private readonly rootAccessKey: string,
  ) {}

  /** Whether `accessKey` is a service account that may authenticate now. */
  active(accessKey: string, at = Date.now()): boolean {
    const sa = this.state.serviceAccounts.get(accessKey);
    if (sa?.status !== 'on') return false;
    if (sa.expiration !== undefined && Date.parse(sa.expiration) <= at) return false;
    if (sa.parent === this.rootAccessKey) return true;
    return this.state.users.get(sa.parent)?.status === 'enabled';
  }

  /** Creates a service account for `parent` (a user, or root), with generated keys unless given. */
  add(
    parent: string,
    req: NewServiceAccount,
  ): Promise<{ accessKey: string; secretKey: string; expiration?: string }> {
    if ((req.accessKey === undefined) !== (req.secretKey === undefined))
      throw new IamError('InvalidArgument', 'access key and secret key must be given together');
    const accessKey = req.accessKey ?? newAccessKey();
    const secretKey = req.secretKey ?? newSecretKey();
    checkAccessKey(accessKey);
    checkSecretKey(secretKey);
    if (req.name !== undefined) checkServiceAccountName(req.name);
    if (req.description !== undefined) checkServiceAccountDescription(req.description);
    const expiry = parseExpiration(req.expiration);
    if (req.policy !== undefined && req.policy !== '') compileIdentityPolicy(req.policy);
    return this.state.change(async () => {
      if (parent !== this.rootAccessKey && !this.state.users.has(parent))
        throw new IamError('NoSuchUser', `Specified target user ${parent} does not exist`);
      if (
        accessKey === this.rootAccessKey ||
        this.state.users.has(accessKey) ||
        this.state.serviceAccounts.has(accessKey)
      )
        throw new IamError('CredentialTaken', 'the access key is already in use');
      const rec: ServiceAccountRecord = { parent, secretKey, status: 'on', updatedAt: now() };
      if (req.policy) rec.policy = req.policy;
      if (req.name) rec.name = req.name;
      if (req.description) rec.description = req.description;
      if (expiry !== undefined) rec.expiration = new Date(expiry).toISOString();
      await this.state.save('serviceAccounts', accessKey, rec);
      return rec.expiration === undefined
        ? { accessKey, secretKey }
        : { accessKey, secretKey, expiration: rec.expiration };
    });
  }

  /** The service accounts `parent` owns, by access key. */
  list(parent: string): ServiceAccountSummary[] {
    const out: ServiceAccountSummary[] = [];
    for (const [key, sa] of this.state.serviceAccounts) if (sa.parent === parent) out.push(summary(key, sa));
    return out.sort((a, b) => (a.accessKey < b.accessKey ? -1 : 1));
  }

  info(accessKey: string): ServiceAccountSummary {
    return summary(accessKey, this.record(accessKey));
  }

  update(accessKey: string, req: ServiceAccountUpdate): Promise<void> {
    if (req.secretKey !== undefined) checkSecretKey(req.secretKey);
    if (req.name !== undefined) checkServiceAccountName(req.name);
    if (req.description !== undefined) checkServiceAccountDescription(req.description);
    const expiry = parseExpiration(req.expiration);
    if (req.policy) compileIdentityPolicy(req.policy);
    return this.state.change(async () => {
      const rec: ServiceAccountRecord = { ...this.record(accessKey), updatedAt: now() };
      if (req.status !== undefined) rec.status = req.status;
      if (req.secretKey !== undefined) rec.secretKey = req.secretKey;
      if (req.name !== undefined) rec.name = req.name;
      if (req.description !== undefined) rec.description = req.description;
      if (expiry !== undefined) rec.expiration = new Date(expiry).toISOString();
      if (req.policy === '') delete rec.policy;
      else if (req.policy !== undefined) rec.policy = req.policy;
      await this.state.save('serviceAccounts', accessKey, rec);
    });
  }

  remove(accessKey: string): Promise<void> {
    return this.state.change(async () => {
      this.record(accessKey);
      await this.state.save('serviceAccounts', accessKey, undefined);
    });
  }

  /** The compiled inline policy of a service account; undefined when it has none. */
  inlinePolicy(accessKey: string): Policy | undefined {
    const text = this.state.serviceAccounts.get(accessKey)?.policy;
    if (text === undefined) return undefined;
    const hit = this.compiled.get(accessKey);
    if (hit && hit.text === text) return hit.policy;
    const policy = compileIdentityPolicy(text);
    this.compiled.set(accessKey, { text, policy });
    return policy;
  }

  private record(accessKey: string): ServiceAccountRecord {
    const sa = this.state.serviceAccounts.get(accessKey);
    if (!sa) throw new IamError('NoSuchServiceAccount', 'The specified service account is not found');
    return sa;
  }
}

function summary(accessKey: string, sa: ServiceAccountRecord): ServiceAccountSummary {
  const out: ServiceAccountSummary = { accessKey, parent: sa.parent, status: sa.status };
  if (sa.policy !== undefined) out.policy = sa.policy;
  if (sa.name !== undefined) out.name = sa.name;
  if (sa.description !== undefined) out.description = sa.description;
  if (sa.expiration !== undefined) out.expiration = sa.expiration;
  return out;
}
