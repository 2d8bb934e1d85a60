import { AUTHZ_HEAD, type AuthzResult, authzRows } from './authz.js';
import type { BandwidthResult } from './bandwidth.js';
import type { CheckResult } from './check.js';
import type { CoresResult } from './cores.js';
import type { GoalRow } from './goals.js';
import type { LargeBucketResult, PageTimes } from './large-bucket.js';
import type { WorkloadResult } from './measure.js';
import type { MemoryResult, RssMiB } from './memory.js';
import type { MicroReport } from './micro.js';
import { formatSize } from './options.js';
import { formatScannerCost, type ScannerCostResult } from './scanner-cost.js';
import { formatShip, type ShipResult } from './ship.js';

export interface BenchReport {
  meta: Record<string, unknown>;
  /** Targets that could not be started or were abandoned, with why. */
  skipped: { target: string; reason: string }[];
  idleRssMiB: Record<string, number | undefined>;
  checks: CheckResult[];
  workloads: WorkloadResult[];
  ratios: RatioRow[];
  /** Issue 11: 4 KiB PUT/GET as an IAM user with a 20-statement policy next to root's. */
  authz: AuthzResult[];
  large: LargeBucketResult[];
  memory: MemoryResult[];
  cores: CoresResult[];
  micro: MicroReport | undefined;
  /** Start-up time and idle RSS of the shipped builds (`--steps ship`). */
  ship: ShipResult | undefined;
  /** Issue 12's requests under a running scanner. */
  scanner?: ScannerCostResult;
  bandwidth: BandwidthResult[];
  /** Issue 3's targets, each met, missed or not measured in this run. */
  targets: GoalRow[];
}

/** A report with nothing measured yet. */
export function emptyReport(meta: Record<string, unknown>): BenchReport {
  return {
    meta,
    skipped: [],
    idleRssMiB: {},
    checks: [],
    workloads: [],
    ratios: [],
    authz: [],
    large: [],
    memory: [],
    cores: [],
    micro: undefined,
    ship: undefined,
    bandwidth: [],
    targets: [],
  };
}

export interface RatioRow {
  workload: string;
  /** The baseline that bounds this workload: the memory server for reads, the fsync server for writes. */
  ceiling: string;
  ratios: Record<string, number | undefined>;
}

const READS = new Set(['get', 'head', 'list']);

/** Cairn op/s over the ceiling's and over s3rver's, per workload that both ran. */
export function computeRatios(rows: WorkloadResult[]): RatioRow[] {
  const by = new Map<string, Map<string, WorkloadResult>>();
  for (const r of rows) {
    const w = `${r.op} ${formatSize(r.size)}`;
    if (!by.has(w)) by.set(w, new Map());
    by.get(w)!.set(r.target, r);
  }
  const out: RatioRow[] = [];
  for (const [workload, targets] of by) {
    const op = workload.split(' ')[0] ?? '';
    const ceiling = READS.has(op) ? 'baseline-mem' : 'baseline-fsync';
    const ratios: Record<string, number | undefined> = {};
    for (const cairn of ['cairn-1', 'cairn-4', 'external']) {
      const c = targets.get(cairn);
      if (c === undefined) continue;
      setRatio(ratios, `${cairn}/ceiling`, c, targets.get(ceiling));
      setRatio(ratios, `${cairn}/s3rver`, c, targets.get('s3rver'));
    }
    const s3rver = targets.get('s3rver');
    if (s3rver !== undefined) setRatio(ratios, 's3rver/ceiling', s3rver, targets.get(ceiling));
    if (Object.keys(ratios).length > 0) out.push({ workload, ceiling, ratios });
  }
  return out;
}

function setRatio(
  into: Record<string, number | undefined>,
  name: string,
  a: WorkloadResult,
  b?: WorkloadResult,
) {
  const r = ratio(a, b);
  if (r !== undefined) into[name] = r;
}

function ratio(a: WorkloadResult, b: WorkloadResult | undefined): number | undefined {
  if (b === undefined || b.opsPerSec === 0 || a.ops === 0) return undefined;
  return a.opsPerSec / b.opsPerSec;
}

/** The human-readable report, as printed at the end of a run. */
export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  const checks = r.checks.map((c) => `${c.target} ${c.passed ? 'ok' : `FAILED (${c.failures.join('; ')})`}`);
  if (checks.length > 0) out.push(`Correctness check: ${checks.join(', ')}`);
  for (const s of r.skipped) out.push(`Skipped ${s.target}: ${s.reason}`);
  const idle = Object.entries(r.idleRssMiB).filter(([, v]) => v !== undefined);
  if (idle.length > 0) out.push(`Idle RSS: ${idle.map(([t, v]) => `${t} ${v!.toFixed(0)} MiB`).join(', ')}`);

  if (r.workloads.length > 0) {
    out.push('', 'Workloads');
    out.push(
      table(
        [
          'workload',
          'target',
          'conc',
          'ops/s',
          'MB/s',
          'p50 ms',
          'p99 ms',
          'errors',
          'srv RSS MiB',
          'srv CPU s',
          'cli CPU s',
        ],
        r.workloads.map((w) => [
          `${w.op} ${formatSize(w.size)}`,
          w.target,
          String(w.concurrency),
          fix(w.opsPerSec, 1),
          fix(w.mbPerSec, 1),
          fix(w.p50Ms, 2),
          fix(w.p99Ms, 2),
          String(w.errors),
          fix(w.serverPeakRssMiB, 0),
          fix(w.serverCpuSeconds, 2),
          fix(w.clientCpuSeconds, 2),
        ]),
      ),
    );
  }
  const ratioCols = [...new Set(r.ratios.flatMap((x) => Object.keys(x.ratios)))];
  if (ratioCols.length > 0) {
    out.push('', 'Ratios (op/s; ceiling = baseline-mem for reads, baseline-fsync for writes)');
    out.push(
      table(
        ['workload', ...ratioCols],
        r.ratios.map((x) => [x.workload, ...ratioCols.map((c) => fix(x.ratios[c], 2))]),
      ),
    );
  }
  if (r.authz.length > 0) {
    const a0 = r.authz[0]!;
    out.push(
      '',
      `Authorization cost (root vs IAM user whose ${a0.statements}-statement policy matches on its last statement; same server, alternating rounds)`,
    );
    out.push(table(AUTHZ_HEAD, authzRows(r.authz)));
  }
  for (const l of r.large) {
    out.push(
      '',
      `Large bucket (${l.target}): ${l.created} of ${l.requested} objects created in ${l.createSeconds.toFixed(1)} s (${l.create.opsPerSec.toFixed(0)} PUT/s, ${l.create.errors} errors)`,
    );
    const row = (name: string, p: PageTimes) => [
      name,
      String(p.pages),
      fix(p.keysPerPage, 0),
      fix(p.meanMs, 2),
      fix(p.p50Ms, 2),
      fix(p.maxMs, 2),
    ];
    out.push(
      table(
        ['ListObjectsV2', 'pages', 'entries/page', 'mean ms', 'p50 ms', 'max ms'],
        [
          row('from start', l.listFromStart),
          row('from middle', l.listFromMiddle),
          row('delimiter /', l.listDelimiter),
        ],
      ),
    );
    out.push(
      `4 KiB PUT: ${l.put4kEmpty.opsPerSec.toFixed(0)} op/s into the empty bucket, ` +
        `${l.put4k.opsPerSec.toFixed(0)} op/s at this size (${fix(l.put4kFlatRatio, 2)} x)`,
    );
  }
  if (r.memory.length > 0) {
    const m0 = r.memory[0]!;
    out.push(
      '',
      `Memory (fresh server; ${m0.uploads} concurrent ${formatSize(m0.size)} PUTs; MiB over the server's process tree, split of the peak VmRSS sample)`,
    );
    const split = (x: RssMiB | undefined, fallback: number | undefined) => [
      fix(x?.rss ?? fallback, 0),
      fix(x?.anon, 0),
      fix(x?.file, 0),
      fix(x?.shmem, 0),
    ];
    out.push(
      table(
        ['target', 'when', 'VmRSS', 'RssAnon', 'RssFile', 'RssShmem', 'MB/s', 'errors'],
        r.memory.flatMap((m) => [
          [m.target, 'idle', ...split(m.idle, m.idleRssMiB), '-', '-'],
          [m.target, 'peak', ...split(m.peak, m.peakRssMiB), fix(m.run.mbPerSec, 0), String(m.run.errors)],
        ]),
      ),
    );
  }
  if (r.cores.length > 0) {
    out.push('', 'Cores (256 MiB PUTs, drives on /dev/shm)');
    out.push(
      table(
        ['target', '1x MB/s', '4x MB/s', 'speedup', 'CPU/wall 1x', 'CPU/wall 4x'],
        r.cores.map((c) => [
          c.target,
          fix(c.one.mbPerSec, 0),
          fix(c.four.mbPerSec, 0),
          fix(c.speedup, 2),
          fix(c.coresBusyOne, 2),
          fix(c.coresBusyFour, 2),
        ]),
      ),
    );
  }
  for (const b of r.bandwidth) {
    out.push(
      '',
      `Bandwidth-limited transfer accuracy (${b.target}, CAIRN_BANDWIDTH_IN/OUT ${formatSize(b.limit)}/s; wall clock from first request to last answer)`,
    );
    out.push(
      table(
        ['direction', 'streams', 'MiB', 'seconds', 'achieved/limit', 'errors'],
        b.rows.map((x) => [
          x.direction === 'in' ? 'in (PUT)' : 'out (GET)',
          String(x.streams),
          fix(x.bytes / 2 ** 20, 1),
          fix(x.seconds, 2),
          fix(x.ratio, 3),
          String(x.errors),
        ]),
      ),
    );
  }
  if (r.micro !== undefined) {
    out.push('', 'Codec and hashes (one core, MB/s of object data)');
    out.push(
      table(
        ['primitive', 'MB/s'],
        r.micro.results.map((m) => [m.name, fix(m.mbPerSec, 0)]),
      ),
    );
    out.push(
      `RS encode / MD5 = ${fix(r.micro.rsEncodeOverMd5, 2)}; RS reconstruct / MD5 = ${fix(r.micro.rsReconstructOverMd5, 2)}`,
    );
    out.push('', 'IAM policy evaluation (one core, ns per evaluation)');
    out.push(
      table(
        ['case', 'decision', 'ns'],
        r.micro.policy.map((p) => [p.name, p.decision, fix(p.nsPerEvaluation, 0)]),
      ),
    );
  }
  if (r.ship !== undefined) out.push(...formatShip(r.ship));
  if (r.targets.length > 0) {
    out.push('', 'Targets (issue 3; MB = 10^6 bytes)');
    const sign = { '>=': '>=', '<=': '<=', '>': '>' };
    const digits = (g: GoalRow) => (g.unit === 'x' || g.unit === 'us' ? 2 : g.unit === 'ms' ? 1 : 0);
    const unit = (g: GoalRow) => (g.unit === 'x' ? 'x' : ` ${g.unit}`);
    out.push(
      table(
        ['target', 'on', 'measured', 'threshold', 'status', 'note'],
        r.targets.map((g) => [
          g.goal,
          g.target,
          g.measured === undefined ? '-' : `${fix(g.measured, digits(g))}${unit(g)}`,
          `${sign[g.comparison]} ${g.threshold}${unit(g)}`,
          g.status,
          g.note ?? '',
        ]),
      ),
    );
  }
  if (r.scanner) out.push(...formatScannerCost(r.scanner));
  return out.join('\n');
}

function fix(n: number | undefined, digits: number): string {
  return n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Numbers line up on the right, words on the left.
  const numeric = head.map((_, i) => rows.every((r) => /^(-|-?[\d.]+)$/.test(r[i] ?? '-')));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
