/** Server information: madmin's info (servers, drives, totals) and datausageinfo (per bucket). */
import type { AdminContext, AdminRoute } from './admin-context.js';

async function usage(ctx: AdminContext) {
  const { objects } = ctx.services;
  const buckets = await objects.listBuckets();
  const perBucket: Record<string, { size: number; objectsCount: number }> = {};
  let count = 0;
  let size = 0;
  for (const b of buckets) {
    const u = await objects.bucketUsage(b.name);
    perBucket[b.name] = { size: u.bytes, objectsCount: u.objects };
    count += u.objects;
    size += u.bytes;
  }
  return { buckets: buckets.length, perBucket, count, size };
}

export const INFO_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    path: 'info',
    api: 'ServerInfo',
    action: 'admin:ServerInfo',
    handle: async (ctx) => {
      const { objects, region, version, startedAt } = ctx.services;
      const storage = await objects.storageInfo();
      const used = await usage(ctx);
      return {
        body: {
          mode: 'online',
          region,
          deploymentID: storage.deploymentId,
          buckets: { count: used.buckets },
          objects: { count: used.count },
          usage: { size: used.size },
          servers: [
            {
              endpoint: ctx.services.endpoint(),
              state: 'online',
              uptime: Math.floor((Date.now() - startedAt.getTime()) / 1000),
              version,
              drives: storage.drives.map((d) => ({
                endpoint: d.endpoint,
                state: d.state === 'online' ? 'ok' : 'offline',
                totalspace: d.total,
                usedspace: d.total - d.free,
                availspace: d.free,
              })),
            },
          ],
        },
      };
    },
  },
  {
    method: 'GET',
    path: 'datausageinfo',
    api: 'DataUsageInfo',
    action: 'admin:DataUsageInfo',
    handle: async (ctx) => {
      const used = await usage(ctx);
      return {
        body: {
          lastUpdate: new Date().toISOString(),
          objectsCount: used.count,
          objectsTotalSize: used.size,
          bucketsCount: used.buckets,
          bucketsUsageInfo: used.perBucket,
        },
      };
    },
  },
];
