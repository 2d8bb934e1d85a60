/**
 * Service accounts: madmin's add-, list-, info-, update- and delete-service-account. As in MinIO,
 * a user manages their own service accounts without admin rights (only an explicit Deny of the
 * action stops them), except updates, which need admin:UpdateServiceAccount.
 */
import type { ServiceAccountStatus } from '../../iam/iam-records.js';
import type { ServiceAccountSummary } from '../../iam/service-accounts.js';
import { type AdminContext, type AdminRoute, isObject, required } from './admin-context.js';
import { invalidArgument, malformedJson } from './admin-errors.js';

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw malformedJson(`${name} must be a string`);
  return v;
}

/** madmin sends an inline policy as a JSON object; an empty object (or null) means none. */
function policyText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (!isObject(v)) throw malformedJson('policy must be a JSON object');
  return Object.keys(v).length === 0 ? '' : JSON.stringify(v);
}

function parseAccountStatus(v: string): ServiceAccountStatus {
  if (v === 'on' || v === 'enabled') return 'on';
  if (v === 'off' || v === 'disabled') return 'off';
  throw invalidArgument(`status must be 'on' or 'off'`);
}

function accountJson(sa: ServiceAccountSummary): Record<string, unknown> {
  const out: Record<string, unknown> = {
    parentUser: sa.parent,
    accountStatus: sa.status,
    impliedPolicy: sa.policy === undefined,
    accessKey: sa.accessKey,
  };
  if (sa.name) out.name = sa.name;
  if (sa.description) out.description = sa.description;
  if (sa.expiration) out.expiration = sa.expiration;
  return out;
}

/** The caller may act on `owner`'s service accounts: it is theirs, or `action` is granted. */
function authorizeFor(ctx: AdminContext, owner: string, action: string): void {
  ctx.authorize(action, owner === ctx.self);
}

/** The combined document of a user's policies, as MinIO reports an implied policy. */
function impliedPolicy(ctx: AdminContext, owner: string): string {
  const iam = ctx.services.iam;
  const names = new Set(iam.userRecord(owner)?.policies ?? []);
  for (const g of iam.enabledGroupsOf(owner)) for (const n of g.policies) names.add(n);
  const statements: unknown[] = [];
  for (const n of [...names].sort()) {
    try {
      const doc = JSON.parse(iam.policies.info(n).text) as { Statement?: unknown };
      if (Array.isArray(doc.Statement)) statements.push(...doc.Statement);
      else if (doc.Statement !== undefined) statements.push(doc.Statement);
    } catch {
      // an attachment whose policy was removed meanwhile grants nothing
    }
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 1);
}

async function add(ctx: AdminContext) {
  const body = await ctx.json();
  if (!isObject(body)) throw malformedJson('the body must be a JSON object');
  const target = optionalString(body, 'targetUser') || ctx.self;
  authorizeFor(ctx, target, 'admin:CreateServiceAccount');
  const req: Record<string, string> = {};
  for (const name of ['accessKey', 'secretKey', 'name', 'description', 'expiration'] as const) {
    const v = optionalString(body, name);
    if (v !== undefined && v !== '') req[name] = v;
  }
  const policy = policyText(body.policy);
  if (policy) req.policy = policy;
  const creds = await ctx.services.iam.serviceAccounts.add(target, req);
  return { body: { credentials: creds } };
}

async function update(ctx: AdminContext) {
  const accessKey = required(ctx, 'accessKey');
  const accounts = ctx.services.iam.serviceAccounts;
  accounts.info(accessKey);
  ctx.authorize('admin:UpdateServiceAccount');
  const body = await ctx.json();
  if (!isObject(body)) throw malformedJson('the body must be a JSON object');
  const status = optionalString(body, 'newStatus');
  const secretKey = optionalString(body, 'newSecretKey');
  const name = optionalString(body, 'newName');
  const description = optionalString(body, 'newDescription');
  const expiration = optionalString(body, 'newExpiration');
  const policy = policyText(body.newPolicy);
  await accounts.update(accessKey, {
    ...(status ? { status: parseAccountStatus(status) } : {}),
    ...(secretKey ? { secretKey } : {}),
    ...(name ? { name } : {}),
    ...(description ? { description } : {}),
    ...(expiration ? { expiration } : {}),
    ...(policy !== undefined ? { policy } : {}),
  });
  return { status: 204 };
}

export const SERVICE_ACCOUNT_ROUTES: AdminRoute[] = [
  { method: 'PUT', path: 'add-service-account', api: 'AddServiceAccount', handle: add },
  { method: 'POST', path: 'update-service-account', api: 'UpdateServiceAccount', handle: update },
  {
    method: 'GET',
    path: 'list-service-accounts',
    api: 'ListServiceAccounts',
    handle: async (ctx) => {
      const owner = ctx.query.get('user') || ctx.self;
      authorizeFor(ctx, owner, 'admin:ListServiceAccounts');
      return { body: { accounts: ctx.services.iam.serviceAccounts.list(owner).map(accountJson) } };
    },
  },
  {
    method: 'GET',
    path: 'info-service-account',
    api: 'InfoServiceAccount',
    handle: async (ctx) => {
      const sa = ctx.services.iam.serviceAccounts.info(required(ctx, 'accessKey'));
      authorizeFor(ctx, sa.parent, 'admin:ListServiceAccounts');
      const implied = sa.policy === undefined;
      const body: Record<string, unknown> = {
        parentUser: sa.parent,
        accountStatus: sa.status,
        impliedPolicy: implied,
        policy: implied
          ? impliedPolicy(ctx, sa.parent)
          : JSON.stringify(JSON.parse(sa.policy as string), null, 1),
      };
      if (sa.name) body.name = sa.name;
      if (sa.description) body.description = sa.description;
      if (sa.expiration) body.expiration = sa.expiration;
      return { body };
    },
  },
  {
    method: 'DELETE',
    path: 'delete-service-account',
    api: 'DeleteServiceAccount',
    handle: async (ctx) => {
      const accessKey = required(ctx, 'accessKey');
      const accounts = ctx.services.iam.serviceAccounts;
      authorizeFor(ctx, accounts.info(accessKey).parent, 'admin:RemoveServiceAccount');
      await accounts.remove(accessKey);
      return undefined;
    },
  },
];
