import { LatencyRecorder } from './latency.js';

/** Returned by an operation that has nothing left to do (e.g. DELETE ran out of objects). */
export const EXHAUSTED = -1;

/** One operation: resolves to the payload bytes moved, or EXHAUSTED. Throws on failure. */
export type Operation = (worker: number, seq: number) => Promise<number>;

export interface DriveOptions {
  concurrency: number;
  durationMs: number;
  /** Stop after this many operations even if time remains. */
  maxOps?: number;
}

/** Live counters, read by the progress line while a workload runs. */
export interface LiveCounters {
  ops: number;
  errors: number;
  bytes: number;
  startedAt: number;
  durationMs: number;
}

export interface DriveResult {
  ops: number;
  errors: number;
  bytes: number;
  wallSeconds: number;
  latency: LatencyRecorder;
  /** The first few distinct error messages. */
  errorSamples: string[];
}

/**
 * Runs `op` from `concurrency` workers until the duration passes (operations in flight finish),
 * recording each success's latency. Gives up early when nearly everything fails: a dead endpoint
 * should cost seconds, not the whole run.
 */
export async function drive(o: DriveOptions, op: Operation, live?: LiveCounters): Promise<DriveResult> {
  const counters = live ?? { ops: 0, errors: 0, bytes: 0, startedAt: 0, durationMs: 0 };
  counters.ops = 0;
  counters.errors = 0;
  counters.bytes = 0;
  counters.durationMs = o.durationMs;
  const latency = new LatencyRecorder();
  const errorSamples: string[] = [];
  const maxOps = o.maxOps ?? Number.POSITIVE_INFINITY;
  const start = performance.now();
  counters.startedAt = start;
  const deadline = start + o.durationMs;
  let next = 0;
  let stop = false;

  const worker = async (w: number): Promise<void> => {
    while (!stop && next < maxOps && performance.now() < deadline) {
      const seq = next++;
      const t0 = performance.now();
      try {
        const bytes = await op(w, seq);
        if (bytes === EXHAUSTED) return;
        latency.add(performance.now() - t0);
        counters.ops++;
        counters.bytes += bytes;
      } catch (err) {
        counters.errors++;
        const msg = err instanceof Error ? err.message : String(err);
        if (errorSamples.length < 3 && !errorSamples.includes(msg)) errorSamples.push(msg);
        if (counters.errors >= 50 && counters.errors > 10 * counters.ops) stop = true;
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < o.concurrency; w++) workers.push(worker(w));
  await Promise.all(workers);
  return {
    ops: counters.ops,
    errors: counters.errors,
    bytes: counters.bytes,
    wallSeconds: (performance.now() - start) / 1000,
    latency,
    errorSamples,
  };
}
