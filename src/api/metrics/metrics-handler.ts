/**
 * MinIO's v2 metric paths, `/minio/v2/metrics/{cluster,node,bucket,resource}`, mounted before S3
 * addressing. By default a scrape must carry `Authorization: Bearer <token>` (prometheus-token.ts)
 * for a key whose policies allow `admin:Prometheus` (root always); anything else is 403
 * AccessDenied in the admin API's JSON, as MinIO answers. With the auth type `public`
 * (CAIRN_PROMETHEUS_AUTH_TYPE, MINIO_PROMETHEUS_AUTH_TYPE) no token is asked for.
 */
import type { AuthorizationRequest, Identity, IdentityStore } from '../../iam/authorizer.js';
import { AdminError, accessDenied, errorBody } from '../admin/admin-errors.js';
import type { AuthResult } from '../s3/auth/auth-result.js';
import { conditionContext } from '../s3/request-authorization.js';
import type { ApiRequest, Mount } from '../server.js';
import { METRICS_PATHS, type MetricsEndpoints, type MetricsPath } from './metrics-endpoints.js';
import { verifyPrometheusToken } from './prometheus-token.js';

export const METRICS_PREFIX = '/minio/v2/metrics/';

/** A bearer token is no AWS signature: a policy's condition sees the request as unsigned. */
const ANONYMOUS_AUTH: AuthResult = { kind: 'anonymous' };
const NO_QUERY = new URLSearchParams();

export type PrometheusAuthType = 'jwt' | 'public';

/** The API names requests to each path carry (in trace and logs), after MinIO's handler names. */
const API_NAMES: Record<MetricsPath, string> = {
  cluster: 'MetricsCluster',
  node: 'MetricsNode',
  bucket: 'MetricsBucket',
  resource: 'MetricsResource',
};

export interface MetricsMountOptions {
  endpoints: MetricsEndpoints;
  authType: PrometheusAuthType;
  identities: IdentityStore;
  /** Decides `admin:Prometheus` for a token's key on its identity policies (IamAuthorizer.allowsIdentity). */
  allows: (request: AuthorizationRequest) => boolean;
  /** The `server` label: this node's host:port. */
  server: () => string;
}

/**
 * The auth type named by `text` (the prometheus_auth_type setting: CAIRN_PROMETHEUS_AUTH_TYPE,
 * MINIO_PROMETHEUS_AUTH_TYPE): `public`, or `jwt`; anything else is an error.
 */
export function parsePrometheusAuthType(text: string): PrometheusAuthType {
  const value = text.trim().toLowerCase();
  if (value === 'jwt' || value === 'public') return value;
  throw new Error(`must be 'jwt' or 'public', not '${text}'`);
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length <= 7 || header.slice(0, 7).toLowerCase() !== 'bearer ')
    return undefined;
  return header.slice(7).trim();
}

function answerError(r: ApiRequest, err: AdminError, resource: string): void {
  const body = errorBody(err, resource, r.id);
  r.res
    .writeHead(err.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-amz-request-id': r.id,
    })
    .end(r.req.method === 'HEAD' ? undefined : body);
}

export function metricsMount(opts: MetricsMountOptions): Mount {
  const allowed = (r: ApiRequest): boolean => {
    if (opts.authType === 'public') return true;
    const token = bearerToken(r.req.headers.authorization);
    if (token === undefined) return false;
    const found: { identity?: Identity } = {};
    const accessKey = verifyPrometheusToken(token, (key) => {
      const identity = opts.identities.lookup(key);
      if (identity !== undefined) found.identity = identity;
      return identity?.secretKey;
    });
    const identity = found.identity;
    if (accessKey === undefined || identity === undefined) return false;
    r.facts.principal = accessKey;
    const principal = identity.principal;
    return opts.allows({
      principal,
      action: 'admin:Prometheus',
      resource: '*',
      conditions: () => conditionContext(r.req, ANONYMOUS_AUTH, NO_QUERY, principal),
    });
  };

  const handle = async (r: ApiRequest): Promise<void> => {
    const { req, res } = r;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const name = path.slice(METRICS_PREFIX.length) as MetricsPath;
    if (!METRICS_PATHS.includes(name)) {
      answerError(
        r,
        new AdminError('NotImplemented', 501, 'This metrics path is not served by this server.'),
        path,
      );
      return;
    }
    r.facts.api = API_NAMES[name];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answerError(
        r,
        new AdminError('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.'),
        path,
      );
      return;
    }
    // A scrape has no body; whatever came is drained so the connection can be reused.
    req.resume();
    if (!allowed(r)) {
      answerError(r, accessDenied(), path);
      return;
    }
    const text = await opts.endpoints.render(name, opts.server());
    res
      .writeHead(200, {
        'content-type': opts.endpoints.contentType,
        'content-length': Buffer.byteLength(text),
        'cache-control': 'no-store',
        'x-amz-request-id': r.id,
      })
      .end(req.method === 'HEAD' ? undefined : text);
  };

  return {
    prefix: METRICS_PREFIX,
    handle,
    renderError: (r, err) =>
      answerError(
        r,
        new AdminError(
          'InternalError',
          500,
          `Metrics could not be gathered: ${err instanceof Error ? err.message : String(err)}`,
        ),
        r.req.url ?? '',
      ),
  };
}
