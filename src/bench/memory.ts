import { clientFor, measure, mib, type TargetSession, type WorkloadResult } from './measure.js';
import type { BenchOptions } from './options.js';
import { payloadSource } from './payload.js';
import type { RssSplit } from './proc-stats.js';

/** VmRSS and its parts (RssAnon + RssFile + RssShmem), MiB, summed over the server's process tree. */
export interface RssMiB {
  rss: number;
  anon: number;
  file: number;
  shmem: number;
}

export interface MemoryResult {
  target: string;
  /** RSS of the fresh server a moment after it became ready, before any load. */
  idleRssMiB: number | undefined;
  idle: RssMiB | undefined;
  uploads: number;
  size: number;
  /** Highest VmRSS sampled while the uploads ran (every 200 ms). */
  peakRssMiB: number | undefined;
  /** That highest sample split into anonymous, file-backed and shared memory. */
  peak: RssMiB | undefined;
  run: WorkloadResult;
}

const SIZE = 256 * 1024 * 1024;

/**
 * The heavy memory step: N concurrent single-request 256 MiB PUTs (N = 64 by default, 16 GiB in
 * all), to show the server's memory stays bounded per request whatever the object size. Run on a
 * server started for this step alone, so its RSS holds no pages left by earlier steps.
 */
export async function runMemory(
  s: TargetSession,
  o: BenchOptions,
  idle: RssSplit | undefined,
): Promise<MemoryResult> {
  const source = payloadSource();
  const keys: string[] = [];
  const stopWatching = s.monitor?.watchPeak();
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
  const peak = stopWatching?.();
  // 16 GiB is too much to leave on the disk for the steps that follow.
  const c = clientFor(s, 8);
  try {
    await Promise.all(keys.map((k) => c.delete(s.bucket, k).catch(() => undefined)));
  } finally {
    c.close();
  }
  return {
    target: s.target.spec.name,
    idleRssMiB: idle === undefined ? undefined : mib(idle.rss),
    idle: toMiB(idle),
    uploads: o.memoryUploads,
    size: SIZE,
    peakRssMiB: peak === undefined ? undefined : mib(peak.rss),
    peak: toMiB(peak),
    run,
  };
}

function toMiB(r: RssSplit | undefined): RssMiB | undefined {
  if (r === undefined) return undefined;
  return { rss: mib(r.rss), anon: mib(r.anon), file: mib(r.file), shmem: mib(r.shmem) };
}
