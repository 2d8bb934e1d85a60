import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../..');
const CAIRN_BIN = join(REPO, 'bin', 'cairn.js');

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
}

export interface StartOptions {
  /** Number of drives in a fresh temp dir, or explicit directories. */
  drives: number | string[];
  env?: Record<string, string>;
  /** Node binary to run the server with (default: the one running the tests). */
  node?: string;
  extraArgs?: string[];
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

/** Starts a real `cairn server` process on loopback and waits until it is ready. */
export async function startCairn(opts: StartOptions): Promise<CairnProcess> {
  let root: string | undefined;
  let driveDirs: string[];
  if (typeof opts.drives === 'number') {
    root = await mkdtemp(join(tmpdir(), 'cairn-test-'));
    driveDirs = [];
    for (let i = 1; i <= opts.drives; i++) {
      const dir = join(root, `disk${i}`);
      await mkdir(dir);
      driveDirs.push(dir);
    }
  } else {
    driveDirs = opts.drives;
  }
  const port = await freePort();
  const accessKey = 'cairntestadmin';
  const secretKey = 'cairn-test-secret-key';
  const env = {
    ...process.env,
    CAIRN_ROOT_USER: accessKey,
    CAIRN_ROOT_PASSWORD: secretKey,
    ...opts.env,
  };
  let child: ChildProcess | undefined;
  let log = '';
  let exited: Promise<void> = Promise.resolve();

  const launch = async () => {
    const proc = spawn(
      opts.node ?? process.execPath,
      [CAIRN_BIN, 'server', '--address', `127.0.0.1:${port}`, ...(opts.extraArgs ?? []), ...driveDirs],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    proc.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    exited = new Promise((r) => proc.once('exit', () => r()));
    await waitReady(`http://127.0.0.1:${port}`, proc, () => log);
  };

  await launch();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    accessKey,
    secretKey,
    region: 'us-east-1',
    driveDirs,
    output: () => log,
    async stop(stopOpts) {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (root && !stopOpts?.keepDrives) await rm(root, { recursive: true, force: true });
    },
    async kill9() {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    async restart() {
      await launch();
    },
  };
}

async function waitReady(endpoint: string, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`cairn server exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${output()}`);
    }
    try {
      const res = await fetch(`${endpoint}/minio/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`cairn server not ready within 20 s:\n${output()}`);
}
