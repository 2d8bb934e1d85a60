import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../..');
const CAIRN_BIN = join(REPO, 'bin', 'cairn.js');

/** How long stop() waits after SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 40_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CairnProcess {
  endpoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  region: string;
  driveDirs: string[];
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM and wait for exit; removes the drives unless keepDrives. */
  stop(opts?: { keepDrives?: boolean }): Promise<void>;
  /** SIGKILL and wait for exit; drives stay. */
  kill9(): Promise<void>;
  /** Start again on the same drives and port (after kill9 or stop({keepDrives:true})). */
  restart(): Promise<void>;
  /** Sends a signal to the running server without waiting. */
  signal(sig: NodeJS.Signals): void;
  /** Resolves when the current server process exits, with its exit code or signal. */
  exited(): Promise<ExitStatus>;
  /** The temp directory holding the drives when `drives` was a number (removed by stop). */
  root: string | undefined;
}

export interface StartOptions {
  /** Number of drives in a fresh temp dir, or explicit directories. */
  drives: number | string[];
  /**
   * Extra environment for the server; a value of `undefined` removes the variable (e.g.
   * `{ CAIRN_ROOT_USER: undefined, CAIRN_ROOT_PASSWORD: undefined }` lets the server generate
   * credentials, which are then read from its start-up banner).
   */
  env?: Record<string, string | undefined>;
  /** Node binary to run the server with (default: $CAIRN_TEST_NODE, else the one running the tests). */
  node?: string;
  /**
   * The program and its leading arguments instead of `node bin/cairn.js` (a built bundle or
   * executable, test/ship); `server ...` follows them.
   */
  command?: string[];
  extraArgs?: string[];
}

/** The Node binary servers run under: CI sets CAIRN_TEST_NODE to prove a second Node line. */
export function serverNode(): string {
  return process.env.CAIRN_TEST_NODE || process.execPath;
}

/** Finds a free loopback port by binding port 0 and releasing it. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Creates `count` empty drive directories in a fresh temp dir. */
export async function makeDriveDirs(count: number): Promise<{ root: string; driveDirs: string[] }> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-test-'));
  const driveDirs: string[] = [];
  for (let i = 1; i <= count; i++) {
    const dir = join(root, `disk${i}`);
    await mkdir(dir);
    driveDirs.push(dir);
  }
  return { root, driveDirs };
}

/** The environment a test server runs with: the test's own, fixed root credentials, overrides. */
export function serverEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CAIRN_ROOT_USER: TEST_ACCESS_KEY,
    CAIRN_ROOT_PASSWORD: TEST_SECRET_KEY,
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export const TEST_ACCESS_KEY = 'cairntestadmin';
export const TEST_SECRET_KEY = 'cairn-test-secret-key';

/** Starts a real `cairn server` process on loopback and waits until it is ready. */
export async function startCairn(opts: StartOptions): Promise<CairnProcess> {
  let root: string | undefined;
  let driveDirs: string[];
  if (typeof opts.drives === 'number') {
    ({ root, driveDirs } = await makeDriveDirs(opts.drives));
  } else {
    driveDirs = opts.drives;
  }
  const port = await freePort();
  const env = serverEnv(opts.env);
  let accessKey = env.CAIRN_ROOT_USER ?? env.MINIO_ROOT_USER ?? '';
  let secretKey = env.CAIRN_ROOT_PASSWORD ?? env.MINIO_ROOT_PASSWORD ?? '';
  let child: ChildProcess | undefined;
  let log = '';
  let exited: Promise<ExitStatus> = Promise.resolve({ code: 0, signal: null });

  const launch = async () => {
    const [program, ...lead] = opts.command ?? [opts.node ?? serverNode(), CAIRN_BIN];
    const proc = spawn(
      program!,
      [...lead, 'server', '--address', `127.0.0.1:${port}`, ...(opts.extraArgs ?? []), ...driveDirs],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    live.add(proc);
    proc.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    exited = new Promise((r) =>
      proc.once('exit', (code, signal) => {
        live.delete(proc);
        r({ code, signal });
      }),
    );
    await waitReady(`http://127.0.0.1:${port}`, proc, () => log);
    if (!accessKey || !secretKey) {
      // Generated or stored credentials: the banner prints them.
      const user = /RootUser: (\S+)/.exec(log);
      const pass = /RootPass: (\S+)/.exec(log);
      if (user?.[1]) accessKey = user[1];
      if (pass?.[1] && !pass[1].startsWith('(')) secretKey = pass[1];
    }
  };

  const isRunning = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  await launch();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    get accessKey() {
      return accessKey;
    },
    get secretKey() {
      return secretKey;
    },
    region: env.CAIRN_REGION ?? 'us-east-1',
    driveDirs,
    root,
    output: () => log,
    async stop(stopOpts) {
      if (isRunning()) {
        child!.kill('SIGTERM');
        const timer = setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      if (root && !stopOpts?.keepDrives) await rm(root, { recursive: true, force: true });
    },
    async kill9() {
      if (isRunning()) {
        child!.kill('SIGKILL');
        await exited;
      }
    },
    async restart() {
      await launch();
    },
    signal(sig) {
      if (isRunning()) child!.kill(sig);
    },
    exited: () => exited,
  };
}

/** The last lines of a server's log, for failure messages. */
export function logTail(cairn: Pick<CairnProcess, 'output'>, chars = 3000): string {
  const out = cairn.output();
  return out.length > chars ? `…${out.slice(-chars)}` : out;
}

/** Result of a `cairn` process that was expected to exit by itself. */
export interface CairnRun extends ExitStatus {
  stdout: string;
  stderr: string;
  /** True when it was still running at the deadline (then it was killed). */
  timedOut: boolean;
}

/**
 * Runs `cairn ARGS...` to completion (for start-up failures) and returns its output. A server that
 * does come up is killed at the deadline and reported with timedOut.
 */
export async function runCairn(
  args: string[],
  opts: { env?: Record<string, string | undefined>; timeoutMs?: number; node?: string } = {},
): Promise<CairnRun> {
  const proc = spawn(opts.node ?? serverNode(), [CAIRN_BIN, ...args], {
    env: serverEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, opts.timeoutMs ?? 15_000);
  const status = await new Promise<ExitStatus>((r) =>
    proc.once('close', (code, signal) => r({ code, signal })),
  );
  clearTimeout(timer);
  live.delete(proc);
  return { ...status, stdout, stderr, timedOut };
}

async function waitReady(endpoint: string, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(
        `cairn server exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${output()}`,
      );
    }
    try {
      const res = await fetch(`${endpoint}/minio/health/ready`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`cairn server not ready within 20 s:\n${output()}`);
}

// A test that fails before its `after` hook must not leave servers running behind it.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
});
