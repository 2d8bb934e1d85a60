/** Groups: madmin's update-group-members, groups, group, set-group-status. */
import { type AdminContext, type AdminRoute, isObject, required } from './admin-context.js';
import { malformedJson } from './admin-errors.js';
import { parseStatus } from './user-routes.js';

async function updateMembers(ctx: AdminContext) {
  const body = await ctx.json();
  if (!isObject(body) || typeof body.group !== 'string')
    throw malformedJson('the body must be {"group": "...", "members": [...], "isRemove": false}');
  const members = body.members ?? [];
  if (!Array.isArray(members) || !members.every((m) => typeof m === 'string'))
    throw malformedJson('members must be a list of user names');
  const isRemove = body.isRemove === true;
  ctx.authorize(isRemove ? 'admin:RemoveUserFromGroup' : 'admin:AddUserToGroup');
  const status =
    body.groupStatus === undefined || body.groupStatus === '' ? undefined : parseStatus(body.groupStatus);
  await ctx.services.iam.updateGroupMembers(body.group, members as string[], isRemove, status);
  return undefined;
}

export const GROUP_ROUTES: AdminRoute[] = [
  { method: 'PUT', path: 'update-group-members', api: 'UpdateGroupMembers', handle: updateMembers },
  {
    method: 'GET',
    path: 'groups',
    api: 'ListGroups',
    action: 'admin:ListGroups',
    handle: async (ctx) => ({ body: ctx.services.iam.listGroups() }),
  },
  {
    method: 'GET',
    path: 'group',
    api: 'GetGroup',
    action: 'admin:GetGroup',
    handle: async (ctx) => {
      const g = ctx.services.iam.groupInfo(required(ctx, 'group'));
      return {
        body: {
          name: g.name,
          status: g.status,
          members: g.members,
          policy: g.policies.join(','),
          updatedAt: g.updatedAt,
        },
      };
    },
  },
  {
    method: 'PUT',
    path: 'set-group-status',
    api: 'SetGroupStatus',
    handle: async (ctx) => {
      const group = required(ctx, 'group');
      const status = parseStatus(required(ctx, 'status'));
      ctx.authorize(status === 'enabled' ? 'admin:EnableGroup' : 'admin:DisableGroup');
      await ctx.services.iam.setGroupStatus(group, status);
      return undefined;
    },
  },
];
