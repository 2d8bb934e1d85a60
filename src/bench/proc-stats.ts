import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = readClockTicks();

function readClockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

interface ProcStat {
  ppid: number;
  /** utime + stime, seconds. */
  cpu: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself hold spaces or parentheses.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): field N is f[N - 3].
  const n = (i: number) => Number(f[i - 3] ?? 0);
  return { ppid: n(4), cpu: (n(14) + n(15)) / CLOCK_TICKS };
}

/**
 * Resident memory of one process (or a sum over several), bytes, from `/proc/<pid>/status`. VmRSS is
 * RssAnon + RssFile + RssShmem: anonymous memory (heap, buffers) is what the data path holds; file
 * pages (the LMDB map, the code) are reclaimable cache the kernel counts as resident.
 */
export interface RssSplit {
  rss: number;
  anon: number;
  file: number;
  shmem: number;
}

export const NO_RSS: RssSplit = { rss: 0, anon: 0, file: 0, shmem: 0 };

/** The RSS split and VmHWM of one process in bytes, or undefined once it has exited. */
export function readMemory(pid: number): (RssSplit & { hwm: number }) | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return {
    rss: kib('VmRSS'),
    anon: kib('RssAnon'),
    file: kib('RssFile'),
    shmem: kib('RssShmem'),
    hwm: kib('VmHWM'),
  };
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const st = readStat(pid);
    if (st === undefined) continue;
    const list = children.get(st.ppid);
    if (list === undefined) children.set(st.ppid, [pid]);
    else list.push(pid);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

export interface UsageWindow {
  /** Highest RSS sampled in the window, summed over the server's process tree. */
  peakRssBytes: number;
  /** The split of that highest sample (so its parts add up to `peakRssBytes`). */
  peakRss: RssSplit;
  /** Server CPU seconds (user + system, whole tree) spent in the window. */
  cpuSeconds: number;
  wallSeconds: number;
}

/**
 * Watches a server process and its descendants (a server may fork workers): samples RSS on an
 * interval, and accounts CPU time per window between `begin()` and `end()`.
 */
export class ProcessMonitor {
  private pids: number[];
  private readonly cpuByPid = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private windowPeak: RssSplit = NO_RSS;
  private readonly peakWatchers = new Set<{ peak: RssSplit }>();
  private windowCpu0 = 0;
  private windowStart = 0;
  private ticks = 0;
  lastRss = 0;
  private last: RssSplit = NO_RSS;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 200,
  ) {
    this.pids = [pid];
  }

  start(): void {
    this.pids = [this.pid, ...descendants(this.pid)];
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  begin(): void {
    this.sample();
    this.windowPeak = this.last;
    this.windowCpu0 = this.cpuTotal();
    this.windowStart = performance.now();
  }

  end(): UsageWindow {
    this.sample();
    return {
      peakRssBytes: this.windowPeak.rss,
      peakRss: this.windowPeak,
      cpuSeconds: this.cpuTotal() - this.windowCpu0,
      wallSeconds: (performance.now() - this.windowStart) / 1000,
    };
  }

  /**
   * Follows the highest RSS sample (whole process tree) from now until the returned function is
   * called, whatever `begin()`/`end()` windows run meanwhile; the function returns that sample.
   */
  watchPeak(): () => RssSplit {
    this.sample();
    const watcher = { peak: this.last };
    this.peakWatchers.add(watcher);
    return () => {
      this.sample();
      this.peakWatchers.delete(watcher);
      return watcher.peak;
    };
  }

  /** VmHWM of the main server process (lifetime peak). */
  highWaterMark(): number {
    return readMemory(this.pid)?.hwm ?? 0;
  }

  private cpuTotal(): number {
    let total = 0;
    for (const v of this.cpuByPid.values()) total += v;
    return total;
  }

  private sample(): void {
    // Re-discover forked workers now and then; sampling known pids is cheap.
    if (++this.ticks % 10 === 0) this.pids = [this.pid, ...descendants(this.pid)];
    const sum = { rss: 0, anon: 0, file: 0, shmem: 0 };
    for (const pid of this.pids) {
      const mem = readMemory(pid);
      if (mem !== undefined) {
        sum.rss += mem.rss;
        sum.anon += mem.anon;
        sum.file += mem.file;
        sum.shmem += mem.shmem;
      }
      const st = readStat(pid);
      if (st === undefined) continue;
      // Keep the last value seen for workers that exit (their CPU after that sample is lost).
      this.cpuByPid.set(pid, Math.max(st.cpu, this.cpuByPid.get(pid) ?? 0));
    }
    this.last = sum;
    this.lastRss = sum.rss;
    if (sum.rss > this.windowPeak.rss) this.windowPeak = sum;
    for (const w of this.peakWatchers) if (sum.rss > w.peak.rss) w.peak = sum;
  }
}
