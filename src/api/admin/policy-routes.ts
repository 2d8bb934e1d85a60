/**
 * Named policies: madmin's add-canned-policy, list-canned-policies, info-canned-policy,
 * remove-canned-policy, and the built-in IDP's policy attach and detach.
 */
import type { PolicyTarget } from '../../iam/iam-store.js';
import { type AdminContext, type AdminRoute, isObject, required } from './admin-context.js';
import { malformedJson } from './admin-errors.js';

async function attachOrDetach(ctx: AdminContext, attach: boolean) {
  const body = await ctx.json();
  if (!isObject(body))
    throw malformedJson(
      'the body must be {"policies": [...], "user": "..."} or {"policies": [...], "group": "..."}',
    );
  const { policies, user, group } = body;
  if (!Array.isArray(policies) || !policies.every((p) => typeof p === 'string'))
    throw malformedJson('policies must be a list of policy names');
  const hasUser = typeof user === 'string' && user !== '';
  const hasGroup = typeof group === 'string' && group !== '';
  if (hasUser === hasGroup) throw malformedJson('name exactly one of user or group');
  const target: PolicyTarget = hasUser ? { user: user as string } : { group: group as string };
  const iam = ctx.services.iam;
  const changed = attach
    ? await iam.attachPolicies(policies as string[], target)
    : await iam.detachPolicies(policies as string[], target);
  return {
    body: {
      [attach ? 'policiesAttached' : 'policiesDetached']: changed,
      ...(hasUser ? { user } : { group }),
      updatedAt: new Date().toISOString(),
    },
  };
}

export const POLICY_ROUTES: AdminRoute[] = [
  {
    method: 'PUT',
    path: 'add-canned-policy',
    api: 'AddCannedPolicy',
    action: 'admin:CreatePolicy',
    handle: async (ctx) => {
      const name = required(ctx, 'name');
      await ctx.services.iam.policies.add(name, await ctx.text());
      return undefined;
    },
  },
  {
    method: 'GET',
    path: 'list-canned-policies',
    api: 'ListCannedPolicies',
    action: 'admin:ListUserPolicies',
    handle: async (ctx) => {
      const lib = ctx.services.iam.policies;
      const body: Record<string, unknown> = {};
      for (const name of lib.names()) body[name] = JSON.parse(lib.info(name).text) as unknown;
      return { body };
    },
  },
  {
    method: 'GET',
    path: 'info-canned-policy',
    api: 'InfoCannedPolicy',
    action: 'admin:GetPolicy',
    handle: async (ctx) => {
      const name = required(ctx, 'name');
      const info = ctx.services.iam.policies.info(name);
      const policy = JSON.parse(info.text) as unknown;
      // Without v=2 MinIO answers the bare document (the old madmin call).
      if (ctx.query.get('v') !== '2') return { body: policy };
      const body: Record<string, unknown> = { PolicyName: name, Policy: policy };
      if (info.createDate) body.CreateDate = info.createDate;
      if (info.updateDate) body.UpdateDate = info.updateDate;
      return { body };
    },
  },
  {
    method: 'DELETE',
    path: 'remove-canned-policy',
    api: 'RemoveCannedPolicy',
    action: 'admin:DeletePolicy',
    handle: async (ctx) => {
      await ctx.services.iam.removePolicy(required(ctx, 'name'));
      return undefined;
    },
  },
  {
    method: 'POST',
    path: 'idp/builtin/policy/attach',
    api: 'AttachPolicyBuiltin',
    action: 'admin:AttachUserOrGroupPolicy',
    handle: (ctx) => attachOrDetach(ctx, true),
  },
  {
    method: 'POST',
    path: 'idp/builtin/policy/detach',
    api: 'DetachPolicyBuiltin',
    action: 'admin:AttachUserOrGroupPolicy',
    handle: (ctx) => attachOrDetach(ctx, false),
  },
];
