/**
 * The console backend, mounted at `/api/` on the console listener: sign-in (the access key and
 * secret exchanged for temporary credentials held in an HttpOnly cookie), sign-out (the session
 * revoked server-side), the current session, and the S3 and admin APIs reached through
 * `/api/s3/…` and `/api/admin/…` with the session's credentials. A state-changing call must carry
 * `X-Cairn-Csrf: 1` (a header no other site's page can send without this server's CORS consent,
 * which it never gives) and, when the browser names its Origin, come from this site.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApiRequest, Mount } from '../api/server.js';
import type { IdentityStore } from '../iam/authorizer.js';
import { SessionTokenError } from '../iam/sts/session-token.js';
import { MAX_SESSION_SECONDS, type TemporaryCredentials } from '../iam/sts/temporary-credentials.js';
import { type ApiTarget, ForwardError, forwardToApi } from './api-forward.js';
import { LoginLimiter } from './login-limiter.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { clearedSessionCookie, sessionCookie, sessionFromRequest } from './session-cookie.js';

export const CSRF_HEADER = 'x-cairn-csrf';
const ADMIN_API_PREFIX = '/minio/admin/v3/';
const MAX_LOGIN_BODY = 4096;

export interface ConsoleApiOptions {
  identities: IdentityStore;
  sessions: TemporaryCredentials;
  /** The API listener, known once it listens. */
  api: () => ApiTarget;
  /** How long a console session lasts (seconds; at most 12 h, AssumeRole's longest). */
  sessionSeconds?: number;
  limiter?: LoginLimiter;
}

class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(r: ApiRequest, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  r.res
    .writeHead(status, {
      ...SECURITY_HEADERS,
      'cache-control': 'no-store',
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...extra,
    })
    .end(text);
}

/** Refuses a state-changing call without the console's header, or from another site's page. */
function checkCsrf(req: IncomingMessage): void {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return;
  if (req.headers[CSRF_HEADER] !== '1') {
    throw new ConsoleError(
      403,
      'CsrfRefused',
      `The request lacks the ${CSRF_HEADER} header the console sends.`,
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host)
      throw new ConsoleError(403, 'CsrfRefused', 'The request comes from another site.');
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_LOGIN_BODY)
      throw new ConsoleError(413, 'EntityTooLarge', 'The request body is too large.');
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ConsoleError(400, 'MalformedJSON', 'The request body is not a JSON object.');
}

export function consoleApiMount(opts: ConsoleApiOptions): Mount {
  const limiter = opts.limiter ?? new LoginLimiter();
  const seconds = Math.min(opts.sessionSeconds ?? MAX_SESSION_SECONDS, MAX_SESSION_SECONDS);
  // Secrets are compared as HMACs under a per-process key: equal length, constant time, and an
  // unknown access key costs the same as a wrong secret.
  const compareKey = randomBytes(32);
  const digest = (s: string) => createHmac('sha256', compareKey).update(s, 'utf8').digest();
  const unknownSecret = digest(randomBytes(32).toString('hex'));

  const login = async (r: ApiRequest) => {
    r.facts.api = 'ConsoleLogin';
    const client = r.req.socket.remoteAddress ?? '';
    const wait = limiter.retryAfter(client);
    if (wait > 0) {
      r.req.resume();
      sendJson(
        r,
        429,
        {
          code: 'TooManyRequests',
          message: `Too many failed sign-ins from this address; try again in ${wait} s.`,
        },
        { 'retry-after': String(wait) },
      );
      return;
    }
    const body = await readJson(r.req);
    const accessKey = typeof body.accessKey === 'string' ? body.accessKey : '';
    const secretKey = typeof body.secretKey === 'string' ? body.secretKey : '';
    const identity = accessKey === '' ? undefined : opts.identities.lookup(accessKey);
    const matches = timingSafeEqual(identity ? digest(identity.secretKey) : unknownSecret, digest(secretKey));
    if (identity === undefined || !matches) {
      limiter.fail(client);
      throw new ConsoleError(403, 'InvalidCredentials', 'The access key or the secret key is wrong.');
    }
    const { principal } = identity;
    if (principal.kind !== 'root' && principal.kind !== 'user') {
      throw new ConsoleError(
        501,
        'NotImplemented',
        'Signing in to the console with a service account is not implemented yet; sign in as its user.',
      );
    }
    r.facts.principal = principal.accessKey;
    const issued = opts.sessions.issue(principal, identity.secretKey, seconds);
    const session = { ...issued, expiresAt: issued.expiration.getTime() };
    sendJson(
      r,
      200,
      {
        user: principal.kind === 'user' ? principal.name : principal.accessKey,
        expiresAt: issued.expiration.toISOString(),
      },
      { 'set-cookie': sessionCookie(session) },
    );
  };

  /** The signed-in session of a request, checked as the API would: revoked, expired or orphaned is none. */
  const currentSession = (r: ApiRequest) => {
    const session = sessionFromRequest(r.req);
    if (session === undefined) return undefined;
    try {
      const identity = opts.sessions.identify(session.accessKey, session.sessionToken);
      if (identity === undefined || identity.principal.kind !== 'temporary') return undefined;
      return { session, parent: identity.principal.parent };
    } catch (err) {
      if (err instanceof SessionTokenError) return undefined;
      throw err;
    }
  };

  const noSession = () =>
    new ConsoleError(401, 'NoSession', 'You are not signed in, or your session has ended.');

  const route = async (r: ApiRequest) => {
    const { req } = r;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = (req.method ?? 'GET').toUpperCase();
    checkCsrf(req);
    if (path === '/api/login') {
      if (method !== 'POST') throw new ConsoleError(405, 'MethodNotAllowed', 'Use POST.');
      await login(r);
      return;
    }
    if (path === '/api/logout') {
      if (method !== 'POST') throw new ConsoleError(405, 'MethodNotAllowed', 'Use POST.');
      r.facts.api = 'ConsoleLogout';
      const current = currentSession(r);
      if (current !== undefined) opts.sessions.revoke(current.session.accessKey, current.session.expiresAt);
      req.resume();
      r.res.writeHead(204, { ...SECURITY_HEADERS, 'set-cookie': clearedSessionCookie() }).end();
      return;
    }
    if (path === '/api/session') {
      r.facts.api = 'ConsoleSession';
      const current = currentSession(r);
      // Not signed in is an answer, not an error: the page asks this on every load.
      if (current === undefined) {
        sendJson(r, 200, { signedIn: false });
        return;
      }
      const { parent } = current;
      sendJson(r, 200, {
        signedIn: true,
        user: parent.kind === 'user' ? parent.name : parent.accessKey,
        root: parent.kind === 'root',
        expiresAt: new Date(current.session.expiresAt).toISOString(),
      });
      return;
    }
    const s3 = path.startsWith('/api/s3/');
    if (!s3 && !path.startsWith('/api/admin/'))
      throw new ConsoleError(404, 'NotFound', 'No such console call.');
    r.facts.api = s3 ? 'ConsoleS3' : 'ConsoleAdmin';
    const session = sessionFromRequest(req);
    if (session === undefined) throw noSession();
    let rest: string;
    try {
      rest = decodeURIComponent(path.slice(s3 ? '/api/s3/'.length : '/api/admin/'.length));
    } catch {
      throw new ConsoleError(400, 'InvalidURI', 'The path is not valid percent-encoded UTF-8.');
    }
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    await forwardToApi(
      req,
      r.res,
      opts.api(),
      session,
      s3 ? `/${rest}` : `${ADMIN_API_PREFIX}${rest}`,
      query,
      !s3,
    );
  };

  return {
    prefix: '/api/',
    async handle(r) {
      // Refusals are answered here, not logged as server failures.
      try {
        await route(r);
      } catch (err) {
        answerError(r, err);
      }
    },
    renderError: answerError,
  };
}

function answerError(r: ApiRequest, err: unknown): void {
  if (r.res.headersSent) {
    r.res.destroy();
    return;
  }
  if (err instanceof ConsoleError || err instanceof ForwardError) {
    r.facts.errorCode = err.code;
    if (!r.req.readableEnded) r.res.setHeader('connection', 'close');
    sendJson(r, err.status, { code: err.code, message: err.message });
    return;
  }
  r.log.error('console request failed', { err });
  sendJson(r, 500, { code: 'InternalError', message: 'The console backend failed; see the server log.' });
}
