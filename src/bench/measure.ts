import { S3Client } from './client/http.js';
import { type DriveOptions, drive, type LiveCounters, type Operation } from './driver.js';
import { formatSize } from './options.js';
import type { ProcessMonitor } from './proc-stats.js';
import type { Progress } from './progress.js';
import type { RunningTarget } from './targets.js';

/** One measured workload on one target: a row of the results table. */
export interface WorkloadResult {
  target: string;
  op: string;
  size: number;
  concurrency: number;
  ops: number;
  errors: number;
  wallSeconds: number;
  opsPerSec: number;
  mbPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Server process tree, when the bench started the server. */
  serverPeakRssMiB: number | undefined;
  serverCpuSeconds: number | undefined;
  /** CPU the load generator itself used (user + system). */
  clientCpuSeconds: number;
  errorSamples: string[];
}

/** What every step needs to talk to and watch one running target. */
export interface TargetSession {
  target: RunningTarget;
  bucket: string;
  region: string;
  timeoutMs: number;
  monitor: ProcessMonitor | undefined;
  progress: Progress;
}

export function clientFor(s: TargetSession, concurrency: number): S3Client {
  return new S3Client({
    endpoint: s.target.endpoint,
    accessKey: s.target.accessKey,
    secretKey: s.target.secretKey,
    region: s.region,
    maxSockets: concurrency,
    timeoutMs: s.timeoutMs,
  });
}

/**
 * Runs one timed workload with a client sized to its concurrency, watching the server's RSS and CPU
 * and the client's own CPU over exactly that window.
 */
export async function measure(
  s: TargetSession,
  label: { op: string; size: number },
  o: DriveOptions,
  makeOp: (client: S3Client) => Operation,
): Promise<WorkloadResult> {
  const client = clientFor(s, o.concurrency);
  const live: LiveCounters = {
    ops: 0,
    errors: 0,
    bytes: 0,
    startedAt: performance.now(),
    durationMs: o.durationMs,
  };
  const name = `${s.target.spec.name} ${label.op} ${formatSize(label.size)} c=${o.concurrency}`;
  const mon = s.monitor;
  s.progress.start(name, live, () => (mon === undefined ? '' : `srv rss ${mib(mon.lastRss).toFixed(0)}MiB`));
  mon?.begin();
  const cpu0 = process.cpuUsage();
  let r: Awaited<ReturnType<typeof drive>>;
  try {
    r = await drive(o, makeOp(client), live);
  } finally {
    s.progress.stop();
    client.close();
  }
  const cpu = process.cpuUsage(cpu0);
  const usage = mon?.end();
  const [p50, p99] = r.latency.percentiles(50, 99);
  const result: WorkloadResult = {
    target: s.target.spec.name,
    op: label.op,
    size: label.size,
    concurrency: o.concurrency,
    ops: r.ops,
    errors: r.errors,
    wallSeconds: r.wallSeconds,
    opsPerSec: r.ops / r.wallSeconds,
    mbPerSec: r.bytes / 1e6 / r.wallSeconds,
    p50Ms: p50 ?? Number.NaN,
    p99Ms: p99 ?? Number.NaN,
    serverPeakRssMiB: usage === undefined ? undefined : mib(usage.peakRssBytes),
    serverCpuSeconds: usage?.cpuSeconds,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    errorSamples: r.errorSamples,
  };
  s.progress.note(summaryLine(name, result));
  return result;
}

export function mib(bytes: number): number {
  return bytes / (1024 * 1024);
}

function summaryLine(name: string, r: WorkloadResult): string {
  const err = r.errors > 0 ? `  ERRORS ${r.errors}: ${r.errorSamples[0] ?? ''}` : '';
  return (
    `  ${name.padEnd(34)} ${r.opsPerSec.toFixed(1).padStart(9)} op/s ${r.mbPerSec.toFixed(1).padStart(8)} MB/s` +
    `  p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms${err}`
  );
}
