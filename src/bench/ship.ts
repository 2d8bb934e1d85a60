/**
 * The `ship` step: start-up time (spawn until /minio/health/live answers 200) and idle RSS of the
 * shipped builds (`npm run dist`: the bundle under plain node, the single executable) against
 * `node bin/cairn.js`, in the same run, rounds interleaved so load drift hits all three alike.
 * The executable's first start, which unpacks its native addons into an empty cache, is reported
 * on its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mib } from './measure.js';
import { readMemory } from './proc-stats.js';

export interface ShipLauncher {
  name: string;
  /** Median spawn → health 200, ms. */
  startMs: number | undefined;
  /** Median VmRSS one second after health answered, MiB. */
  idleRssMiB: number | undefined;
  /** Ratios to `node bin/cairn.js` (1 = the same). */
  startRatio: number | undefined;
  rssRatio: number | undefined;
}

export interface ShipResult {
  rounds: number;
  drives: number;
  launchers: ShipLauncher[];
  /** The executable's start with an empty cache (unpacking its addons), ms. */
  executableColdStartMs: number | undefined;
  /** Why a launcher was left out (not built). */
  missing: string[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

async function waitLive(url: string, proc: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error('server exited during start-up');
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('server not live within 30 s');
}

/** Starts one server, measures start-up and idle RSS, stops it. */
async function startOnce(
  command: string[],
  drives: number,
  env: NodeJS.ProcessEnv,
): Promise<{ startMs: number; rss: number }> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-bench-ship-'));
  const dirs: string[] = [];
  for (let i = 1; i <= drives; i++) {
    dirs.push(join(root, `d${i}`));
    await mkdir(dirs.at(-1)!);
  }
  const port = await freePort();
  const [program, ...lead] = command;
  const started = performance.now();
  const proc = spawn(program!, [...lead, 'server', '--address', `127.0.0.1:${port}`, ...dirs], {
    env,
    stdio: 'ignore',
  });
  try {
    await waitLive(`http://127.0.0.1:${port}/minio/health/live`, proc, Date.now() + 30_000);
    const startMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 1000));
    const rss = readMemory(proc.pid!)?.rss ?? 0;
    return { startMs, rss };
  } finally {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    await rm(root, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? undefined : s[Math.floor(s.length / 2)];
};

/** Runs the step from the repository root `root` (bin/, dist-pkg/). */
export async function runShip(
  root: string,
  rounds: number,
  note: (msg: string) => void,
): Promise<ShipResult> {
  const drives = 4;
  const cache = await mkdtemp(join(tmpdir(), 'cairn-bench-cache-'));
  const env = {
    ...process.env,
    CAIRN_ROOT_USER: 'cairnbench',
    CAIRN_ROOT_PASSWORD: 'cairnbench-secret',
    XDG_CACHE_HOME: cache,
  };
  const candidates = [
    { name: 'node bin/cairn.js', command: [process.execPath, join(root, 'bin', 'cairn.js')] },
    { name: 'node dist-pkg/cairn.mjs', command: [process.execPath, join(root, 'dist-pkg', 'cairn.mjs')] },
    { name: 'dist-pkg/cairn (executable)', command: [join(root, 'dist-pkg', 'cairn')] },
  ];
  const missing = candidates
    .filter((c) => !existsSync(c.command.at(-1)!))
    .map((c) => `${c.name}: not built (npm run dist)`);
  const present = candidates.filter((c) => existsSync(c.command.at(-1)!));
  const samples = new Map(present.map((c) => [c.name, { start: [] as number[], rss: [] as number[] }]));
  let executableColdStartMs: number | undefined;
  try {
    const exe = present.find((c) => c.name.includes('executable'));
    if (exe) {
      note('ship: executable first start (empty cache: unpacks its native addons)');
      executableColdStartMs = (await startOnce(exe.command, drives, env)).startMs;
    }
    for (let round = 1; round <= rounds; round++) {
      note(`ship: round ${round} of ${rounds}`);
      for (const c of present) {
        const r = await startOnce(c.command, drives, env);
        samples.get(c.name)!.start.push(r.startMs);
        samples.get(c.name)!.rss.push(r.rss);
      }
    }
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
  const base = samples.get(candidates[0]!.name);
  const baseStart = base ? median(base.start) : undefined;
  const baseRss = base ? median(base.rss) : undefined;
  const launchers = present.map((c) => {
    const s = samples.get(c.name)!;
    const startMs = median(s.start);
    const rss = median(s.rss);
    return {
      name: c.name,
      startMs,
      idleRssMiB: rss === undefined ? undefined : mib(rss),
      startRatio: startMs !== undefined && baseStart ? startMs / baseStart : undefined,
      rssRatio: rss !== undefined && baseRss ? rss / baseRss : undefined,
    };
  });
  return { rounds, drives, launchers, executableColdStartMs, missing };
}

/** The step's lines in the printed report. */
export function formatShip(r: ShipResult): string[] {
  const out = [
    '',
    `Shipped builds: start-up (spawn → /minio/health/live 200) and idle RSS, ${r.drives} drives, median of ${r.rounds}`,
  ];
  const rows = r.launchers.map((l) =>
    [
      l.name.padEnd(28),
      `${l.startMs?.toFixed(0) ?? '-'} ms`.padStart(9),
      `${l.startRatio?.toFixed(2) ?? '-'} x`.padStart(8),
      `${l.idleRssMiB?.toFixed(1) ?? '-'} MiB`.padStart(11),
      `${l.rssRatio?.toFixed(2) ?? '-'} x`.padStart(8),
    ].join('  '),
  );
  out.push(
    `${'launcher'.padEnd(28)}  ${'start'.padStart(9)}  ${'ratio'.padStart(8)}  ${'idle RSS'.padStart(11)}  ${'ratio'.padStart(8)}`,
  );
  out.push(...rows);
  if (r.executableColdStartMs !== undefined)
    out.push(
      `executable's first start with an empty cache (unpacking): ${r.executableColdStartMs.toFixed(0)} ms`,
    );
  for (const m of r.missing) out.push(`not measured: ${m}`);
  return out;
}
