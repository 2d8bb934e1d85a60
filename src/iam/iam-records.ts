/**
 * IAM's persisted documents: one per entity in the system configuration store, JSON, under
 * `iam/users/<name>`, `iam/groups/<name>`, `iam/policies/<name>` and
 * `iam/service-accounts/<access key>`. Secrets are kept here (as MinIO keeps them in its IAM
 * store) and nowhere else; they leave the store only to verify signatures.
 */

export type UserStatus = 'enabled' | 'disabled';
/** MinIO's service-account statuses. */
export type ServiceAccountStatus = 'on' | 'off';

export interface UserRecord {
  secretKey: string;
  status: UserStatus;
  /** Names of the policies attached to the user. */
  policies: string[];
  updatedAt: string;
}

export interface GroupRecord {
  members: string[];
  status: UserStatus;
  policies: string[];
  updatedAt: string;
}

export interface PolicyRecord {
  /** The policy document as the client sent it (validated on the way in). */
  policy: string;
  createDate: string;
  updateDate: string;
}

export interface ServiceAccountRecord {
  /** The user that owns it, or the root user's access key. */
  parent: string;
  secretKey: string;
  status: ServiceAccountStatus;
  /** Inline policy that narrows the parent's rights; absent: the parent's rights as they are. */
  policy?: string;
  name?: string;
  description?: string;
  /** ISO time after which the key no longer authenticates. */
  expiration?: string;
  updatedAt: string;
}

export const IAM_PREFIX = {
  users: 'iam/users/',
  groups: 'iam/groups/',
  policies: 'iam/policies/',
  serviceAccounts: 'iam/service-accounts/',
} as const;

export function encodeRecord(rec: object): Buffer {
  return Buffer.from(JSON.stringify(rec), 'utf8');
}

export function decodeRecord<T>(doc: Buffer): T {
  return JSON.parse(doc.toString('utf8')) as T;
}
