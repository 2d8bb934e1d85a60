import { measure, type TargetSession, type WorkloadResult } from './measure.js';
import type { BenchOptions } from './options.js';
import { payloadSource } from './payload.js';

export interface CoresResult {
  target: string;
  dataOnShm: boolean;
  one: WorkloadResult;
  four: WorkloadResult;
  /** MB/s with 4 concurrent PUTs over MB/s with 1: how well throughput rises with cores. */
  speedup: number;
  /** Server CPU seconds per wall second (1.0 = one core busy). */
  coresBusyOne: number | undefined;
  coresBusyFour: number | undefined;
}

const SIZE = 256 * 1024 * 1024;

/**
 * 1 versus 4 concurrent 256 MiB PUTs with the drives on /dev/shm, so the disk is out of the way and
 * only the server's use of CPU cores limits throughput. Each worker overwrites its own key, so the
 * data on /dev/shm stays at a few objects.
 */
export async function runCores(s: TargetSession, o: BenchOptions, dataOnShm: boolean): Promise<CoresResult> {
  const source = payloadSource();
  // Every worker finishes at least one PUT, so a short duration still gives a number.
  const durationMs = o.durationMs * 2;
  const run = (concurrency: number) =>
    measure(
      s,
      { op: `cores-put-c${concurrency}`, size: SIZE },
      { concurrency, durationMs },
      (c) => async (w) => {
        await c.put(s.bucket, `cores/${w}`, { source, length: SIZE });
        return SIZE;
      },
    );
  const one = await run(1);
  const four = await run(4);
  const busy = (r: WorkloadResult) =>
    r.serverCpuSeconds === undefined ? undefined : r.serverCpuSeconds / r.wallSeconds;
  return {
    target: s.target.spec.name,
    dataOnShm,
    one,
    four,
    speedup: four.mbPerSec / one.mbPerSec,
    coresBusyOne: busy(one),
    coresBusyFour: busy(four),
  };
}
