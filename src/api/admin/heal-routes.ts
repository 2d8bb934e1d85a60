/**
 * Healing and the scanner, at MinIO's paths (cmd/admin-router.go): `POST heal/[bucket[/prefix]]`
 * starts a heal run (a scan of that bucket and prefix ahead of the background scanner; scan mode
 * deep verifies every shard's bitrot hash), and with `clientToken` reports it (madmin's
 * HealTaskStatus: summary, items found since the last report); `POST background-heal/status`
 * answers madmin's BgHealState with Cairn's heal and scanner status beside it. Both need
 * `admin:Heal`, as MinIO's do.
 */
import type { HealRun } from '../../object/layer-status.js';
import { type AdminContext, type AdminRoute, isObject } from './admin-context.js';
import { AdminError } from './admin-errors.js';

/** madmin.HealScanMode: 1 normal (records and presence), 2 deep (bitrot). */
const DEEP_SCAN = 2;

const healError = (code: string, message: string) => new AdminError(code, 400, message);

/** How many of a run's items each poller has been sent (MinIO pops them as it reports them). */
const sent = new WeakMap<HealRun, number>();

interface HealOptions {
  deep: boolean;
  recursive: boolean;
}

async function healOptions(ctx: AdminContext): Promise<HealOptions> {
  const text = await ctx.text();
  if (text.trim() === '') return { deep: false, recursive: true };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw healError('XMinioRequestBodyParse', 'The request body failed to parse.');
  }
  if (!isObject(body)) throw healError('XMinioRequestBodyParse', 'The request body failed to parse.');
  // A dry run (report without fixing) and removal of dangling data on request are not built:
  // what a run finds is always healed, and dangling versions are always removed.
  for (const flag of ['dryRun', 'remove', 'recreate', 'updateParity'])
    if (body[flag] === true)
      throw new AdminError('NotImplemented', 501, `heal option ${flag} is not implemented by this server`);
  if (body.scanMode !== undefined && typeof body.scanMode !== 'number')
    throw healError('XMinioRequestBodyParse', 'scanMode must be a number');
  return { deep: body.scanMode === DEEP_SCAN, recursive: body.recursive !== false };
}

function taskStatus(run: HealRun) {
  const from = sent.get(run) ?? 0;
  sent.set(run, run.items.length);
  const status: Record<string, unknown> = {
    summary: run.state,
    detail: run.detail ?? '',
    startTime: run.started.toISOString(),
    settings: { recursive: true, dryRun: false, remove: false, recreate: false, scanMode: run.deep ? 2 : 1 },
    items: run.items.slice(from).map((item, i) => ({
      resultId: from + i + 1,
      type: 'object',
      bucket: item.bucket,
      object: item.key,
      versionId: '',
      detail: item.drives.filter((d) => d !== 'ok').join(', '),
      diskCount: item.drives.length,
      setCount: 1,
      before: { drives: item.drives.map((state) => ({ state })) },
      objectSize: item.size,
    })),
    // Cairn's own: what the run has done so far.
    objectsScanned: run.objects,
    bytesScanned: run.bytes,
    shardBytesVerified: run.shardBytes,
    findings: run.findings,
  };
  if (run.ended) status.endTime = run.ended.toISOString();
  return status;
}

function started(run: HealRun, ctx: AdminContext) {
  return { clientToken: run.token, clientAddress: ctx.remoteAddress, startTime: run.started.toISOString() };
}

export const HEAL_ROUTES: AdminRoute[] = [
  {
    method: 'POST',
    path: 'heal',
    api: 'Heal',
    action: 'admin:Heal',
    subpaths: true,
    handle: async (ctx) => {
      const slash = ctx.subpath.indexOf('/');
      const bucket = slash < 0 ? ctx.subpath : ctx.subpath.slice(0, slash);
      const prefix = slash < 0 ? '' : ctx.subpath.slice(slash + 1);
      if (bucket === '' && prefix !== '')
        throw healError(
          'XMinioHealMissingBucket',
          'A heal start request with a non-empty object-prefix parameter requires a bucket to be specified.',
        );
      const token = ctx.query.get('clientToken') ?? '';
      const forceStart = ctx.query.has('forceStart');
      const forceStop = ctx.query.has('forceStop');
      if ((forceStart && forceStop) || (token !== '' && (forceStart || forceStop)))
        throw healError('InvalidRequest', 'forceStart, forceStop and clientToken exclude each other');
      const { objects } = ctx.services;
      if (token !== '') {
        const run = objects.healRun(token);
        if (!run) throw healError('XMinioHealNoSuchProcess', 'No such heal process is running on the server');
        if (run.bucket !== bucket || run.prefix !== prefix)
          throw healError('XMinioHealInvalidClientToken', 'Client token mismatch');
        return { body: taskStatus(run) };
      }
      if (forceStop) {
        const run = objects.stopHeal(bucket, prefix);
        if (!run) throw healError('XMinioHealNoSuchProcess', 'No such heal process is running on the server');
        return { body: started(run, ctx) };
      }
      const opts = await healOptions(ctx);
      const run = await objects.startHeal({ bucket, prefix, deep: opts.deep, force: forceStart });
      return { body: started(run, ctx) };
    },
  },
  {
    method: 'POST',
    path: 'background-heal/status',
    api: 'BackgroundHealStatus',
    action: 'admin:Heal',
    handle: async (ctx) => {
      const { objects } = ctx.services;
      const storage = await objects.storageInfo();
      const scanner = objects.scanStatus();
      return {
        body: {
          offline_nodes: [],
          ScannedItemsCount: scanner.totals.objects,
          sets: [
            {
              pool_index: 0,
              set_index: 0,
              disks: storage.drives.map((d) => ({
                endpoint: d.endpoint,
                state: d.state === 'online' ? 'ok' : 'offline',
                pool_index: 0,
                set_index: 0,
                disk_index: d.index,
              })),
            },
          ],
          sc_parity: { STANDARD: storage.parity },
          heal: objects.healStatus(),
          scanner,
        },
      };
    },
  },
];
