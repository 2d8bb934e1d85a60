/** Users: madmin's add-user, list-users, user-info, set-user-status, remove-user. */
import type { UserStatus } from '../../iam/iam-records.js';
import type { UserSummary } from '../../iam/iam-store.js';
import { type AdminContext, type AdminRoute, isObject, required } from './admin-context.js';
import { invalidArgument, malformedJson } from './admin-errors.js';

/** madmin's UserInfo, without the secret (never returned). */
function userInfoJson(u: UserSummary): Record<string, unknown> {
  const out: Record<string, unknown> = { status: u.status, updatedAt: u.updatedAt };
  if (u.policies.length > 0) out.policyName = u.policies.join(',');
  if (u.memberOf.length > 0) out.memberOf = u.memberOf;
  return out;
}

export function parseStatus(value: unknown): UserStatus {
  if (value === 'enabled' || value === 'disabled') return value;
  throw invalidArgument(`status must be 'enabled' or 'disabled'`);
}

async function addUser(ctx: AdminContext) {
  const name = required(ctx, 'accessKey');
  const body = await ctx.json();
  if (!isObject(body) || typeof body.secretKey !== 'string')
    throw malformedJson('the body must be {"secretKey": "...", "status": "enabled"}');
  const status = body.status === undefined || body.status === '' ? 'enabled' : parseStatus(body.status);
  await ctx.services.iam.addUser(name, body.secretKey, status);
  return undefined;
}

export const USER_ROUTES: AdminRoute[] = [
  { method: 'PUT', path: 'add-user', api: 'AddUser', action: 'admin:CreateUser', handle: addUser },
  {
    method: 'GET',
    path: 'list-users',
    api: 'ListUsers',
    action: 'admin:ListUsers',
    handle: async (ctx) => {
      const body: Record<string, unknown> = {};
      for (const [name, u] of ctx.services.iam.listUsers()) body[name] = userInfoJson(u);
      return { body };
    },
  },
  {
    method: 'GET',
    path: 'user-info',
    api: 'GetUserInfo',
    handle: async (ctx) => {
      const name = required(ctx, 'accessKey');
      // Users may read their own record (as MinIO allows); anyone else needs admin:GetUser.
      ctx.authorize('admin:GetUser', name === ctx.self && ctx.principal.kind === 'user');
      return { body: userInfoJson(ctx.services.iam.userInfo(name)) };
    },
  },
  {
    method: 'PUT',
    path: 'set-user-status',
    api: 'SetUserStatus',
    handle: async (ctx) => {
      const name = required(ctx, 'accessKey');
      const status = parseStatus(required(ctx, 'status'));
      ctx.authorize(status === 'enabled' ? 'admin:EnableUser' : 'admin:DisableUser');
      await ctx.services.iam.setUserStatus(name, status);
      return undefined;
    },
  },
  {
    method: 'DELETE',
    path: 'remove-user',
    api: 'RemoveUser',
    action: 'admin:DeleteUser',
    handle: async (ctx) => {
      await ctx.services.iam.removeUser(required(ctx, 'accessKey'));
      return undefined;
    },
  },
];
