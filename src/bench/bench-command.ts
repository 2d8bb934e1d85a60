import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, hostname, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAuthz } from './authz.js';
import { bandwidthEnv, runBandwidth } from './bandwidth.js';
import { checkTarget } from './check.js';
import { runCores } from './cores.js';
import { evaluateGoals } from './goals.js';
import { runLargeBucket } from './large-bucket.js';
import { clientFor, mib, type TargetSession, type WorkloadResult } from './measure.js';
import { runMemory } from './memory.js';
import { runMicro } from './micro.js';
import { type BenchOptions, formatSize, parseOptions, USAGE } from './options.js';
import { ProcessMonitor, type RssSplit } from './proc-stats.js';
import { Progress } from './progress.js';
import { type BenchReport, computeRatios, emptyReport, formatReport } from './report.js';
import { runScannerVariant, SCANNER_VARIANTS, scannerRatios } from './scanner-cost.js';
import { runShip } from './ship.js';
import {
  externalTarget,
  type RunningTarget,
  startTarget,
  stopAllTargets,
  TARGET_SPECS,
  type TargetSpec,
} from './targets.js';
import { KeyPool, runWorkloads } from './workloads.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The target the authorization-cost step runs on (a server with IAM, started by the bench). */
const AUTHZ_TARGET = 'cairn-1';

/**
 * `npm run bench` and `cairn bench ENDPOINT`: runs the selected steps against each target in turn,
 * prints the tables and writes the JSON results file. Resolves to the process exit code.
 */
export async function runBenchCommand(argv: string[]): Promise<number> {
  let o: BenchOptions | undefined;
  try {
    o = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (o === undefined) {
    process.stdout.write(USAGE);
    return 0;
  }
  const onSignal = () => {
    void stopAllTargets().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const report = await runAll(o);
    process.stdout.write(`\n${formatReport(report)}\n`);
    const out =
      o.out ?? join(ROOT, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\nResults written to ${out}\n`);
    return report.checks.every((c) => c.passed) ? 0 : 1;
  } finally {
    await stopAllTargets();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function runAll(o: BenchOptions): Promise<BenchReport> {
  const progress = new Progress();
  const report = emptyReport(describeMachine(o));
  const load = loadavg()[0] ?? 0;
  if (load > 0.5) {
    progress.note(
      `note: load average is ${load.toFixed(2)} before the run; other work will skew the numbers`,
    );
  }
  const wants = (step: string) => o.steps.includes(step as BenchOptions['steps'][number]);
  // The heavy steps run on the targets named both in --targets and in their own list.
  const hasWork = (name: string) =>
    wants('check') ||
    wants('workloads') ||
    (wants('authz') && name === AUTHZ_TARGET) ||
    (wants('large') && o.largeTargets.includes(name));

  for (const name of o.targets.filter(hasWork)) {
    await withTarget(o, name, o.shm, progress, report, async (s) => {
      if (wants('check')) report.checks.push(await checkTarget(s, s.target.spec.kind !== 'baseline'));
      const pool = new KeyPool();
      if (wants('workloads')) report.workloads.push(...(await runWorkloads(s, o, pool)));
      if (wants('authz') && name === AUTHZ_TARGET) report.authz.push(...(await runAuthz(s, o, pool)));
      if (wants('large') && o.largeTargets.includes(name)) {
        report.large.push(await runLargeBucket(s, o));
      }
    });
  }
  if (wants('memory')) {
    // A fresh process: after the workloads and a million-object bucket, VmRSS would count the
    // LMDB map's file pages and whatever the earlier steps left behind, not what uploads hold.
    for (const name of o.memoryTargets.filter((t) => o.targets.includes(t))) {
      await withTarget(o, name, o.shm, progress, report, async (s, idle) => {
        report.memory.push(await runMemory(s, o, idle));
      });
    }
  }
  if (wants('cores')) {
    for (const name of o.coresTargets.filter((t) => t !== 'external' && o.targets.includes(t))) {
      await withTarget(o, name, true, progress, report, async (s) => {
        report.cores.push(await runCores(s, o, true));
      });
    }
  }
  if (wants('scanner') && !o.targets.includes('external')) {
    const rows: WorkloadResult[] = [];
    for (const spec of SCANNER_VARIANTS)
      await withTarget(o, spec, o.shm, progress, report, async (s) => {
        rows.push(...(await runScannerVariant(s, o)));
      });
    report.scanner = { workloads: rows, ratios: scannerRatios(rows) };
  }
  if (wants('bandwidth') && o.targets.includes('cairn-1')) {
    // A server of its own, started with the limits (the other steps measure unlimited ones).
    const spec = { ...TARGET_SPECS['cairn-1']!, env: bandwidthEnv(o.bandwidthLimit) };
    progress.note(`bandwidth: cairn-1 limited to ${formatSize(o.bandwidthLimit)}/s each way`);
    await withTarget(o, spec, o.shm, progress, report, async (s) => {
      report.bandwidth.push(await runBandwidth(s, o.bandwidthLimit, o.bandwidthSeconds));
    });
  }
  if (wants('micro')) {
    progress.note('micro: Reed-Solomon 8+4, bitrot digests, MD5, IAM policy evaluation');
    report.micro = await runMicro(o.microSeconds);
  }
  if (wants('ship')) report.ship = await runShip(ROOT, o.quick ? 2 : 5, (m) => progress.note(m));
  const order = [...new Set(report.workloads.map((w) => `${w.op} ${w.size}`))];
  report.workloads.sort((a, b) => order.indexOf(`${a.op} ${a.size}`) - order.indexOf(`${b.op} ${b.size}`));
  report.ratios = computeRatios(report.workloads);
  report.targets = evaluateGoals(report);
  report.meta.loadAverageAtEnd = loadavg();
  return report;
}

/**
 * Starts a target (or attaches to the external endpoint), creates the bucket, runs `body`, and
 * always stops the server it started. A target that fails is recorded and skipped.
 */
async function withTarget(
  o: BenchOptions,
  target0: string | TargetSpec,
  shm: boolean,
  progress: Progress,
  report: BenchReport,
  body: (s: TargetSession, idle: RssSplit | undefined) => Promise<void>,
): Promise<void> {
  let target: RunningTarget;
  const name = typeof target0 === 'string' ? target0 : target0.name;
  try {
    if (name === 'external') target = externalTarget(o.endpoint ?? '', o.accessKey, o.secretKey, o.serverPid);
    else {
      const spec = typeof target0 === 'string' ? TARGET_SPECS[name] : target0;
      if (spec === undefined) throw new Error('unknown target');
      progress.note(`${name}: starting${shm ? ' (data on /dev/shm)' : ''}`);
      target = await startTarget(spec, { dataRoot: o.dataDir, shm });
    }
  } catch (err) {
    progress.note(`${name}: ${(err as Error).message}`);
    report.skipped.push({ target: name, reason: (err as Error).message.split('\n')[0] ?? '' });
    return;
  }
  const monitor = target.pid === undefined ? undefined : new ProcessMonitor(target.pid);
  try {
    monitor?.start();
    await new Promise((r) => setTimeout(r, 1000)); // let start-up work settle before "idle"
    monitor?.begin();
    const idle = monitor?.end().peakRss;
    // The first start of a target gives its idle RSS; a restart for a later step is the same.
    if (!shm && !(name in report.idleRssMiB)) {
      report.idleRssMiB[name] = idle === undefined ? undefined : mib(idle.rss);
    }
    const s: TargetSession = {
      target,
      bucket: o.bucket,
      region: o.region,
      timeoutMs: o.timeoutMs,
      monitor,
      progress,
    };
    const c = clientFor(s, 1);
    try {
      await c.createBucket(o.bucket);
    } finally {
      c.close();
    }
    await body(s, idle);
  } catch (err) {
    progress.note(`${name}: ${(err as Error).message}`);
    report.skipped.push({ target: name, reason: (err as Error).message.split('\n')[0] ?? '' });
  } finally {
    monitor?.stop();
    await target.stop();
  }
}

function describeMachine(o: BenchOptions): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    host: hostname(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg(),
    node: process.version,
    kernel: release(),
    // Never the secret key: results files get shared.
    options: { ...o, secretKey: undefined },
  };
}
