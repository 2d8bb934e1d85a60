/**
 * The one HTTP server of a Cairn process. It dispatches each request by path prefix to a mounted
 * handler (health probes, S3; later admin, metrics), before S3 addressing reads a bucket name from
 * the path. It owns what every handler shares: the request id, a logger that carries it, the answer
 * for a handler that fails without answering, graceful shutdown, and the per-request completion
 * event that metrics, trace and audit subscribe to.
 */
import { createServer, type IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../util/logger.js';
import {
  type BandwidthLimits,
  limitedIncomingMessage,
  limitSocketWrites,
  setBandwidthExempt,
} from './bandwidth.js';
import { newRequestId } from './request-id.js';

/** What a handler learns about a request, reported in its completion event. */
export interface RequestFacts {
  /** The API's operation name (`PutObject`, `HealthReady`); empty until a handler names it. */
  api: string;
  bucket?: string;
  /** The object key, for object operations. */
  object?: string;
  /** The access key the request was authenticated as; absent for anonymous requests. */
  principal?: string;
  /** What the access key is: `root`, `user`, `serviceAccount`, `temporary`. */
  principalKind?: string;
  /** The user a service account or temporary credentials act for (MinIO's parentUser). */
  parentUser?: string;
  /** The error code answered (`NoSuchKey`, `AccessDenied`), when the request failed. */
  errorCode?: string;
}

export interface ApiRequest {
  readonly id: string;
  /** The prefix of the mount that answers it; '' when none does (404). */
  readonly mount: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /**
   * The request carries `Expect: 100-continue` and nothing has been sent: the handler sends
   * `100 Continue` (res.writeContinue) when it is about to read the body, so a request it refuses
   * first never makes the client upload its body.
   */
  readonly continuePending: boolean;
  /** Logs with this request's id. */
  readonly log: Logger;
  readonly facts: RequestFacts;
}

export interface Mount {
  /** Requests whose path starts with this are this handler's; the longest matching prefix wins. */
  prefix: string;
  /** Answers the request. A failure it lets escape is logged and answered by `renderError`. */
  handle(r: ApiRequest): void | Promise<void>;
  /** Answers an escaped failure in the handler's own format; a plain 500 when absent. */
  renderError?(r: ApiRequest, err: unknown): void;
  /**
   * Its traffic counts against the server's bandwidth limits (the S3 API). Control paths (health
   * probes, the admin API, metrics) leave this unset and are exempt, so a server under a tight
   * limit can still be probed, scraped and reconfigured.
   */
  bandwidthLimited?: boolean;
}

export interface RequestCompletion {
  requestId: string;
  /** When the request arrived. */
  time: Date;
  method: string;
  /** The path, without the query string (which may carry presigned credentials). */
  path: string;
  api: string;
  /** The prefix of the mount that answered ('/' for S3); '' when none did. */
  mount: string;
  bucket?: string;
  object?: string;
  principal?: string;
  principalKind?: string;
  parentUser?: string;
  status: number;
  errorCode?: string;
  /** The response did not finish: the client went away or the connection was cut. */
  canceled: boolean;
  /** Bytes read from and written to the connection for this request, headers included. */
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
  /** Time to the response's first byte (its status line and headers); absent when none was sent. */
  ttfbMs?: number;
  remoteAddress?: string;
  userAgent?: string;
}

export interface ApiServerOptions {
  mounts: Mount[];
  log: Logger;
  /**
   * Ingress and egress limits shared by all connections, changeable at run time (`setRate`). When
   * given, every connection is routed through them, at the cost of one check per chunk while they
   * are unlimited; when absent, nothing is.
   */
  bandwidth?: BandwidthLimits;
}

/** The path of a request URL, without the query (which may carry presigned credentials). */
function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

/** Connection byte counts at the end of the previous request on a keep-alive socket. */
const socketMarks = new WeakMap<Socket, { read: number; written: number }>();

/**
 * A response that notes when its head is written, for the completion event's time to first byte.
 * Every head goes through writeHead (Node's implicit headers on the first write or end call it
 * too). It notes nothing unless the request is watched (`watchedSince` set).
 */
class TimedResponse extends ServerResponse {
  watchedSince: number | undefined = undefined;
  headAt: number | undefined = undefined;

  // biome-ignore lint/suspicious/noExplicitAny: writeHead's overloads, passed through unchanged
  override writeHead(...args: any[]): this {
    if (this.watchedSince !== undefined && this.headAt === undefined) this.headAt = performance.now();
    return (super.writeHead as (...a: unknown[]) => this)(...args);
  }
}

export class ApiServer {
  readonly http: Server;
  private readonly mounts: Mount[];
  private readonly log: Logger;
  private readonly completionListeners = new Set<(c: RequestCompletion) => void>();
  private readonly startListeners = new Set<(r: ApiRequest) => void>();
  private readonly limited: boolean;

  constructor(opts: ApiServerOptions) {
    this.mounts = [...opts.mounts].sort((a, b) => b.prefix.length - a.prefix.length);
    this.log = opts.log;
    const bandwidth = opts.bandwidth;
    this.limited = bandwidth !== undefined;
    this.http = createServer(
      {
        ...(bandwidth === undefined ? {} : { IncomingMessage: limitedIncomingMessage(bandwidth.in) }),
        // Uploads of many GiB take long: no whole-request deadline, but a client must finish
        // sending headers promptly and idle keep-alive sockets are reaped.
        requestTimeout: 0,
        headersTimeout: 60_000,
        keepAliveTimeout: 65_000,
        // S3 allows 8 KiB of user metadata plus the usual headers; 64 KiB leaves room and still
        // answers absurd header blocks with 431.
        maxHeaderSize: 64 * 1024,
        // The typings want a class generic in its request type; ours serves IncomingMessage only.
        ServerResponse: TimedResponse as typeof ServerResponse,
      },
      (req, res) => this.dispatch(req, res, false),
    );
    // With a listener here Node no longer answers `Expect: 100-continue` by itself. If the answer
    // is final without a 100, Node closes the connection after it: the client may or may not send
    // the body anyway, so the connection cannot be reused safely.
    this.http.on('checkContinue', (req, res) => this.dispatch(req, res, true));
    if (bandwidth !== undefined)
      this.http.on('connection', (socket: Socket) => limitSocketWrites(socket, bandwidth.out));
  }

  /**
   * Calls `listener` once for every request when its response ends or is cut off. With no listener
   * the server does no per-request bookkeeping at all. Returns the unsubscribe function.
   */
  onComplete(listener: (c: RequestCompletion) => void): () => void {
    this.completionListeners.add(listener);
    return () => this.completionListeners.delete(listener);
  }

  /**
   * Calls `listener` for every request as it arrives, before its handler runs (so before the
   * handler names its API); with `onComplete` it brackets the request (in-flight counts). With no
   * listener nothing runs. Returns the unsubscribe function.
   */
  onStart(listener: (r: ApiRequest) => void): () => void {
    this.startListeners.add(listener);
    return () => this.startListeners.delete(listener);
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve(this.http.address() as AddressInfo);
      });
    });
  }

  /**
   * Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then cuts the
   * connections still open. Resolves once the server is closed.
   */
  close(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const force = setTimeout(() => this.http.closeAllConnections(), graceMs);
      force.unref();
      this.http.close(() => {
        clearTimeout(force);
        resolve();
      });
      // Idle keep-alive sockets would hold close() open; busy ones finish their request first.
      this.http.closeIdleConnections();
    });
  }

  private mountFor(path: string): Mount | undefined {
    return this.mounts.find((m) => path.startsWith(m.prefix));
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, continuePending: boolean): void {
    const id = newRequestId();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const base = this.log;
    let log: Logger | undefined;
    const mount = this.mountFor(path);
    const r: ApiRequest = {
      id,
      mount: mount?.prefix ?? '',
      req,
      res,
      continuePending,
      // Made on first use: most requests never log. By then the handler has usually named the
      // API, bucket and key, so they go on every line too.
      get log() {
        log ??= base.child({
          requestId: id,
          api: r.facts.api || undefined,
          bucket: r.facts.bucket,
          key: r.facts.object,
        });
        return log;
      },
      facts: { api: '' },
    };
    if (this.completionListeners.size > 0) this.watchCompletion(r, path);
    if (this.startListeners.size > 0) this.announce(r);
    if (this.limited) setBandwidthExempt(req.socket, mount?.bandwidthLimited !== true);
    if (mount === undefined) {
      res.writeHead(404, { 'content-length': '0' }).end();
      return;
    }
    try {
      const pending = mount.handle(r);
      if (pending) pending.catch((err) => this.fail(mount, r, err));
    } catch (err) {
      this.fail(mount, r, err);
    }
  }

  private fail(mount: Mount, r: ApiRequest, err: unknown): void {
    r.log.error('request failed', { method: r.req.method, path: pathOf(r.req.url), err });
    if (r.res.headersSent) {
      r.res.destroy();
      return;
    }
    if (mount.renderError) mount.renderError(r, err);
    else r.res.writeHead(500, { 'content-length': '0' }).end();
  }

  private announce(r: ApiRequest): void {
    for (const listener of this.startListeners) {
      try {
        listener(r);
      } catch (err) {
        this.log.error(`request start listener failed: ${String(err)}`);
      }
    }
  }

  private watchCompletion(r: ApiRequest, path: string): void {
    const time = new Date();
    const started = performance.now();
    const timed = r.res instanceof TimedResponse ? r.res : undefined;
    if (timed) timed.watchedSince = started;
    r.res.once('close', () => {
      const socket = r.req.socket;
      const mark = socketMarks.get(socket) ?? { read: 0, written: 0 };
      const read = socket.bytesRead;
      const written = socket.bytesWritten;
      socketMarks.set(socket, { read, written });
      const completion: RequestCompletion = {
        requestId: r.id,
        time,
        method: r.req.method ?? 'GET',
        path,
        api: r.facts.api,
        mount: r.mount,
        status: r.res.statusCode,
        canceled: !r.res.writableFinished,
        bytesIn: read - mark.read,
        bytesOut: written - mark.written,
        durationMs: performance.now() - started,
      };
      const { facts } = r;
      if (timed?.headAt !== undefined) completion.ttfbMs = timed.headAt - started;
      if (facts.bucket !== undefined) completion.bucket = facts.bucket;
      if (facts.object !== undefined) completion.object = facts.object;
      if (facts.principal !== undefined) completion.principal = facts.principal;
      if (facts.principalKind !== undefined) completion.principalKind = facts.principalKind;
      if (facts.parentUser !== undefined) completion.parentUser = facts.parentUser;
      if (facts.errorCode !== undefined) completion.errorCode = facts.errorCode;
      if (socket.remoteAddress !== undefined) completion.remoteAddress = socket.remoteAddress;
      const agent = r.req.headers['user-agent'];
      if (agent !== undefined) completion.userAgent = agent;
      for (const listener of this.completionListeners) {
        try {
          listener(completion);
        } catch (err) {
          this.log.error('request completion listener failed', { err });
        }
      }
    });
  }
}
