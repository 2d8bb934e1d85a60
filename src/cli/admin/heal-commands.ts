import type { BackgroundHealState, HealTask } from './admin-api.js';
import { type Command, UsageError } from './command.js';
import { formatBytes, renderRecord } from './table.js';

type Json = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

function findingsText(f: unknown): string {
  const found = obj(f) ?? {};
  const parts = ['corrupt', 'missing', 'stale', 'dangling']
    .filter((k) => num(found[k]) > 0)
    .map((k) => `${num(found[k])} ${k}`);
  return parts.length === 0 ? 'nothing wrong' : parts.join(', ');
}

function passText(p: unknown): string | undefined {
  const pass = obj(p);
  if (!pass) return undefined;
  const ended = str(pass.ended);
  return `${pass.deep ? 'deep, ' : ''}${ended ? `ended ${ended}` : `since ${str(pass.started) ?? '-'}`}: ${num(pass.objects)} objects, ${formatBytes(num(pass.bytes))}; ${findingsText(pass.findings)}`;
}

function durationText(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** The background heal status as `cairn admin heal status` prints it. */
export function renderHealStatus(state: BackgroundHealState): string {
  const scanner = obj(state.scanner) ?? {};
  const heal = obj(state.heal) ?? {};
  const settings = obj(scanner.settings) ?? {};
  const drives = (state.sets ?? []).flatMap((s) => s.disks ?? []);
  const online = drives.filter((d) => d.state === 'ok').length;
  const interval = settings.scrubIntervalMs;
  const current = obj(scanner.current);
  return renderRecord([
    [
      'Scanner',
      `${str(settings.speed) ?? '-'} speed${num(settings.objectsPerSec) > 0 ? `, at most ${num(settings.objectsPerSec)} objects/s` : ''}; scrub ${
        typeof interval !== 'number'
          ? 'off'
          : interval === 0
            ? 'every pass'
            : `every ${durationText(interval)}`
      }`,
    ],
    [
      'Scanning',
      current ? `${passText(current)}${str(current.bucket) ? ` (in ${str(current.bucket)})` : ''}` : 'idle',
    ],
    ['Last pass', passText(scanner.lastPass) ?? 'none yet'],
    ['Last scrub', passText(scanner.lastDeepPass) ?? 'none yet'],
    ['Next scrub', str(scanner.nextScrub) ?? (typeof interval === 'number' ? '-' : 'never (off)')],
    ['Found', `${findingsText(obj(scanner.totals)?.findings)} since start`],
    [
      'Healing',
      `${num(heal.queued)} queued${heal.sweeping ? ', sweeping every object' : ''}; healed ${num(heal.healedObjects)} objects (${num(heal.healedShards)} shards), ${num(heal.failedObjects)} failed since start`,
    ],
    ['Drives', `${online}/${drives.length} online`],
  ]);
}

export function renderHealTask(target: string, token: string, task: HealTask): string {
  return renderRecord([
    ['Heal', target],
    ['Token', token],
    ['State', task.summary ?? '-'],
    ['Started', task.startTime],
    ['Ended', task.endTime],
    ['Scanned', `${num(task.objectsScanned)} objects, ${formatBytes(num(task.bytesScanned))}`],
    ['Verified', task.shardBytesVerified ? `${formatBytes(task.shardBytesVerified)} of shards` : undefined],
    ['Found', `${findingsText(task.findings)} (queued for healing)`],
    ['Detail', task.detail || undefined],
  ]);
}

const POLL_MS = 250;

export const healCommands: Command[] = [
  {
    path: ['heal', 'status'],
    args: 'ALIAS',
    summary: 'show the scanner and healing: last passes, findings, next scrub, heal counts',
    minArgs: 1,
    maxArgs: 1,
    async run(ctx) {
      const state = await (await ctx.api(ctx.args[0]!)).backgroundHealStatus();
      return { json: { status: 'success', ...state }, human: renderHealStatus(state) };
    },
  },
  {
    path: ['heal', 'start'],
    args: 'ALIAS [BUCKET[/PREFIX]]',
    summary: 'scan a bucket (or prefix, or everything) now and heal what it finds',
    minArgs: 1,
    maxArgs: 2,
    options: {
      deep: { type: 'boolean', help: 'read every shard on every drive and verify its bitrot hash' },
      wait: { type: 'boolean', help: 'wait for the run to end and print what it found' },
    },
    notes: ['cairn admin heal start local photos/2024/ --deep --wait'],
    async run(ctx) {
      const [alias, target = ''] = ctx.args as [string, string | undefined];
      const slash = target.indexOf('/');
      const bucket = slash < 0 ? target : target.slice(0, slash);
      const prefix = slash < 0 ? '' : target.slice(slash + 1);
      if (bucket === '' && prefix !== '') throw new UsageError('a prefix needs a bucket: BUCKET/PREFIX');
      const api = await ctx.api(alias);
      const started = await api.healStart(bucket, prefix, ctx.flags.deep === true);
      const shown = target === '' ? 'every bucket' : target;
      if (ctx.flags.wait !== true) {
        return {
          json: { status: 'success', ...started },
          human: `Started ${ctx.flags.deep === true ? 'a deep' : 'a'} heal of ${shown} (token ${started.clientToken}).`,
        };
      }
      let task = await api.healTask(bucket, prefix, started.clientToken);
      const items = [...(task.items ?? [])];
      while (task.summary === 'running') {
        await new Promise((r) => setTimeout(r, POLL_MS));
        task = await api.healTask(bucket, prefix, started.clientToken);
        items.push(...(task.items ?? []));
      }
      const lines = items.map((i) => `  ${i.bucket}/${i.object}: ${i.detail ?? ''}`);
      return {
        json: { status: 'success', ...started, ...task, items },
        human: [renderHealTask(shown, started.clientToken, task), ...lines].join('\n'),
      };
    },
  },
];
