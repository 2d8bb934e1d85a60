import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateGoals, type GoalRow } from './goals.js';
import type { WorkloadResult } from './measure.js';
import type { MemoryResult } from './memory.js';
import { type BenchReport, emptyReport } from './report.js';

function workload(target: string, op: string, size: number, opsPerSec: number, extra = {}): WorkloadResult {
  return {
    target,
    op,
    size,
    concurrency: size <= 65536 ? 32 : 4,
    ops: Math.round(opsPerSec),
    errors: 0,
    wallSeconds: 1,
    opsPerSec,
    mbPerSec: (opsPerSec * size) / 1e6,
    p50Ms: 1,
    p99Ms: 2,
    serverPeakRssMiB: undefined,
    serverCpuSeconds: undefined,
    clientCpuSeconds: 0,
    errorSamples: [],
    ...extra,
  };
}

function report(parts: Partial<BenchReport>): BenchReport {
  return { ...emptyReport({}), ...parts };
}

function row(rows: GoalRow[], goal: string, target: string): GoalRow {
  const r = rows.find((x) => x.goal === goal && x.target === target);
  assert.ok(r, `no row ${goal} on ${target}`);
  return r;
}

const MiB16 = 16 << 20;

test('16 MiB GET ratios are judged against the 1-drive and 4-drive thresholds', () => {
  const rows = evaluateGoals(
    report({
      workloads: [
        workload('baseline-mem', 'get', MiB16, 100),
        workload('cairn-1', 'get', MiB16, 70),
        workload('cairn-4', 'get', MiB16, 70),
      ],
    }),
  );
  const one = row(rows, 'GET 16MiB / baseline-mem', 'cairn-1');
  assert.equal(one.status, 'missed');
  assert.equal(one.threshold, 0.75);
  assert.ok(Math.abs((one.measured ?? 0) - 0.7) < 1e-9);
  assert.equal(row(rows, 'GET 16MiB / baseline-mem', 'cairn-4').status, 'met');
});

test('a target whose step or reference server did not run is not measured', () => {
  const rows = evaluateGoals(report({ workloads: [workload('cairn-1', 'put', 4096, 3000)] }));
  for (const r of rows) assert.equal(r.status, 'not measured', `${r.goal} on ${r.target}`);
  assert.equal(row(rows, 'PUT 4KiB c=32 / s3rver', 'cairn-1').measured, undefined);
});

test('4 KiB ratios measured at another concurrency are shown but not judged', () => {
  const rows = evaluateGoals(
    report({
      workloads: [
        workload('s3rver', 'put', 4096, 100, { concurrency: 16 }),
        workload('cairn-1', 'put', 4096, 1000, { concurrency: 16 }),
      ],
    }),
  );
  const r = row(rows, 'PUT 4KiB c=32 / s3rver', 'cairn-1');
  assert.equal(r.status, 'not measured');
  assert.equal(r.measured, 10);
  assert.match(r.note ?? '', /c=16/);
});

test('a fast Cairn workload with errors misses its target', () => {
  const rows = evaluateGoals(
    report({
      workloads: [
        workload('s3rver', 'get', 4096, 100),
        workload('cairn-1', 'get', 4096, 1000, { errors: 3 }),
      ],
    }),
  );
  const r = row(rows, 'GET 4KiB c=32 / s3rver', 'cairn-1');
  assert.equal(r.status, 'missed');
  assert.equal(r.note, '3 errors');
});

test('RSS targets compare MB of 10^6 bytes and need 64 uploads', () => {
  const memory = (uploads: number): MemoryResult => ({
    target: 'cairn-1',
    idleRssMiB: 80,
    idle: undefined,
    uploads,
    size: 256 << 20,
    peakRssMiB: 580, // 608.2 MB
    peak: undefined,
    run: workload('cairn-1', 'memory-put', 256 << 20, 1),
  });
  // 115 MiB is 120.6 MB: over the 120 MB idle target.
  const rows = evaluateGoals(report({ idleRssMiB: { 'cairn-1': 115 }, memory: [memory(64)] }));
  assert.equal(row(rows, 'idle RSS', 'cairn-1').status, 'missed');
  assert.equal(row(rows, 'RSS under 64 x 256MiB PUTs', 'cairn-1').status, 'missed');
  const few = row(evaluateGoals(report({ memory: [memory(4)] })), 'RSS under 64 x 256MiB PUTs', 'cairn-1');
  assert.equal(few.status, 'not measured');
  assert.match(few.note ?? '', /4 uploads/);
  // Without a first start, the memory step's fresh server gives the idle RSS.
  assert.equal(row(evaluateGoals(report({ memory: [memory(4)] })), 'idle RSS', 'cairn-1').status, 'met');
});

test('the microbenchmark targets need RS strictly faster than MD5', () => {
  const rows = evaluateGoals(
    report({ micro: { results: [], rsEncodeOverMd5: 5.1, rsReconstructOverMd5: 0.9, policy: [] } }),
  );
  assert.equal(row(rows, 'RS 8+4 encode / MD5', '-').status, 'met');
  assert.equal(row(rows, 'RS 8+4 reconstruct / MD5', '-').status, 'missed');
});

test('the policy evaluator target is judged on its slowest case, in microseconds', () => {
  const micro = (ns: number[]) => ({
    results: [],
    rsEncodeOverMd5: 2,
    rsReconstructOverMd5: 2,
    policy: ns.map((n, i) => ({ name: `case ${i}`, decision: 'allow', nsPerEvaluation: n })),
  });
  const judged = (ns: number[]) =>
    row(evaluateGoals(report({ micro: micro(ns) })), 'IAM policy evaluation, slowest case', '-');
  assert.equal(judged([300, 800]).status, 'met');
  assert.equal(judged([300, 12_000]).status, 'missed');
  assert.equal(judged([]).status, 'not measured');
});
