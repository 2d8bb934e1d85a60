/**
 * Forwards a console request to the S3 or admin API over loopback, signed with the session's
 * temporary credentials: the API authenticates and authorizes it exactly as any client's, so the
 * console can do no more than the signed-in user. Only headers a client may set about the content
 * and conditions pass; the answer comes back with its status, content headers and body unchanged.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './security-headers.js';
import {
  canonicalQueryOf,
  type SessionCredentials,
  signRequest,
  sigv4Encode,
  UNSIGNED_PAYLOAD,
} from './session-signer.js';

/** Where the API listens (a loopback address when it listens on all interfaces). */
export interface ApiTarget {
  host: string;
  port: number;
  region: string;
}

/** Admin bodies are small JSON documents (MinIO's limit is 256 KiB); they are hashed and signed. */
const MAX_SIGNED_BODY = 256 * 1024;

const REQUEST_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-md5',
  'content-disposition',
  'content-encoding',
  'content-language',
  'cache-control',
  'expires',
  'range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
]);
/** x-amz-* headers the signer sets itself; a browser's own are dropped. */
const SIGNER_HEADERS = new Set([
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'authorization',
]);
const RESPONSE_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-range',
  'content-disposition',
  'content-encoding',
  'content-language',
  'accept-ranges',
  'etag',
  'last-modified',
  'retry-after',
]);

export class ForwardError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Sends `req` to the API as `apiPath` (a decoded path, `/bucket/key` or
 * `/minio/admin/v3/datausageinfo`) with `query`, signed with `creds`, and pipes the answer to `res`.
 * `signBody`: the body is read (at most 256 KiB) and its hash signed, as the admin API requires.
 */
export async function forwardToApi(
  req: IncomingMessage,
  res: ServerResponse,
  target: ApiTarget,
  creds: SessionCredentials,
  apiPath: string,
  query: URLSearchParams,
  signBody: boolean,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value !== 'string') continue;
    if (REQUEST_HEADERS.has(name) || (name.startsWith('x-amz-') && !SIGNER_HEADERS.has(name)))
      headers[name] = value;
  }
  const hostHeader = target.host.includes(':')
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;
  headers.host = hostHeader;
  const path = sigv4Encode(apiPath, true);
  const canonicalQuery = canonicalQueryOf(query);
  let body: Buffer | undefined;
  let payloadHash = UNSIGNED_PAYLOAD;
  if (signBody) {
    body = await readBody(req, MAX_SIGNED_BODY);
    headers['content-length'] = String(body.length);
    payloadHash = createHash('sha256').update(body).digest('hex');
  } else if (headers['content-length'] === undefined && req.headers['transfer-encoding'] !== undefined) {
    throw new ForwardError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  signRequest(creds, target.region, method, path, canonicalQuery, headers, payloadHash);
  await new Promise<void>((resolve, reject) => {
    const upstream = httpRequest(
      {
        host: target.host,
        port: target.port,
        method,
        path: canonicalQuery === '' ? path : `${path}?${canonicalQuery}`,
        headers,
      },
      (answer) => {
        const out: Record<string, string | string[]> = { ...SECURITY_HEADERS, 'cache-control': 'no-store' };
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && RESPONSE_HEADERS.has(name)) out[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', reject);
      },
    );
    upstream.on('error', reject);
    // The browser went away: stop the API's work too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body !== undefined) upstream.end(body);
    else req.pipe(upstream);
  });
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        req.destroy();
        reject(new ForwardError(413, 'EntityTooLarge', 'The request body is too large.'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
