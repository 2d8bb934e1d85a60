/**
 * The S3 side of the authorization step: the anonymous principal, the condition keys a policy
 * may test, and the check of a routed operation (and of a copy's source) against the Authorizer.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { type Authorizer, type ConditionContext, type Principal, s3Resource } from '../../iam/authorizer.js';
import type { AuthResult } from './auth/auth-result.js';
import { S3Error } from './errors.js';
import type { Route } from './router.js';

/** Who an unsigned request is. */
export const ANONYMOUS: Principal = { kind: 'anonymous' };

/**
 * AWS's aws:PrincipalType: `Account` for the root user, `User` for IAM users (and, as MinIO
 * reports them, their service accounts), `Anonymous` for unsigned requests.
 */
function principalType(p: Principal): string {
  return p.kind === 'anonymous' ? 'Anonymous' : p.kind === 'root' ? 'Account' : 'User';
}

/**
 * The user a request acts for, as aws:username and aws:userid carry it: the IAM user's name, a
 * service account's parent (MinIO's rule), the root user's access key as its id; none for anonymous.
 */
function userOf(p: Principal): { username?: string; userid?: string } {
  switch (p.kind) {
    case 'user':
      return { username: p.name, userid: p.name };
    case 'serviceAccount':
      return { username: p.parent, userid: p.parent };
    case 'root':
      return { userid: p.accessKey };
    default:
      return {};
  }
}

/** The global and S3 condition keys of a request, as IAM names them. */
export function conditionContext(
  req: IncomingMessage,
  auth: AuthResult,
  query: URLSearchParams,
  principal: Principal,
): ConditionContext {
  const now = new Date();
  const ctx: ConditionContext = {
    'aws:CurrentTime': [now.toISOString()],
    'aws:EpochTime': [String(Math.floor(now.getTime() / 1000))],
    'aws:SecureTransport': [String((req.socket as TLSSocket).encrypted === true)],
    'aws:PrincipalType': [principalType(principal)],
  };
  const add = (key: string, value: string | string[] | undefined) => {
    if (value !== undefined) ctx[key] = Array.isArray(value) ? value : [value];
  };
  add('aws:SourceIp', req.socket.remoteAddress?.replace(/^::ffff:/, ''));
  add('aws:UserAgent', req.headers['user-agent']);
  add('aws:Referer', req.headers.referer);
  const user = userOf(principal);
  add('aws:username', user.username);
  add('aws:userid', user.userid);
  if (auth.kind === 'signed') {
    add('s3:signatureversion', auth.signatureVersion === 4 ? 'AWS4-HMAC-SHA256' : 'AWS');
    add('s3:authType', auth.presigned ? 'REST-QUERY-STRING' : 'REST-HEADER');
  }
  for (const name of ['prefix', 'delimiter', 'max-keys', 'versionId'] as const) {
    add(`s3:${name}`, query.get(name) ?? undefined);
  }
  for (const name of ['x-amz-acl', 'x-amz-content-sha256', 'x-amz-copy-source', 'x-amz-storage-class']) {
    add(`s3:${name}`, req.headers[name]);
  }
  return ctx;
}

/**
 * Throws (or rejects with) AccessDenied unless `principal` may perform `action` on the bucket or
 * object. Synchronous when the authorizer decides synchronously (root, always), so the common
 * path costs no promise.
 */
export function authorizeAction(
  authorizer: Authorizer,
  principal: Principal,
  action: string,
  bucket: string | undefined,
  key: string | undefined,
  conditions: () => ConditionContext,
): void | Promise<void> {
  const decided = authorizer.authorize({ principal, action, resource: s3Resource(bucket, key), conditions });
  if (decided === true) return;
  if (decided === false) throw new S3Error('AccessDenied');
  return decided.then((allowed) => {
    if (!allowed) throw new S3Error('AccessDenied');
  });
}

/** The IAM action a routed request needs: the version variant when it names a versionId. */
export function routeAction(op: Route, query: URLSearchParams): string {
  return op.versionAction !== undefined && query.has('versionId') ? op.versionAction : op.action;
}
