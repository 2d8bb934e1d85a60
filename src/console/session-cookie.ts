/**
 * The console session cookie: the session's temporary credentials, readable only by the server
 * (HttpOnly: no browser script sees the secret), sent only by this site's own pages
 * (SameSite=Strict) and only to the console backend (Path=/api/).
 */
import type { IncomingMessage } from 'node:http';
import type { SessionCredentials } from './session-signer.js';

export const SESSION_COOKIE = 'cairn_console_session';

/** The credentials in a session cookie, and when the session ends (ms). */
export interface ConsoleSession extends SessionCredentials {
  expiresAt: number;
}

/** The Set-Cookie value that hands `session` to the browser until it expires. */
export function sessionCookie(session: ConsoleSession, now = Date.now(), secure = false): string {
  const value = Buffer.from(
    JSON.stringify([session.accessKey, session.secretKey, session.sessionToken, session.expiresAt]),
    'utf8',
  ).toString('base64url');
  const maxAge = Math.max(0, Math.floor((session.expiresAt - now) / 1000));
  return `${SESSION_COOKIE}=${value}; Path=/api/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(secure = false): string {
  return `${SESSION_COOKIE}=; Path=/api/; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The session a request's cookie carries; undefined when there is none or it is not ours. */
export function sessionFromRequest(req: IncomingMessage): ConsoleSession | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    return parseSession(part.slice(eq + 1).trim());
  }
  return undefined;
}

function parseSession(value: string): ConsoleSession | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
    const [accessKey, secretKey, sessionToken, expiresAt] = parsed as unknown[];
    if (
      typeof accessKey !== 'string' ||
      typeof secretKey !== 'string' ||
      typeof sessionToken !== 'string' ||
      typeof expiresAt !== 'number'
    ) {
      return undefined;
    }
    return { accessKey, secretKey, sessionToken, expiresAt };
  } catch {
    return undefined;
  }
}
