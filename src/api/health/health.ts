import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * MinIO-compatible probe endpoints, answered without authentication:
 * `/minio/health/live` (the process serves HTTP) and `/minio/health/ready` (it can serve S3).
 * Returns false when the path is not a health endpoint.
 */
export function handleHealth(req: IncomingMessage, res: ServerResponse, isReady: () => boolean): boolean {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path !== '/minio/health/live' && path !== '/minio/health/ready' && path !== '/minio/health/cluster') {
    return false;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' }).end();
    return true;
  }
  const ok = path === '/minio/health/live' || isReady();
  res.writeHead(ok ? 200 : 503, { 'content-length': '0', 'cache-control': 'no-store' }).end();
  return true;
}
