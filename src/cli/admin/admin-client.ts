import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { field } from '../../bench/client/s3-xml.js';
import { canonicalQuery, payloadSha256, SigV4Signer } from '../../bench/client/sigv4.js';
import type { AliasEntry } from './alias-config.js';
import { AdminCliError } from './command.js';

/** The admin API's prefix, as MinIO's madmin client calls it. */
export const ADMIN_PREFIX = '/minio/admin/v3';

const DEFAULT_TIMEOUT_MS = 30_000;
/** Admin answers are small documents; a longer one is not what we asked for. */
const MAX_RESPONSE_BYTES = 32 << 20;

export interface AdminRequest {
  query?: Record<string, string>;
  /** Sent as JSON; a Buffer is sent as is (a policy document read from a file). */
  body?: unknown;
}

/**
 * A SigV4-signed JSON client for one alias's admin API. Errors are AdminCliErrors carrying the
 * server's code and message; none of them ever contains the alias's secret key (it only feeds the
 * signing key).
 */
export class AdminClient {
  private readonly signer: SigV4Signer;
  private readonly host: string;

  constructor(
    private readonly alias: Pick<AliasEntry, 'url' | 'accessKey' | 'secretKey' | 'region'>,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.host = new URL(alias.url).host;
    this.signer = new SigV4Signer({
      accessKey: alias.accessKey,
      secretKey: alias.secretKey,
      region: alias.region,
    });
  }

  /** Calls `METHOD /minio/admin/v3/<api>` and returns the parsed JSON answer (undefined when empty). */
  async call(method: string, api: string, req: AdminRequest = {}): Promise<unknown> {
    const path = `${ADMIN_PREFIX}/${api}`;
    const query = canonicalQuery(req.query);
    const body =
      req.body === undefined
        ? Buffer.alloc(0)
        : Buffer.isBuffer(req.body)
          ? req.body
          : Buffer.from(JSON.stringify(req.body));
    const signed = this.signer.sign(method, this.host, path, query, payloadSha256(body));
    const headers: Record<string, string | number> = {
      ...signed,
      host: this.host,
      'content-length': body.length,
    };
    if (body.length > 0) headers['content-type'] = 'application/json';
    const { status, text } = await this.send(
      method,
      `${path}${query === '' ? '' : `?${query}`}`,
      headers,
      body,
    );
    if (status < 200 || status >= 300) {
      const err = serverError(status, text);
      // The S3 front answered instead: the path was taken for a bucket named "minio".
      if (status === 404 && (err.code === 'NoSuchBucket' || err.code === 'NoSuchKey')) {
        throw new AdminCliError(
          `${this.alias.url} does not serve the admin API (${ADMIN_PREFIX}/${api} answered ${err.code})`,
          'XCairnNoAdminApi',
        );
      }
      throw err;
    }
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new AdminCliError(
        `${this.alias.url} answered ${api} with something other than JSON: is it a Cairn or MinIO server?`,
        'XCairnInvalidResponse',
      );
    }
  }

  /**
   * Calls `GET /minio/admin/v3/<api>` whose answer is a stream of JSON lines (trace) and hands each
   * parsed line to `onRecord` until the server ends the stream or `signal` aborts (then it resolves).
   * A refusal rejects with the server's error. Only the answer's headers have a deadline.
   */
  stream(
    api: string,
    query: Record<string, string>,
    onRecord: (record: unknown) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const path = `${ADMIN_PREFIX}/${api}`;
    const qs = canonicalQuery(query);
    const signed = this.signer.sign('GET', this.host, path, qs, payloadSha256(Buffer.alloc(0)));
    const url = new URL(this.alias.url);
    const transport = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const req = transport({
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || undefined,
        method: 'GET',
        path: `${path}${qs === '' ? '' : `?${qs}`}`,
        headers: { ...signed, host: this.host },
      });
      const timer = setTimeout(
        () =>
          req.destroy(
            new AdminCliError(
              `${this.alias.url} did not answer within ${this.timeoutMs / 1000} s`,
              'XCairnTimeout',
            ),
          ),
        this.timeoutMs,
      );
      const onAbort = () => {
        req.destroy();
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (err?: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) resolve();
        else if (err === undefined) resolve();
        else reject(transportError(err, this.alias.url));
      };
      req.on('error', done);
      req.on('response', (res) => {
        clearTimeout(timer);
        let text = '';
        res.setEncoding('utf8');
        if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
          res.on('data', (chunk: string) => {
            if (text.length < 64 * 1024) text += chunk;
          });
          res.on('end', () => done(serverError(res.statusCode ?? 0, text)));
          return;
        }
        res.on('data', (chunk: string) => {
          text += chunk;
          let nl = text.indexOf('\n');
          while (nl >= 0) {
            const line = text.slice(0, nl).trim();
            text = text.slice(nl + 1);
            if (line !== '') {
              try {
                onRecord(JSON.parse(line));
              } catch {
                req.destroy(
                  new AdminCliError(
                    `${this.alias.url} sent a trace line that is not JSON`,
                    'XCairnInvalidResponse',
                  ),
                );
                return;
              }
            }
            nl = text.indexOf('\n');
          }
          if (text.length > MAX_RESPONSE_BYTES)
            req.destroy(new AdminCliError('a trace line is too long', 'XCairnInvalidResponse'));
        });
        res.on('end', () => done());
        res.on('error', done);
      });
      req.end();
    });
  }

  /** One exchange over node:http(s) (fetch refuses ports on its "bad ports" list, such as 6000). */
  private send(
    method: string,
    pathAndQuery: string,
    headers: Record<string, string | number>,
    body: Buffer,
  ): Promise<{ status: number; text: string }> {
    const url = new URL(this.alias.url);
    const transport = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      // The first reason the exchange ended wins: a deadline or an oversized answer destroys the
      // socket, and the errors that follow from that must not replace it.
      let reason: AdminCliError | undefined;
      const fail = (err: unknown) => {
        clearTimeout(timer);
        reject(reason ?? transportError(err, this.alias.url));
      };
      const abort = (err: AdminCliError) => {
        reason ??= err;
        req.destroy(err);
      };
      const req = transport(
        {
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port || undefined,
          method,
          path: pathAndQuery,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              abort(
                new AdminCliError(
                  `the answer is larger than ${MAX_RESPONSE_BYTES} bytes`,
                  'XCairnInvalidResponse',
                ),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', fail);
          res.on('end', () => {
            clearTimeout(timer);
            if (reason !== undefined) reject(reason);
            else resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      // The deadline covers the whole exchange, not just idle gaps: a server that trickles bytes
      // must not hold the command forever.
      const timer = setTimeout(
        () =>
          abort(
            new AdminCliError(
              `${this.alias.url} did not answer within ${this.timeoutMs / 1000} s`,
              'XCairnTimeout',
            ),
          ),
        this.timeoutMs,
      );
      req.on('error', fail);
      req.end(body);
    });
  }
}

/**
 * The error a refusal describes: the admin API's JSON `{Code, Message}`; an S3 XML error from a
 * server without the admin API; or the status alone.
 */
export function serverError(status: number, text: string): AdminCliError {
  try {
    const doc = JSON.parse(text) as { Code?: unknown; Message?: unknown };
    if (typeof doc.Code === 'string') {
      const message = typeof doc.Message === 'string' && doc.Message !== '' ? doc.Message : doc.Code;
      return new AdminCliError(`${message} (${doc.Code})`, doc.Code);
    }
  } catch {
    // not JSON: try S3's XML below
  }
  const code = field(text, 'Code');
  if (code !== undefined) {
    const message = field(text, 'Message') ?? code;
    return new AdminCliError(`${message} (${code}, HTTP ${status})`, code);
  }
  return new AdminCliError(`the server answered HTTP ${status}`, `HTTP${status}`);
}

function transportError(err: unknown, url: string): AdminCliError {
  if (err instanceof AdminCliError) return err;
  const e = err as NodeJS.ErrnoException;
  return new AdminCliError(`cannot reach ${url} (${e.code ?? e.message})`, 'XCairnServerUnreachable');
}
