import { uriEncode } from '../../bench/client/sigv4.js';
import type { AdminClient } from './admin-client.js';
import { AdminCliError } from './command.js';

/**
 * The admin API's operations as typed calls: paths, query parameters and JSON shapes follow
 * MinIO's madmin (`/minio/admin/v3/…`), with plain (not encrypted) JSON bodies.
 */

export type Status = 'enabled' | 'disabled';

export interface UserInfo {
  status?: string;
  /** Comma-separated policy names, as madmin carries them. */
  policyName?: string;
  memberOf?: string[];
  updatedAt?: string;
}

export interface GroupInfo {
  name?: string;
  status?: string;
  members?: string[];
  policy?: string;
  updatedAt?: string;
}

export interface PolicyInfo {
  PolicyName?: string;
  Policy?: unknown;
  CreateDate?: string;
  UpdateDate?: string;
}

export type PolicyTarget = { user: string } | { group: string };

export interface PolicyAssociation {
  policiesAttached?: string[];
  policiesDetached?: string[];
  user?: string;
  group?: string;
}

export interface NewServiceAccount {
  targetUser?: string;
  accessKey?: string;
  secretKey?: string;
  policy?: unknown;
  name?: string;
  description?: string;
  expiration?: string;
}

export interface Credentials {
  accessKey: string;
  secretKey: string;
  expiration?: string;
}

export interface ServiceAccountSummary {
  parentUser?: string;
  accountStatus?: string;
  accessKey?: string;
  name?: string;
  description?: string;
  expiration?: string;
}

export interface ServiceAccountInfo {
  parentUser?: string;
  accountStatus?: string;
  impliedPolicy?: boolean;
  /** The inline policy as a JSON string. */
  policy?: string;
  name?: string;
  description?: string;
  expiration?: string;
}

export interface ServiceAccountUpdate {
  newStatus?: Status;
  newPolicy?: unknown;
  newSecretKey?: string;
  newName?: string;
  newDescription?: string;
  newExpiration?: string;
}

export interface DriveInfo {
  endpoint?: string;
  state?: string;
  totalspace?: number;
  usedspace?: number;
  availspace?: number;
}

export interface ServerProperties {
  endpoint?: string;
  state?: string;
  /** Seconds. */
  uptime?: number;
  version?: string;
  drives?: DriveInfo[];
}

export interface ServerInfo {
  mode?: string;
  region?: string;
  deploymentID?: string;
  buckets?: { count?: number };
  objects?: { count?: number };
  usage?: { size?: number };
  servers?: ServerProperties[];
}

/** One traced request as the server streams it (madmin's TraceInfo; the fields `trace` prints). */
export interface TraceInfo {
  funcname?: string;
  time?: string;
  path?: string;
  /** Nanoseconds. */
  dur?: number;
  msg?: string;
  error?: string;
  custom?: Record<string, string>;
  http?: {
    request?: { method?: string; path?: string; client?: string };
    response?: { statuscode?: number };
    stats?: { inputbytes?: number; outputbytes?: number };
  };
}

export interface TraceOptions {
  apis?: string[];
  bucket?: string;
  errorsOnly?: boolean;
}

/** A heal run's start answer (madmin.HealStartSuccess). */
export interface HealStart {
  clientToken: string;
  clientAddress?: string;
  startTime?: string;
}

/** A heal run's status (madmin.HealTaskStatus, with Cairn's counts). */
export interface HealTask {
  summary?: string;
  detail?: string;
  startTime?: string;
  endTime?: string;
  items?: { bucket?: string; object?: string; detail?: string }[];
  objectsScanned?: number;
  bytesScanned?: number;
  shardBytesVerified?: number;
  findings?: Record<string, number>;
}

/** The background heal status (madmin.BgHealState) with Cairn's heal and scanner status. */
export interface BackgroundHealState {
  ScannedItemsCount?: number;
  sets?: { disks?: { endpoint?: string; state?: string }[] }[];
  heal?: Record<string, unknown>;
  scanner?: Record<string, unknown>;
}

/** `bucket/prefix` as a path below `heal/`, each segment percent-encoded. */
function healPath(bucket: string, prefix: string): string {
  return `heal/${uriEncode([bucket, ...(prefix === '' ? [] : [prefix])].join('/'), true)}`;
}

export class AdminApi {
  constructor(private readonly client: AdminClient) {}

  /** Streams live requests to `onTrace` until `signal` aborts or the server ends the stream. */
  trace(opts: TraceOptions, onTrace: (t: TraceInfo) => void, signal: AbortSignal): Promise<void> {
    const query: Record<string, string> = { s3: 'true', err: String(opts.errorsOnly === true) };
    if (opts.apis !== undefined && opts.apis.length > 0) query.api = opts.apis.join(',');
    if (opts.bucket !== undefined) query.bucket = opts.bucket;
    return this.client.stream('trace', query, (r) => onTrace(r as TraceInfo), signal);
  }

  async addUser(accessKey: string, secretKey: string): Promise<void> {
    await this.client.call('PUT', 'add-user', {
      query: { accessKey },
      body: { secretKey, status: 'enabled' },
    });
  }

  async listUsers(): Promise<Record<string, UserInfo>> {
    return objectOf(await this.client.call('GET', 'list-users'), 'list-users') as Record<string, UserInfo>;
  }

  async userInfo(accessKey: string): Promise<UserInfo> {
    return objectOf(await this.client.call('GET', 'user-info', { query: { accessKey } }), 'user-info');
  }

  async setUserStatus(accessKey: string, status: Status): Promise<void> {
    await this.client.call('PUT', 'set-user-status', { query: { accessKey, status } });
  }

  async removeUser(accessKey: string): Promise<void> {
    await this.client.call('DELETE', 'remove-user', { query: { accessKey } });
  }

  /** Adds members (creating the group), removes them, or with isRemove and none deletes an empty group. */
  async updateGroupMembers(group: string, members: string[], isRemove: boolean): Promise<void> {
    await this.client.call('PUT', 'update-group-members', { body: { group, members, isRemove } });
  }

  async listGroups(): Promise<string[]> {
    const out = await this.client.call('GET', 'groups');
    if (out === undefined || out === null) return [];
    if (!Array.isArray(out)) throw unexpected('groups');
    return out.filter((g): g is string => typeof g === 'string');
  }

  async groupInfo(group: string): Promise<GroupInfo> {
    return objectOf(await this.client.call('GET', 'group', { query: { group } }), 'group');
  }

  async setGroupStatus(group: string, status: Status): Promise<void> {
    await this.client.call('PUT', 'set-group-status', { query: { group, status } });
  }

  /** Stores `document` (the policy's JSON bytes, as read) under `name`. */
  async addPolicy(name: string, document: Buffer): Promise<void> {
    await this.client.call('PUT', 'add-canned-policy', { query: { name }, body: document });
  }

  async listPolicies(): Promise<Record<string, unknown>> {
    return objectOf(await this.client.call('GET', 'list-canned-policies'), 'list-canned-policies');
  }

  async policyInfo(name: string): Promise<PolicyInfo> {
    return objectOf(
      await this.client.call('GET', 'info-canned-policy', { query: { name, v: '2' } }),
      'info-canned-policy',
    );
  }

  async removePolicy(name: string): Promise<void> {
    await this.client.call('DELETE', 'remove-canned-policy', { query: { name } });
  }

  async attachPolicies(policies: string[], target: PolicyTarget): Promise<PolicyAssociation> {
    return objectOf(
      await this.client.call('POST', 'idp/builtin/policy/attach', { body: { policies, ...target } }),
      'policy attach',
    );
  }

  async detachPolicies(policies: string[], target: PolicyTarget): Promise<PolicyAssociation> {
    return objectOf(
      await this.client.call('POST', 'idp/builtin/policy/detach', { body: { policies, ...target } }),
      'policy detach',
    );
  }

  async addServiceAccount(req: NewServiceAccount): Promise<Credentials> {
    const out = objectOf(
      await this.client.call('PUT', 'add-service-account', { body: req }),
      'add-service-account',
    );
    const creds = (out as { credentials?: Partial<Credentials> }).credentials;
    if (typeof creds?.accessKey !== 'string' || typeof creds.secretKey !== 'string') {
      throw unexpected('add-service-account');
    }
    return {
      accessKey: creds.accessKey,
      secretKey: creds.secretKey,
      ...(typeof creds.expiration === 'string' ? { expiration: creds.expiration } : {}),
    };
  }

  async listServiceAccounts(user: string): Promise<ServiceAccountSummary[]> {
    const out = objectOf(
      await this.client.call('GET', 'list-service-accounts', { query: { user } }),
      'list-service-accounts',
    ) as { accounts?: unknown };
    if (out.accounts === undefined || out.accounts === null) return [];
    if (!Array.isArray(out.accounts)) throw unexpected('list-service-accounts');
    return out.accounts as ServiceAccountSummary[];
  }

  async serviceAccountInfo(accessKey: string): Promise<ServiceAccountInfo> {
    return objectOf(
      await this.client.call('GET', 'info-service-account', { query: { accessKey } }),
      'info-service-account',
    );
  }

  async updateServiceAccount(accessKey: string, update: ServiceAccountUpdate): Promise<void> {
    await this.client.call('POST', 'update-service-account', { query: { accessKey }, body: update });
  }

  async deleteServiceAccount(accessKey: string): Promise<void> {
    await this.client.call('DELETE', 'delete-service-account', { query: { accessKey } });
  }

  async backgroundHealStatus(): Promise<BackgroundHealState> {
    return objectOf(await this.client.call('POST', 'background-heal/status'), 'background-heal/status');
  }

  /** Starts a heal run of `bucket` (every bucket when empty) under `prefix`; deep verifies bitrot. */
  async healStart(bucket: string, prefix: string, deep: boolean): Promise<HealStart> {
    const out = objectOf(
      await this.client.call('POST', healPath(bucket, prefix), {
        body: { recursive: true, scanMode: deep ? 2 : 1 },
      }),
      'heal',
    );
    if (typeof out.clientToken !== 'string') throw unexpected('heal');
    return out as unknown as HealStart;
  }

  async healTask(bucket: string, prefix: string, clientToken: string): Promise<HealTask> {
    return objectOf(
      await this.client.call('POST', healPath(bucket, prefix), { query: { clientToken } }),
      'heal',
    ) as HealTask;
  }

  async serverInfo(): Promise<ServerInfo> {
    return objectOf(await this.client.call('GET', 'info'), 'info');
  }

  /** Every dynamic setting, or the one named `key`. */
  async getConfig(key?: string): Promise<ConfigSetting[]> {
    const answer = objectOf(
      await this.client.call('GET', 'get-config-kv', { query: { key: key ?? '' } }),
      'get-config-kv',
    );
    return settingsOf(answer, 'get-config-kv');
  }

  /** Sets (stores and applies) dynamic settings; answers their new state. */
  async setConfig(changes: Record<string, string>): Promise<ConfigSetting[]> {
    const answer = objectOf(
      await this.client.call('PUT', 'set-config-kv', { body: changes }),
      'set-config-kv',
    );
    return settingsOf(answer, 'set-config-kv');
  }
}

/** A dynamic setting as get-config-kv and set-config-kv answer it. */
export interface ConfigSetting {
  key: string;
  value: string;
  source: string;
  origin?: string;
  stored?: string;
  default?: string;
  description?: string;
}

function settingsOf(answer: Record<string, unknown>, api: string): ConfigSetting[] {
  const list = answer.settings;
  if (!Array.isArray(list) || list.some((s) => typeof s?.key !== 'string')) throw unexpected(api);
  return list as ConfigSetting[];
}

function objectOf(value: unknown, api: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw unexpected(api);
  return value as Record<string, unknown>;
}

function unexpected(api: string): AdminCliError {
  return new AdminCliError(`the server's answer to ${api} is not the expected JSON`, 'XCairnInvalidResponse');
}
