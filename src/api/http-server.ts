import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleHealth } from './health/health.js';

export interface HttpServerOptions {
  s3: (req: IncomingMessage, res: ServerResponse) => void;
  isReady: () => boolean;
}

/** The public listener: health probes first, everything else is S3. */
export function createHttpServer(opts: HttpServerOptions): Server {
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
    (req, res) => {
      if (handleHealth(req, res, opts.isReady)) return;
      opts.s3(req, res);
    },
  );
  return server;
}
