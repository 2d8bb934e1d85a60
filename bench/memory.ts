import { clientFor, measure, type TargetSession, type WorkloadResult } from './measure.js';
import type { BenchOptions } from './options.js';
import { payloadSource } from './payload.js';

export interface MemoryResult {
  target: string;
  /** RSS of the server a moment after it became ready, before any load. */
  idleRssMiB: number | undefined;
  uploads: number;
  size: number;
  /** Highest RSS sampled while the uploads ran. */
  peakRssMiB: number | undefined;
  run: WorkloadResult;
}

const SIZE = 256 * 1024 * 1024;

/**
 * The heavy memory step: N concurrent single-request 256 MiB PUTs (N = 64 by default, 16 GiB in
 * all), to show the server's memory stays bounded per request whatever the object size.
 */
export async function runMemory(
  s: TargetSession,
  o: BenchOptions,
  idleRssMiB: number | undefined,
): Promise<MemoryResult> {
  const source = payloadSource();
  const keys: string[] = [];
  const run = await measure(
    s,
    { op: 'memory-put', size: SIZE },
    { concurrency: o.memoryUploads, durationMs: 3_600_000, maxOps: o.memoryUploads },
    (c) => async (w) => {
      const key = `memory/${w}`;
      await c.put(s.bucket, key, { source, length: SIZE });
      keys.push(key);
      return SIZE;
    },
  );
  // 16 GiB is too much to leave on the disk for the steps that follow.
  const c = clientFor(s, 8);
  try {
    await Promise.all(keys.map((k) => c.delete(s.bucket, k).catch(() => undefined)));
  } finally {
    c.close();
  }
  return {
    target: s.target.spec.name,
    idleRssMiB,
    uploads: o.memoryUploads,
    size: SIZE,
    peakRssMiB: run.serverPeakRssMiB,
    run,
  };
}
