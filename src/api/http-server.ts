import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleHealth } from './health/health.js';

export interface HttpServerOptions {
  /**
   * The S3 front. `continuePending` is true for a request that carries `Expect: 100-continue` and has
   * not been sent `100 Continue`: the handler sends it (res.writeContinue) when it is about to read
   * the body, so a request it refuses first never makes the client upload its body.
   */
  s3: (req: IncomingMessage, res: ServerResponse, continuePending: boolean) => void;
  isReady: () => boolean;
}

/** The public listener: health probes first, everything else is S3. */
export function createHttpServer(opts: HttpServerOptions): Server {
  const serve = (continuePending: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    if (handleHealth(req, res, opts.isReady)) return;
    opts.s3(req, res, continuePending);
  };
  const server = createServer(
    {
      // Uploads of many GiB take long: no whole-request deadline, but a client must finish
      // sending headers promptly and idle keep-alive sockets are reaped.
      requestTimeout: 0,
      headersTimeout: 60_000,
      keepAliveTimeout: 65_000,
      // S3 allows 8 KiB of user metadata plus the usual headers; 64 KiB leaves room and still
      // answers absurd header blocks with 431.
      maxHeaderSize: 64 * 1024,
    },
    serve(false),
  );
  // With a listener here Node no longer answers `Expect: 100-continue` by itself. If the answer is
  // final without a 100, Node closes the connection after it: the client may or may not send the
  // body anyway, so the connection cannot be reused safely.
  server.on('checkContinue', serve(true));
  return server;
}
