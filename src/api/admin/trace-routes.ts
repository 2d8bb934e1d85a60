/**
 * `GET trace`: MinIO's live request trace. The answer is a stream of madmin TraceInfo JSON lines,
 * one per completed request that passes the caller's filter, with a space every second of silence
 * so proxies and clients keep the connection (as MinIO does), until the client goes away or the
 * server stops. Query: madmin's `s3`, `err`, `threshold` (a Go duration), and Cairn's `api`
 * (comma-separated API names) and `bucket`.
 */
import type { Writable } from 'node:stream';
import { parseGoDuration } from '../../util/go-duration.js';
import type { TraceFilter, TraceHub } from '../trace/trace-hub.js';
import type { AdminRoute } from './admin-context.js';
import { AdminError, notImplemented } from './admin-errors.js';

/** What one slow reader may have waiting in its socket before further lines are dropped. */
export const TRACE_MAX_BUFFERED = 1024 * 1024;
const KEEPALIVE_MS = 1000;

/** madmin's trace types this server has nothing of; asking only for them traces nothing. */
const OTHER_TYPES = ['internal', 'storage', 'os', 'scanner', 'decommission', 'healing', 'rebalance'];

export function parseTraceFilter(query: URLSearchParams): TraceFilter {
  const threshold = query.get('threshold');
  let thresholdMs = 0;
  if (threshold !== null && threshold !== '') {
    const ms = parseGoDuration(threshold);
    if (ms === undefined || ms < 0)
      throw new AdminError(
        'InvalidRequest',
        400,
        `threshold ${threshold}: expected a duration such as 100ms`,
      );
    thresholdMs = ms;
  }
  // mc always names the types it wants; a bare request (curl) gets the S3 trace.
  const named = query.has('s3') || OTHER_TYPES.some((t) => query.get(t) === 'true');
  const filter: TraceFilter = {
    s3: named ? query.get('s3') === 'true' : true,
    errorsOnly: query.get('err') === 'true',
    thresholdMs,
  };
  const apis = (query.get('api') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (apis.length > 0) filter.apis = new Set(apis);
  const bucket = query.get('bucket');
  if (bucket !== null && bucket !== '') filter.bucket = bucket;
  return filter;
}

/**
 * Streams the trace to `res` until it closes. A reader slower than the requests it watches does
 * not grow the server's memory: past TRACE_MAX_BUFFERED unsent bytes, lines are dropped and
 * counted, and the count is reported in the stream once it catches up.
 */
export function streamTrace(hub: TraceHub, filter: TraceFilter, res: Writable, nodeName: string): void {
  let dropped = 0;
  let quiet = true;
  const sink = {
    offer(line: string) {
      if (res.writableLength > TRACE_MAX_BUFFERED) {
        dropped++;
        return;
      }
      if (dropped > 0) {
        res.write(droppedNotice(dropped, nodeName));
        dropped = 0;
      }
      res.write(line);
      quiet = false;
    },
  };
  const keepAlive = setInterval(() => {
    if (quiet && res.writableLength === 0) res.write(' ');
    quiet = true;
  }, KEEPALIVE_MS);
  keepAlive.unref();
  const stop = () => {
    clearInterval(keepAlive);
    off();
  };
  const off = hub.subscribe(filter, sink, () => {
    stop();
    res.end();
  });
  res.once('close', stop);
}

function droppedNotice(count: number, nodeName: string): string {
  return `${JSON.stringify({
    type: 4,
    nodename: nodeName,
    funcname: 'trace.dropped',
    time: new Date().toISOString(),
    path: '',
    dur: 0,
    msg: `${count} trace entries dropped: the client read slower than requests completed`,
    custom: { dropped: String(count) },
  })}\n`;
}

export const TRACE_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    path: 'trace',
    api: 'Trace',
    action: 'admin:ServerTrace',
    handle: async (ctx) => {
      const hub = ctx.services.trace;
      if (hub === undefined) throw notImplemented();
      const filter = parseTraceFilter(ctx.query);
      const node = ctx.services.endpoint().replace(/^https?:\/\//, '');
      return { stream: (res) => streamTrace(hub, filter, res, node) };
    },
  },
];
