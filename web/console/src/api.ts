/**
 * The console's one API client: typed calls to the console backend (/api/login, /api/session,
 * /api/logout) and, through it, to the S3 and admin APIs with the session's credentials. No
 * component calls fetch itself. Every refusal becomes an ApiError carrying the S3 or admin error
 * code and a sentence for people.
 */

const CSRF = { 'X-Cairn-Csrf': '1' };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** S3 and admin error codes in words, for the ones a console user meets. */
const WORDS: Record<string, string> = {
  AccessDenied: 'Access denied: your policies do not allow this.',
  BucketAlreadyExists: 'That bucket name is taken.',
  BucketAlreadyOwnedByYou: 'You already have a bucket with that name.',
  BucketNotEmpty: 'The bucket is not empty: delete its objects first.',
  InvalidBucketName: 'That is not a valid bucket name (3–63 lower-case letters, digits, dots and hyphens).',
  NoSuchBucket: 'The bucket does not exist (any more).',
  ExpiredToken: 'Your session has ended: sign in again.',
  InvalidToken: 'Your session is not valid: sign in again.',
  NoSession: 'You are not signed in, or your session has ended.',
  InvalidCredentials: 'The access key or the secret key is wrong.',
  TooManyRequests: 'Too many failed sign-ins: wait a minute and try again.',
  XMinioAdminNotImplemented: 'The server does not implement this yet.',
  NotImplemented: 'The server does not implement this yet.',
};

/** A sentence for an error: the server's words for known codes, else its message, with the code. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const words = WORDS[err.code] ?? err.message;
    return `${words} (${err.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = JSON.parse(text) as { code?: string; message?: string; Code?: string; Message?: string };
      const code = body.code ?? body.Code ?? `HTTP${res.status}`;
      return new ApiError(res.status, code, body.message ?? body.Message ?? res.statusText);
    } catch {
      // fall through to the XML or status reading
    }
  }
  if (text.startsWith('<')) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const code = doc.querySelector('Error > Code')?.textContent ?? `HTTP${res.status}`;
    return new ApiError(
      res.status,
      code,
      doc.querySelector('Error > Message')?.textContent ?? res.statusText,
    );
  }
  return new ApiError(res.status, `HTTP${res.status}`, res.statusText || 'The request failed.');
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  if (method !== 'GET' && method !== 'HEAD') for (const [k, v] of Object.entries(CSRF)) headers.set(k, v);
  const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  if (!res.ok) throw await errorOf(res);
  return res;
}

export interface Session {
  user: string;
  root: boolean;
  expiresAt: string;
}

/** The signed-in session, or undefined when nobody is signed in. */
export async function getSession(): Promise<Session | undefined> {
  const body = (await (await call('/api/session')).json()) as
    | ({ signedIn: true } & Session)
    | { signedIn: false };
  return body.signedIn ? body : undefined;
}

export async function login(accessKey: string, secretKey: string): Promise<void> {
  await call('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey, secretKey }),
  });
}

export async function logout(): Promise<void> {
  await call('/api/logout', { method: 'POST' });
}

export interface Bucket {
  name: string;
  created: Date;
}

export async function listBuckets(): Promise<Bucket[]> {
  const xml = await (await call('/api/s3/')).text();
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  return [...doc.querySelectorAll('Buckets > Bucket')].map((b) => ({
    name: b.querySelector('Name')?.textContent ?? '',
    created: new Date(b.querySelector('CreationDate')?.textContent ?? 0),
  }));
}

export async function createBucket(name: string): Promise<void> {
  await call(`/api/s3/${encodeURIComponent(name)}`, { method: 'PUT' });
}

export async function deleteBucket(name: string): Promise<void> {
  await call(`/api/s3/${encodeURIComponent(name)}`, { method: 'DELETE' });
}

export interface BucketUsage {
  size: number;
  objectsCount: number;
}

/** Per-bucket usage from the scanner's counts (admin DataUsageInfo). */
export async function dataUsage(): Promise<Record<string, BucketUsage>> {
  const body = (await (await call('/api/admin/datausageinfo')).json()) as {
    bucketsUsageInfo?: Record<string, BucketUsage>;
  };
  return body.bucketsUsageInfo ?? {};
}
