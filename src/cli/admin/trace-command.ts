/**
 * `cairn admin trace ALIAS`: live requests, one line each, until Ctrl-C. Text lines read like
 * `mc admin trace`'s: time, method, path, status, duration, bytes in and out, client, API and
 * access key; `--json` prints each madmin TraceInfo record as the server sent it, one per line.
 */
import type { TraceInfo } from './admin-api.js';
import { type Command, stringFlag } from './command.js';
import { formatBytes } from './table.js';

function duration(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns)) return '-';
  const ms = ns / 1e6;
  if (ms < 1) return `${(ns / 1e3).toFixed(0)}µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** One trace record as a human line. */
export function traceLine(t: TraceInfo): string {
  if (t.msg !== undefined && t.http === undefined) return `${t.time?.slice(11, 23) ?? ''} ${t.msg}`;
  const req = t.http?.request ?? {};
  const status = t.http?.response?.statuscode;
  const stats = t.http?.stats ?? {};
  const custom = t.custom ?? {};
  const parts = [
    t.time?.slice(11, 23) ?? '-',
    req.method ?? '-',
    req.path ?? t.path ?? '-',
    status === undefined ? '-' : String(status) + (t.error !== undefined ? ` ${t.error}` : ''),
    duration(t.dur),
    `↑${formatBytes(stats.inputbytes ?? 0)} ↓${formatBytes(stats.outputbytes ?? 0)}`,
    req.client || '-',
    custom.api ?? t.funcname ?? '-',
    custom.accessKey ?? 'anonymous',
  ];
  return parts.join('  ');
}

export const traceCommand: Command = {
  path: ['trace'],
  args: 'ALIAS',
  summary: 'show live requests (method, path, status, duration, bytes, client) until Ctrl-C',
  minArgs: 1,
  maxArgs: 1,
  options: {
    api: { type: 'string', value: 'API', help: 'only these APIs, comma-separated (PutObject,GetObject)' },
    bucket: { type: 'string', value: 'BUCKET', help: 'only requests on this bucket' },
    errors: { type: 'boolean', help: 'only requests answered with an error (status 400 and above)' },
  },
  notes: [
    'cairn admin trace myserver --api PutObject,GetObject --bucket photos',
    'cairn admin trace myserver --errors --json',
  ],
  async run(ctx) {
    const api = await ctx.api(ctx.args[0]!);
    const json = ctx.flags.json === true;
    const apis = stringFlag(ctx.flags, 'api')
      ?.split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const bucket = stringFlag(ctx.flags, 'bucket');
    await api.trace(
      {
        ...(apis !== undefined ? { apis } : {}),
        ...(bucket !== undefined ? { bucket } : {}),
        errorsOnly: ctx.flags.errors === true,
      },
      (t) => ctx.out(`${json ? JSON.stringify(t) : traceLine(t)}\n`),
      ctx.signal,
    );
    return { json: { status: 'success' }, human: '', printed: true };
  },
};
