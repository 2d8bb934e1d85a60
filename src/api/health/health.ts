import type { ApiRequest, Mount } from '../server.js';

const PROBES: Record<string, string> = {
  '/minio/health/live': 'HealthLive',
  '/minio/health/ready': 'HealthReady',
  '/minio/health/cluster': 'HealthCluster',
};

/**
 * MinIO-compatible probe endpoints under `/minio/health/`, answered without authentication:
 * `live` (the process serves HTTP), `ready` and `cluster` (it can serve S3). Any other path
 * there is 404.
 */
export function healthMount(isReady: () => boolean): Mount {
  return {
    prefix: '/minio/health/',
    handle: ({ req, res, facts }: ApiRequest) => {
      const path = (req.url ?? '/').split('?', 1)[0] as string;
      const api = PROBES[path];
      if (api === undefined) {
        res.writeHead(404, { 'content-length': '0' }).end();
        return;
      }
      facts.api = api;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' }).end();
        return;
      }
      const ok = api === 'HealthLive' || isReady();
      res.writeHead(ok ? 200 : 503, { 'content-length': '0', 'cache-control': 'no-store' }).end();
    },
  };
}
