import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { CairnProcess } from './cairn-process.js';
import { canonicalQuery, signRequest } from './sigv4-signer.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method: string;
  /** URI-encoded path, sent exactly as given (e.g. `/bucket/a%2F..%2Fb`). */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * Send these pieces as the body with `Transfer-Encoding: chunked` and no Content-Length, one HTTP
   * chunk each, waiting for the socket to drain between them (instead of `body`).
   */
  chunks?: readonly Buffer[];
  /** Sign with the server's root credentials (default true). */
  sign?: boolean;
  /** Signing time (default now), to probe clock skew. */
  date?: Date;
  /** Sign with this secret instead of the right one. */
  secretKey?: string;
  /** Sign the payload as UNSIGNED-PAYLOAD instead of its sha256. */
  unsignedPayload?: boolean;
  /** The x-amz-content-sha256 to sign and send, e.g. STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
  payloadHash?: string;
  /** Sign the header bytes as sent (latin1 of each char) rather than the UTF-8 of the strings. */
  signWireBytes?: boolean;
  timeoutMs?: number;
  /**
   * The answer may never end (an event stream such as admin trace): a 2xx resolves with its
   * headers and an empty body, then the connection is cut. Other answers are read whole.
   */
  streaming?: boolean;
}

type Server = Pick<CairnProcess, 'port' | 'accessKey' | 'secretKey' | 'region'>;

/** Sends one HTTP request to the server exactly as described (optionally SigV4-signed). */
export async function rawRequest(cairn: Server, req: RawRequest): Promise<RawResponse> {
  const body = typeof req.body === 'string' ? Buffer.from(req.body) : (req.body ?? Buffer.alloc(0));
  const host = `127.0.0.1:${cairn.port}`;
  let headers: Record<string, string> = { host, ...req.headers };
  if (req.chunks) headers['transfer-encoding'] = 'chunked';
  else if (body.length > 0 || ['PUT', 'POST'].includes(req.method))
    headers['content-length'] = String(body.length);
  if (req.sign !== false) {
    headers = signRequest({
      method: req.method,
      path: req.path,
      query: req.query ?? {},
      headers,
      payloadHash:
        req.payloadHash ??
        (req.unsignedPayload ? 'UNSIGNED-PAYLOAD' : createHash('sha256').update(body).digest('hex')),
      accessKey: cairn.accessKey,
      secretKey: req.secretKey ?? cairn.secretKey,
      region: cairn.region,
      ...(req.date ? { date: req.date } : {}),
      ...(req.signWireBytes ? { canonicalEncoding: 'latin1' as const } : {}),
    });
  }
  const qs = req.query ? canonicalQuery(req.query) : '';
  const path = qs ? `${req.path}?${qs}` : req.path;
  return new Promise((resolve, reject) => {
    const r = request(
      { host: '127.0.0.1', port: cairn.port, method: req.method, path, headers, agent: false },
      (res) => {
        if (req.streaming && (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
          r.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    r.setTimeout(req.timeoutMs ?? 30_000, () =>
      r.destroy(new Error(`no answer within ${req.timeoutMs ?? 30_000} ms`)),
    );
    r.on('error', reject);
    if (!req.chunks) {
      r.end(body);
      return;
    }
    const pieces = req.chunks;
    (async () => {
      for (const piece of pieces) {
        if (!r.write(piece)) await new Promise((done) => r.once('drain', done));
      }
      r.end();
    })().catch(reject);
  });
}

/** The Code and Message of an S3 XML error body, or undefined when the body is not one. */
export function parseS3Error(body: string): { code: string; message: string } | undefined {
  if (!/^\s*(<\?xml[^>]*\?>)?\s*<Error>/.test(body)) return undefined;
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  if (code === undefined) return undefined;
  return { code, message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '' };
}

interface Conversation {
  socket: Socket;
  /** Everything the server sent so far (latin1). */
  response(): string;
  /** Stops listening now (the connection is destroyed). */
  finish(): void;
}

/**
 * Opens a TCP connection and collects whatever the server sends until it closes, `idleMs` pass in
 * silence after some answer, or `timeoutMs` in all. `start` writes the request; `onData` may act
 * on the answer so far and return true to keep waiting without the idle clock.
 */
function converse(
  port: number,
  opts: { timeoutMs?: number; idleMs?: number },
  start: (c: Conversation) => void,
  onData?: (c: Conversation) => boolean,
): Promise<{ response: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let response = '';
    let closedByServer = false;
    let done = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(total);
      clearTimeout(idle);
      socket.destroy();
      resolve({ response, closedByServer });
    };
    const c: Conversation = { socket, response: () => response, finish };
    const total = setTimeout(finish, opts.timeoutMs ?? 10_000);
    socket.on('data', (d: Buffer) => {
      response += d.toString('latin1');
      clearTimeout(idle);
      if (onData?.(c)) return;
      idle = setTimeout(finish, opts.idleMs ?? 500);
    });
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    start(c);
  });
}

/**
 * Writes raw bytes to a TCP connection and collects whatever comes back (see `converse`). For
 * requests node:http will not send (truncated bodies, absurd headers).
 */
export function rawSocket(
  port: number,
  data: Buffer | string,
  opts: { endAfterWrite?: boolean; destroyAfterMs?: number; timeoutMs?: number; idleMs?: number } = {},
): Promise<{ response: string; closedByServer: boolean }> {
  return converse(port, opts, ({ socket, finish }) =>
    socket.write(data, () => {
      if (opts.endAfterWrite) socket.end();
      if (opts.destroyAfterMs !== undefined) setTimeout(finish, opts.destroyAfterMs);
    }),
  );
}

/**
 * Writes a request head that carries `Expect: 100-continue` and then, as curl and the AWS SDKs do,
 * writes `body` only once the server answers `100 Continue`. Collects everything the server sends
 * (see `converse`).
 */
export async function sendExpectingContinue(
  port: number,
  head: string,
  body: Buffer | string,
  opts: { timeoutMs?: number; idleMs?: number } = {},
): Promise<{ response: string; bodySent: boolean; closedByServer: boolean }> {
  let bodySent = false;
  const got = await converse(
    port,
    opts,
    ({ socket }) => socket.write(head),
    ({ socket, response }) => {
      if (bodySent || !/^HTTP\/1\.1 100 [^\r]*\r\n\r\n/.test(response())) return false;
      bodySent = true;
      socket.write(body);
      return true;
    },
  );
  return { ...got, bodySent };
}

/** True when the server answers its liveness probe. */
export async function isLive(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Asserts a response is the S3 XML error a client expects: the status, and a Code among `codes`
 * (several when S3 servers legitimately differ).
 */
export function assertS3Error(
  res: RawResponse,
  status: number | number[],
  codes: string | string[],
  what = '',
): void {
  const statuses = Array.isArray(status) ? status : [status];
  const allowed = Array.isArray(codes) ? codes : [codes];
  const shown = `${what}: ${res.status} ${res.body.slice(0, 400)}`;
  if (!statuses.includes(res.status)) throw new Error(`expected status ${statuses.join('/')}, got ${shown}`);
  const err = parseS3Error(res.body);
  if (!err) throw new Error(`expected an S3 XML error body, got ${shown}`);
  if (!allowed.includes(err.code)) throw new Error(`expected Code ${allowed.join('/')}, got ${shown}`);
  const type = String(res.headers['content-type'] ?? '');
  if (!/xml/.test(type)) throw new Error(`expected an XML content-type, got '${type}' for ${shown}`);
}

/**
 * The head (request line and headers, ending in a blank line) of a SigV4-signed request with an
 * UNSIGNED-PAYLOAD body, for writing to a raw socket: the body can then be cut short at will.
 */
export function signedRequestHead(
  cairn: Server,
  method: string,
  path: string,
  headers: Record<string, string>,
  query: Record<string, string> = {},
): string {
  const signed = signRequest({
    method,
    path,
    query,
    headers: { host: `127.0.0.1:${cairn.port}`, ...headers },
    payloadHash: 'UNSIGNED-PAYLOAD',
    accessKey: cairn.accessKey,
    secretKey: cairn.secretKey,
    region: cairn.region,
  });
  const lines = Object.entries(signed).map(([k, v]) => `${k}: ${v}`);
  const qs = canonicalQuery(query);
  return `${method} ${path}${qs ? `?${qs}` : ''} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
