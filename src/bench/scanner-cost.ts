/**
 * Issue 12's "requests under a running scanner": 4 KiB PUT and GET on 4 drives (EC 2+2) with the
 * scanner idle, then walking continuously at its default speed, then scrubbing (deep passes:
 * every shard read and verified) continuously at that speed, each on a fresh server holding the
 * same objects, in one run. The cost is each variant's op/s over the idle one's.
 */
import { measure, type TargetSession, type WorkloadResult } from './measure.js';
import { type BenchOptions, concurrencyFor } from './options.js';
import { payloadSource } from './payload.js';
import type { TargetSpec } from './targets.js';
import { ensureObjects, KeyPool } from './workloads.js';

const EC2 = { CAIRN_STORAGE_CLASS_STANDARD: 'EC:2' };

/** The servers compared: the scanner's first pass waits one cycle, so a day keeps it idle. */
export const SCANNER_VARIANTS: TargetSpec[] = [
  {
    name: 'cairn-4 scanner idle',
    kind: 'cairn',
    drives: 4,
    env: { ...EC2, CAIRN_SCANNER_CYCLE: '24h', CAIRN_SCRUB_INTERVAL: 'off' },
  },
  {
    name: 'cairn-4 scanning',
    kind: 'cairn',
    drives: 4,
    env: { ...EC2, CAIRN_SCANNER_SPEED: 'default', CAIRN_SCANNER_CYCLE: '1s', CAIRN_SCRUB_INTERVAL: 'off' },
  },
  {
    name: 'cairn-4 scrubbing',
    kind: 'cairn',
    drives: 4,
    env: { ...EC2, CAIRN_SCANNER_SPEED: 'default', CAIRN_SCANNER_CYCLE: '1s', CAIRN_SCRUB_INTERVAL: 'on' },
  },
];

const SMALL = 4 * 1024;
const LARGE = 1024 * 1024;

export interface ScannerCostResult {
  workloads: WorkloadResult[];
  /** Per variant and workload, op/s over the idle scanner's. */
  ratios: { variant: string; workload: string; ratio: number | undefined }[];
}

/** Fills the bucket (untimed) so the scanner has work, waits for it to start, then measures. */
export async function runScannerVariant(s: TargetSession, o: BenchOptions): Promise<WorkloadResult[]> {
  const pool = new KeyPool();
  await ensureObjects(s, pool, SMALL, o.quick ? 2000 : 10_000);
  // File-backed objects, so a scrub reads shard files, not only inline shards.
  await ensureObjects(s, pool, LARGE, o.quick ? 20 : 100);
  await new Promise((r) => setTimeout(r, 1500)); // past the first cycle: the scanner is walking
  const keys = pool.keys(SMALL);
  const d = { concurrency: concurrencyFor(o, SMALL), durationMs: o.durationMs };
  const put = await measure(s, { op: 'put', size: SMALL }, d, (c) => async () => {
    const key = pool.newKey(SMALL);
    await c.put(s.bucket, key, { source: payloadSource(), length: SMALL });
    keys.push(key);
    return SMALL;
  });
  const get = await measure(s, { op: 'get', size: SMALL }, d, (c) => async (_w, seq) => {
    return (await c.get(s.bucket, keys[seq % keys.length]!)).bytes;
  });
  return [put, get];
}

export function scannerRatios(rows: WorkloadResult[]): ScannerCostResult['ratios'] {
  const idle = SCANNER_VARIANTS[0]!.name;
  const out: ScannerCostResult['ratios'] = [];
  for (const r of rows) {
    if (r.target === idle) continue;
    const base = rows.find((b) => b.target === idle && b.op === r.op && b.size === r.size);
    out.push({
      variant: r.target,
      workload: `${r.op} 4KiB`,
      ratio: base && base.opsPerSec > 0 ? r.opsPerSec / base.opsPerSec : undefined,
    });
  }
  return out;
}

export function formatScannerCost(r: ScannerCostResult): string[] {
  const lines = ['', 'Requests under a running scanner (op/s; ratio to the idle scanner, same run)'];
  for (const w of r.workloads)
    lines.push(
      `  ${w.target.padEnd(22)} ${`${w.op} 4KiB`.padEnd(9)} ${w.opsPerSec.toFixed(1).padStart(9)} op/s`,
    );
  for (const x of r.ratios)
    lines.push(
      `  ${x.variant.padEnd(22)} ${x.workload.padEnd(9)} ${x.ratio === undefined ? '-' : x.ratio.toFixed(2)}`,
    );
  return lines;
}
