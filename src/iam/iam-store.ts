/**
 * The IAM store: users, groups, named policies and their attachments, over IamState (documents in
 * the system configuration store, mirrored in memory). It is the IdentityStore the S3 and admin
 * fronts authenticate with: lookups are map reads, and a disabled user, or a service account that
 * is off, expired or whose parent is disabled or gone, stops authenticating with the next request.
 * Service accounts live in service-accounts.ts; policy compilation in policy-library.ts.
 */
import type { ObjectLayer } from '../object/object-layer.js';
import type { Identity, IdentityStore, Principal } from './authorizer.js';
import { IamError } from './iam-errors.js';
import type { GroupRecord, UserRecord, UserStatus } from './iam-records.js';
import { IamState, now } from './iam-state.js';
import { checkAccessKey, checkGroupName, checkPolicyName, checkSecretKey } from './iam-validation.js';
import { PolicyLibrary } from './policy-library.js';
import { ServiceAccounts } from './service-accounts.js';

export interface UserSummary {
  status: UserStatus;
  /** Attached policy names. */
  policies: string[];
  /** Groups the user is a member of. */
  memberOf: string[];
  updatedAt: string;
}

export interface GroupSummary {
  name: string;
  status: UserStatus;
  members: string[];
  policies: string[];
  updatedAt: string;
}

/** Who a policy is attached to. */
export type PolicyTarget = { user: string } | { group: string };

export interface RootUser {
  accessKey: string;
  secretKey: string;
}

export class IamStore implements IdentityStore {
  readonly policies: PolicyLibrary;
  readonly serviceAccounts: ServiceAccounts;
  private readonly rootIdentity: Identity;
  /** Identities by access key, rebuilt after any change (generation). */
  private identities = new Map<string, Identity>();
  private identitiesGeneration = -1;

  private constructor(
    private readonly state: IamState,
    readonly root: RootUser,
  ) {
    this.rootIdentity = { secretKey: root.secretKey, principal: { kind: 'root', accessKey: root.accessKey } };
    this.policies = new PolicyLibrary(state);
    this.serviceAccounts = new ServiceAccounts(state, root.accessKey);
  }

  /** Loads every IAM document (read quorum) and serves from memory thereafter. */
  static async open(objects: ObjectLayer, root: RootUser): Promise<IamStore> {
    const state = new IamState(objects);
    await state.load();
    return new IamStore(state, root);
  }

  /** Bumped by every change; caches derived from IAM key on it. */
  get generation(): number {
    return this.state.generation;
  }

  lookup(accessKey: string): Identity | undefined {
    if (accessKey === this.root.accessKey) return this.rootIdentity;
    if (this.identitiesGeneration !== this.state.generation) {
      this.identities = new Map();
      this.identitiesGeneration = this.state.generation;
    }
    let identity = this.identities.get(accessKey);
    if (identity === undefined) {
      identity = this.identityOf(accessKey);
      if (identity === undefined) return undefined;
      this.identities.set(accessKey, identity);
    }
    // Expiry is the one thing that changes without a change to IAM.
    if (identity.principal.kind === 'serviceAccount' && !this.serviceAccounts.active(accessKey))
      return undefined;
    return identity;
  }

  private identityOf(accessKey: string): Identity | undefined {
    const user = this.state.users.get(accessKey);
    if (user) {
      if (user.status !== 'enabled') return undefined;
      return { secretKey: user.secretKey, principal: { kind: 'user', accessKey, name: accessKey } };
    }
    const sa = this.state.serviceAccounts.get(accessKey);
    if (!sa || !this.serviceAccounts.active(accessKey)) return undefined;
    const principal: Principal = {
      kind: 'serviceAccount',
      accessKey,
      parent: sa.parent,
      parentIsRoot: sa.parent === this.root.accessKey,
    };
    return { secretKey: sa.secretKey, principal };
  }

  // ---- users ----

  /** Creates the user, or sets an existing one's secret and status (its policies stay). */
  addUser(name: string, secretKey: string, status: UserStatus = 'enabled'): Promise<void> {
    checkAccessKey(name);
    checkSecretKey(secretKey);
    if (name === this.root.accessKey)
      throw new IamError('CredentialTaken', 'a user may not have the root user access key');
    return this.state.change(async () => {
      if (this.state.serviceAccounts.has(name))
        throw new IamError('CredentialTaken', 'the access key belongs to a service account');
      const prev = this.state.users.get(name);
      await this.state.save('users', name, {
        secretKey,
        status,
        policies: prev?.policies ?? [],
        updatedAt: now(),
      });
    });
  }

  listUsers(): Map<string, UserSummary> {
    const out = new Map<string, UserSummary>();
    for (const name of [...this.state.users.keys()].sort()) out.set(name, this.userInfo(name));
    return out;
  }

  userInfo(name: string): UserSummary {
    const u = this.user(name);
    const memberOf = [...this.state.groups].filter(([, g]) => g.members.includes(name)).map(([g]) => g);
    return { status: u.status, policies: [...u.policies], memberOf: memberOf.sort(), updatedAt: u.updatedAt };
  }

  setUserStatus(name: string, status: UserStatus): Promise<void> {
    return this.state.change(async () => {
      const u = this.user(name);
      await this.state.save('users', name, { ...u, status, updatedAt: now() });
    });
  }

  /** Removes the user, its membership of every group and its service accounts (as MinIO does). */
  removeUser(name: string): Promise<void> {
    return this.state.change(async () => {
      this.user(name);
      for (const [key, sa] of this.state.serviceAccounts)
        if (sa.parent === name) await this.state.save('serviceAccounts', key, undefined);
      for (const [g, rec] of this.state.groups)
        if (rec.members.includes(name))
          await this.state.save('groups', g, {
            ...rec,
            members: rec.members.filter((m) => m !== name),
            updatedAt: now(),
          });
      await this.state.save('users', name, undefined);
    });
  }

  private user(name: string): UserRecord {
    const u = this.state.users.get(name);
    if (!u) throw new IamError('NoSuchUser', 'The specified user does not exist.');
    return u;
  }

  /** The user's record, if there is one (the authorizer reads its policies and groups). */
  userRecord(name: string): UserRecord | undefined {
    return this.state.users.get(name);
  }

  // ---- groups ----

  /**
   * Adds `members` to the group (making it when it does not exist), or with `isRemove` removes them;
   * `isRemove` with no members removes the group itself, which must be empty. Members must be users.
   */
  updateGroupMembers(
    group: string,
    members: string[],
    isRemove: boolean,
    status?: UserStatus,
  ): Promise<void> {
    checkGroupName(group);
    return this.state.change(async () => {
      const prev = this.state.groups.get(group);
      if (isRemove) {
        if (!prev) throw new IamError('NoSuchGroup', 'The specified group does not exist.');
        if (members.length === 0) {
          if (prev.members.length > 0)
            throw new IamError('GroupNotEmpty', 'The specified group is not empty - cannot remove it.');
          await this.state.save('groups', group, undefined);
          return;
        }
        const left = prev.members.filter((m) => !members.includes(m));
        await this.state.save('groups', group, { ...prev, members: left, updatedAt: now() });
        return;
      }
      for (const m of members) this.user(m);
      const merged = [...new Set([...(prev?.members ?? []), ...members])];
      const rec: GroupRecord = {
        members: merged,
        status: status ?? prev?.status ?? 'enabled',
        policies: prev?.policies ?? [],
        updatedAt: now(),
      };
      await this.state.save('groups', group, rec);
    });
  }

  listGroups(): string[] {
    return [...this.state.groups.keys()].sort();
  }

  groupInfo(name: string): GroupSummary {
    const g = this.group(name);
    return {
      name,
      status: g.status,
      members: [...g.members],
      policies: [...g.policies],
      updatedAt: g.updatedAt,
    };
  }

  setGroupStatus(name: string, status: UserStatus): Promise<void> {
    return this.state.change(async () => {
      const g = this.group(name);
      await this.state.save('groups', name, { ...g, status, updatedAt: now() });
    });
  }

  private group(name: string): GroupRecord {
    const g = this.state.groups.get(name);
    if (!g) throw new IamError('NoSuchGroup', 'The specified group does not exist.');
    return g;
  }

  /** The groups `user` is an enabled member of. */
  enabledGroupsOf(user: string): GroupRecord[] {
    const out: GroupRecord[] = [];
    for (const g of this.state.groups.values())
      if (g.status === 'enabled' && g.members.includes(user)) out.push(g);
    return out;
  }

  // ---- policy attachments ----

  /** Attaches the policies; every one must exist and none may be attached already. */
  attachPolicies(policies: string[], target: PolicyTarget): Promise<string[]> {
    return this.changeAttachments(policies, target, true);
  }

  /** Detaches the policies; every one must be attached. */
  detachPolicies(policies: string[], target: PolicyTarget): Promise<string[]> {
    return this.changeAttachments(policies, target, false);
  }

  private changeAttachments(policies: string[], target: PolicyTarget, attach: boolean): Promise<string[]> {
    if (policies.length === 0) throw new IamError('InvalidArgument', 'no policy to attach or detach');
    for (const p of policies) checkPolicyName(p);
    return this.state.change(async () => {
      const rec = 'user' in target ? this.user(target.user) : this.group(target.group);
      if (attach) for (const p of policies) this.policies.require(p);
      const current = new Set(rec.policies);
      for (const p of policies) {
        if (current.has(p) === attach)
          throw new IamError(
            'PolicyChangeAlreadyApplied',
            `policy ${p} is ${attach ? 'already attached' : 'not attached'}`,
          );
        if (attach) current.add(p);
        else current.delete(p);
      }
      const next = { ...rec, policies: [...current], updatedAt: now() };
      if ('user' in target) await this.state.save('users', target.user, next as UserRecord);
      else await this.state.save('groups', target.group, next as GroupRecord);
      return [...new Set(policies)];
    });
  }

  /** Removes a created policy; built-ins cannot be removed, nor a policy still attached. */
  removePolicy(name: string): Promise<void> {
    return this.state.change(async () => {
      this.policies.require(name);
      if (this.policies.isBuiltin(name))
        throw new IamError('ActionNotAllowed', `${name} is a built-in policy and cannot be removed`);
      const inUse =
        [...this.state.users.values()].some((u) => u.policies.includes(name)) ||
        [...this.state.groups.values()].some((g) => g.policies.includes(name));
      if (inUse) throw new IamError('PolicyInUse', 'The policy cannot be removed, as it is in use');
      await this.state.save('policies', name, undefined);
    });
  }
}
