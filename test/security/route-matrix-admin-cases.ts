/**
 * For each admin route (by `METHOD path` below /minio/admin/v3/): how to make a request that
 * succeeds when the caller is allowed, with the root user preparing what it needs (a user to
 * remove, a policy to attach, a service account to delete), and the `admin:` action that is
 * exactly the right for it. The matrix test fails when a route has no case.
 */
import type { Fixtures } from './route-matrix-s3-cases.js';

export interface AdminRequest {
  method: string;
  /** Below /minio/admin/v3/. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** The answer is an endless stream: the call ends once a 2xx's headers arrive. */
  streaming?: boolean;
}

export interface AdminCase {
  action: string;
  request: (f: AdminFixtures) => Promise<AdminRequest>;
}

export interface AdminFixtures extends Fixtures {
  /** An admin call as root that must succeed; returns the parsed JSON answer, if any. */
  admin: (req: AdminRequest) => Promise<unknown>;
}

/** A user (with a group and a service account) that the admin cases read and change. */
export const OWNER = 'matrix-owner';
export const GROUP = 'matrix-group';

const POLICY_DOC = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::matrix/*'] }],
};

async function newPolicy(f: AdminFixtures): Promise<string> {
  const name = f.unique('matrix-policy');
  await f.admin({ method: 'PUT', path: 'add-canned-policy', query: { name }, body: POLICY_DOC });
  return name;
}

async function newServiceAccount(f: AdminFixtures): Promise<string> {
  const answer = (await f.admin({
    method: 'PUT',
    path: 'add-service-account',
    body: { targetUser: OWNER },
  })) as { credentials?: { accessKey?: string } };
  const key = answer.credentials?.accessKey;
  if (key === undefined) throw new Error(`fixture service account: ${JSON.stringify(answer)}`);
  return key;
}

export const ADMIN_CASES: Record<string, AdminCase> = {
  'PUT add-user': {
    action: 'admin:CreateUser',
    request: async (f) => ({
      method: 'PUT',
      path: 'add-user',
      query: { accessKey: f.unique('matrix-user') },
      body: { secretKey: 'matrix-secret-123', status: 'enabled' },
    }),
  },
  'GET list-users': {
    action: 'admin:ListUsers',
    request: async () => ({ method: 'GET', path: 'list-users' }),
  },
  'GET user-info': {
    action: 'admin:GetUser',
    request: async () => ({ method: 'GET', path: 'user-info', query: { accessKey: OWNER } }),
  },
  'PUT set-user-status': {
    action: 'admin:EnableUser',
    request: async () => ({
      method: 'PUT',
      path: 'set-user-status',
      query: { accessKey: OWNER, status: 'enabled' },
    }),
  },
  'DELETE remove-user': {
    action: 'admin:DeleteUser',
    request: async (f) => {
      const name = f.unique('matrix-gone');
      await f.admin({
        method: 'PUT',
        path: 'add-user',
        query: { accessKey: name },
        body: { secretKey: 'gone-secret-123' },
      });
      return { method: 'DELETE', path: 'remove-user', query: { accessKey: name } };
    },
  },
  'PUT update-group-members': {
    action: 'admin:AddUserToGroup',
    request: async () => ({
      method: 'PUT',
      path: 'update-group-members',
      body: { group: GROUP, members: [OWNER], isRemove: false },
    }),
  },
  'GET groups': { action: 'admin:ListGroups', request: async () => ({ method: 'GET', path: 'groups' }) },
  'GET group': {
    action: 'admin:GetGroup',
    request: async () => ({ method: 'GET', path: 'group', query: { group: GROUP } }),
  },
  'PUT set-group-status': {
    action: 'admin:EnableGroup',
    request: async () => ({
      method: 'PUT',
      path: 'set-group-status',
      query: { group: GROUP, status: 'enabled' },
    }),
  },
  'PUT add-canned-policy': {
    action: 'admin:CreatePolicy',
    request: async (f) => ({
      method: 'PUT',
      path: 'add-canned-policy',
      query: { name: f.unique('matrix-new-policy') },
      body: POLICY_DOC,
    }),
  },
  'GET list-canned-policies': {
    action: 'admin:ListUserPolicies',
    request: async () => ({ method: 'GET', path: 'list-canned-policies' }),
  },
  'GET info-canned-policy': {
    action: 'admin:GetPolicy',
    request: async () => ({ method: 'GET', path: 'info-canned-policy', query: { name: 'readonly' } }),
  },
  'DELETE remove-canned-policy': {
    action: 'admin:DeletePolicy',
    request: async (f) => ({
      method: 'DELETE',
      path: 'remove-canned-policy',
      query: { name: await newPolicy(f) },
    }),
  },
  'POST idp/builtin/policy/attach': {
    action: 'admin:AttachUserOrGroupPolicy',
    request: async (f) => ({
      method: 'POST',
      path: 'idp/builtin/policy/attach',
      body: { policies: [await newPolicy(f)], user: OWNER },
    }),
  },
  'POST idp/builtin/policy/detach': {
    action: 'admin:AttachUserOrGroupPolicy',
    request: async (f) => {
      const name = await newPolicy(f);
      await f.admin({
        method: 'POST',
        path: 'idp/builtin/policy/attach',
        body: { policies: [name], user: OWNER },
      });
      return { method: 'POST', path: 'idp/builtin/policy/detach', body: { policies: [name], user: OWNER } };
    },
  },
  'PUT add-service-account': {
    action: 'admin:CreateServiceAccount',
    request: async () => ({ method: 'PUT', path: 'add-service-account', body: { targetUser: OWNER } }),
  },
  'POST update-service-account': {
    action: 'admin:UpdateServiceAccount',
    request: async (f) => ({
      method: 'POST',
      path: 'update-service-account',
      query: { accessKey: await newServiceAccount(f) },
      body: { newDescription: 'changed by the matrix' },
    }),
  },
  'GET list-service-accounts': {
    action: 'admin:ListServiceAccounts',
    request: async () => ({ method: 'GET', path: 'list-service-accounts', query: { user: OWNER } }),
  },
  'GET info-service-account': {
    action: 'admin:ListServiceAccounts',
    request: async (f) => ({
      method: 'GET',
      path: 'info-service-account',
      query: { accessKey: await newServiceAccount(f) },
    }),
  },
  'DELETE delete-service-account': {
    action: 'admin:RemoveServiceAccount',
    request: async (f) => ({
      method: 'DELETE',
      path: 'delete-service-account',
      query: { accessKey: await newServiceAccount(f) },
    }),
  },
  'GET info': { action: 'admin:ServerInfo', request: async () => ({ method: 'GET', path: 'info' }) },
  'GET datausageinfo': {
    action: 'admin:DataUsageInfo',
    request: async () => ({ method: 'GET', path: 'datausageinfo' }),
  },
  'GET trace': {
    action: 'admin:ServerTrace',
    request: async () => ({ method: 'GET', path: 'trace', query: { s3: 'true' }, streaming: true }),
  },
  // A heal run of the matrix bucket (started anew each time: forceStart).
  'POST heal': {
    action: 'admin:Heal',
    request: async () => ({
      method: 'POST',
      path: 'heal/matrix',
      query: { forceStart: 'true' },
      body: { recursive: true, scanMode: 1 },
    }),
  },
  'POST background-heal/status': {
    action: 'admin:Heal',
    request: async () => ({ method: 'POST', path: 'background-heal/status' }),
  },
  'GET get-config-kv': {
    action: 'admin:ConfigUpdate',
    request: async () => ({ method: 'GET', path: 'get-config-kv', query: { key: 'capacity' } }),
  },
  'PUT set-config-kv': {
    action: 'admin:ConfigUpdate',
    // An empty value drops the stored one: the server keeps its default (no capacity limit).
    request: async () => ({ method: 'PUT', path: 'set-config-kv', body: { capacity: '' } }),
  },
};

/** The user, group and service account the admin cases work on. */
export async function makeAdminFixtures(f: AdminFixtures): Promise<void> {
  await f.admin({
    method: 'PUT',
    path: 'add-user',
    query: { accessKey: OWNER },
    body: { secretKey: 'owner-secret-123' },
  });
  await f.admin({ method: 'PUT', path: 'update-group-members', body: { group: GROUP, members: [OWNER] } });
}
