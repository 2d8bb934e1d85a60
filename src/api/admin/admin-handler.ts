/**
 * The admin API, mounted at `/minio/admin/v3/`: MinIO's madmin paths and JSON shapes for users,
 * groups, policies, service accounts and server info. Every request is SigV4-signed (service `s3`,
 * as mc signs it) and authorized: root, or a policy granting the route's `admin:` action. Bodies
 * are plain JSON: MinIO's madmin encrypts some bodies with the caller's secret; this server does
 * not. Errors are MinIO's JSON errors; a path it does not serve answers 501 NotImplemented.
 */
import type { IncomingMessage } from 'node:http';
import type { ConditionContext, Identity, Principal } from '../../iam/authorizer.js';
import { evaluatePolicy } from '../../iam/policy/policy.js';
import { recordPrincipal } from '../principal-facts.js';
import { openRequestBody } from '../s3/auth/request-body.js';
import { type AuthResult, authenticate } from '../s3/auth/sigv4.js';
import { conditionContext } from '../s3/request-authorization.js';
import type { ApiRequest, Mount } from '../server.js';
import { temporaryIdentity } from '../sts/session-identity.js';
import type { AdminContext, AdminRoute, AdminServices } from './admin-context.js';
import {
  AdminError,
  accessDenied,
  errorBody,
  invalidArgument,
  malformedJson,
  notImplemented,
  toAdminError,
} from './admin-errors.js';
import { ADMIN_ROUTES } from './admin-routes.js';

export const ADMIN_PREFIX = '/minio/admin/v3/';

/** MinIO's limit for admin request bodies (maxEConfigJSONSize). */
const MAX_BODY = 256 * 1024;

const NO_PRINCIPALS: readonly string[] = [];

const routes = new Map<string, AdminRoute>(ADMIN_ROUTES.map((r) => [`${r.method} ${r.path}`, r]));
const paths = new Set(ADMIN_ROUTES.map((r) => r.path));

function send(r: ApiRequest, status: number, body: string | undefined): void {
  const headers: Record<string, string | number> = {
    'x-amz-request-id': r.id,
    'content-length': body === undefined ? 0 : Buffer.byteLength(body),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  r.res.writeHead(status, headers).end(body);
}

function answerError(r: ApiRequest, err: unknown, resource: string): void {
  if (r.res.headersSent) {
    r.res.destroy();
    return;
  }
  let admin = toAdminError(err);
  if (!admin) {
    r.log.error('admin request failed', { method: r.req.method, resource, err });
    admin = new AdminError('InternalError', 500, 'We encountered an internal error, please try again.');
  }
  r.facts.errorCode = admin.code;
  // A refused request's body is not read: close rather than drain it.
  if (!r.req.readableEnded) r.res.setHeader('connection', 'close');
  send(r, admin.status, errorBody(admin, resource, r.id));
}

async function readBody(req: IncomingMessage, auth: AuthResult): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY)
    throw new AdminError(
      'XMinioAdminConfigTooLarge',
      400,
      'Configuration data provided exceeds the allowed maximum of 256 KiB',
    );
  const body = openRequestBody(req, auth);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new AdminError(
        'XMinioAdminConfigTooLarge',
        400,
        'Configuration data provided exceeds the allowed maximum of 256 KiB',
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The route for `METHOD sub`: exact, or a route serving subpaths (`heal/bucket/prefix`). */
function findRoute(method: string, sub: string): { route: AdminRoute | undefined; subpath: string } {
  const exact = routes.get(`${method} ${sub}`);
  if (exact) return { route: exact, subpath: '' };
  const slash = sub.indexOf('/');
  if (slash > 0) {
    const parent = routes.get(`${method} ${sub.slice(0, slash)}`);
    if (parent?.subpaths) return { route: parent, subpath: sub.slice(slash + 1) };
  }
  return { route: undefined, subpath: '' };
}

function decodeSubpath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidArgument('the path is not valid percent-encoded UTF-8');
  }
}

/** The user a principal acts for (MinIO's requestor parent user). */
function selfOf(p: Principal): string {
  switch (p.kind) {
    case 'root':
      return p.accessKey;
    case 'user':
      return p.name;
    case 'serviceAccount':
      return p.parent;
    case 'temporary':
      return selfOf(p.parent);
    default:
      return '';
  }
}

/**
 * Whether `principal` may perform admin `action`. Temporary credentials are decided as their
 * parent, narrowed by their session policy (as the S3 front's sessionAuthorizer decides).
 */
function allowsAdmin(
  services: AdminServices,
  principal: Principal,
  action: string,
  conditions: () => ConditionContext,
  denyOnly: boolean,
): boolean {
  let acting = principal;
  if (principal.kind === 'temporary') {
    if (principal.sessionPolicy !== undefined) {
      const verdict = evaluatePolicy(principal.sessionPolicy, {
        action,
        resource: '*',
        principals: NO_PRINCIPALS,
        conditions,
      });
      if (verdict === 'deny' || (!denyOnly && verdict !== 'allow')) return false;
    }
    acting = principal.parent;
  }
  return services.authorizer.allowsIdentity(
    { principal: acting, action, resource: '*', conditions },
    denyOnly,
  );
}

export function adminMount(services: AdminServices): Mount {
  const handle = async (r: ApiRequest): Promise<void> => {
    const { req } = r;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const resource = path;
    try {
      const method = (req.method ?? 'GET').toUpperCase();
      let identity: Identity | undefined;
      const auth = authenticate({ method, rawUrl: url, headers: req.headers }, (accessKey, sessionToken) => {
        // Temporary (STS) credentials act for their parent, as in MinIO (the console's sessions
        // are such credentials); a token is never silently ignored.
        identity =
          sessionToken === undefined
            ? services.iam.lookup(accessKey)
            : temporaryIdentity(services.sessions, accessKey, sessionToken);
        return identity?.secretKey;
      });
      if (auth.kind !== 'signed' || !identity) throw accessDenied();
      r.facts.principal = auth.accessKey;
      const principal = identity.principal;
      recordPrincipal(r.facts, principal);
      const sub = path.slice(ADMIN_PREFIX.length);
      const { route, subpath } = findRoute(method, sub);
      if (!route) {
        if (paths.has(sub))
          throw new AdminError(
            'MethodNotAllowed',
            405,
            'The specified method is not allowed against this resource.',
          );
        throw notImplemented();
      }
      r.facts.api = route.api;
      const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
      const conditions = () => conditionContext(req, auth, query, principal);
      let body: Promise<Buffer> | undefined;
      const ctx: AdminContext = {
        services,
        query,
        subpath: decodeSubpath(subpath),
        remoteAddress: req.socket.remoteAddress ?? '',
        principal,
        self: selfOf(principal),
        authorize: (action, denyOnly = false) => {
          if (!allowsAdmin(services, principal, action, conditions, denyOnly)) throw accessDenied();
        },
        text: async () => {
          // Expect: 100-continue: the client waits for this before it sends the body.
          if (r.continuePending && !r.res.headersSent) r.res.writeContinue();
          body ??= readBody(req, auth);
          return (await body).toString('utf8');
        },
        json: async () => {
          const text = await ctx.text();
          try {
            return JSON.parse(text) as unknown;
          } catch (err) {
            throw malformedJson((err as Error).message);
          }
        },
      };
      if (route.action !== undefined) ctx.authorize(route.action);
      const answer = await route.handle(ctx);
      // Whatever the route did not read is drained so the connection can be reused.
      if (body === undefined && !req.readableEnded) req.resume();
      if (answer?.stream !== undefined) {
        // MinIO's event-stream headers: no caching, and proxies must not buffer it.
        r.res.writeHead(200, {
          'x-amz-request-id': r.id,
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
        });
        answer.stream(r.res);
        return;
      }
      send(r, answer?.status ?? 200, answer?.body === undefined ? undefined : JSON.stringify(answer.body));
    } catch (err) {
      answerError(r, err, resource);
    }
  };
  return { prefix: ADMIN_PREFIX, handle, renderError: (r, err) => answerError(r, err, r.req.url ?? '') };
}
