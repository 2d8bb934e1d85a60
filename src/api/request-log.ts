/**
 * One debug line per request (request id, API, bucket, status, duration), from the server's
 * completion event. Subscribed only when the logger writes debug lines, so at the default level
 * requests pay nothing for it.
 */
import type { Logger } from '../util/logger.js';
import type { ApiServer } from './server.js';

export function logRequests(server: ApiServer, log: Logger): void {
  if (!log.enabled('debug')) return;
  server.onComplete((c) =>
    log.debug('request', {
      requestId: c.requestId,
      method: c.method,
      path: c.path,
      api: c.api,
      bucket: c.bucket,
      key: c.object,
      accessKey: c.principal,
      status: c.status,
      errorCode: c.errorCode,
      canceled: c.canceled || undefined,
      durationMs: Math.round(c.durationMs * 1000) / 1000,
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
      remoteAddress: c.remoteAddress,
    }),
  );
}
