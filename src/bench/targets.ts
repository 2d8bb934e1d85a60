import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this file compiles to dist/src/bench/targets.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type TargetKind = 'cairn' | 's3rver' | 'baseline' | 'external';

export interface TargetSpec {
  name: string;
  kind: TargetKind;
  /** Cairn: number of drives. */
  drives?: number;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** Baselines: the compiled entry script under dist/src/bench/baselines/. */
  script?: string;
}

export const TARGET_SPECS: Record<string, TargetSpec> = {
  'cairn-1': { name: 'cairn-1', kind: 'cairn', drives: 1 },
  'cairn-4': { name: 'cairn-4', kind: 'cairn', drives: 4, env: { CAIRN_STORAGE_CLASS_STANDARD: 'EC:2' } },
  s3rver: { name: 's3rver', kind: 's3rver' },
  'baseline-mem': { name: 'baseline-mem', kind: 'baseline', script: 'memory-server.js' },
  'baseline-fsync': { name: 'baseline-fsync', kind: 'baseline', script: 'fsync-server.js' },
};

export interface RunningTarget {
  spec: TargetSpec;
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** The server process, when the bench started it. */
  pid: number | undefined;
  /** Where its data lives ('' for external). */
  dataDir: string;
  stop(): Promise<void>;
}

const running = new Set<() => Promise<void>>();

/** Stops every server the bench started and still runs (on Ctrl-C or a fatal error). */
export async function stopAllTargets(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
}

export interface StartOptions {
  /** Parent of the per-target temp dir. */
  dataRoot: string;
  /** Data dir (Cairn's drives) on /dev/shm instead of dataRoot. */
  shm: boolean;
}

/** A running endpoint the bench did not start (`cairn bench ENDPOINT`). */
export function externalTarget(
  endpoint: string,
  accessKey: string,
  secretKey: string,
  pid: number | undefined,
): RunningTarget {
  return {
    spec: { name: 'external', kind: 'external' },
    endpoint: endpoint.replace(/\/+$/, ''),
    accessKey,
    secretKey,
    pid,
    dataDir: '',
    stop: async () => undefined,
  };
}

/** Starts a fresh server on a free loopback port with an empty temp data dir, and waits until ready. */
export async function startTarget(spec: TargetSpec, o: StartOptions): Promise<RunningTarget> {
  const port = await freePort();
  // s3rver knows one fixed key pair; it verifies signatures, so it also checks our SigV4.
  const accessKey = spec.kind === 's3rver' ? 'S3RVER' : 'cairnbench';
  const secretKey = spec.kind === 's3rver' ? 'S3RVER' : randomBytes(12).toString('hex');
  const useShm = o.shm;
  const dataDir = await mkdtemp(join(useShm ? '/dev/shm' : o.dataRoot, `cairn-bench-${spec.name}-`));
  const { args, readyPath } = await commandFor(spec, port, dataDir);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...spec.env, CAIRN_ROOT_USER: accessKey, CAIRN_ROOT_PASSWORD: secretKey },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    running.delete(stop);
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  running.add(stop);
  try {
    await waitReady(endpoint + readyPath, child, 30_000);
  } catch (err) {
    await stop();
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${spec.name} did not start: ${(err as Error).message}${tail ? `\n${tail}` : ''}`);
  }
  return { spec, endpoint, accessKey, secretKey, pid: child.pid, dataDir, stop };
}

async function commandFor(spec: TargetSpec, port: number, dataDir: string) {
  switch (spec.kind) {
    case 'cairn': {
      const drives: string[] = [];
      for (let i = 1; i <= (spec.drives ?? 1); i++) {
        const d = join(dataDir, `drive${i}`);
        await mkdir(d);
        drives.push(d);
      }
      return {
        args: [join(ROOT, 'bin/cairn.js'), 'server', '--address', `127.0.0.1:${port}`, ...drives],
        readyPath: '/minio/health/ready',
      };
    }
    case 's3rver': {
      const pkg = createRequire(import.meta.url).resolve('s3rver/package.json');
      const bin = join(pkg, '..', 'bin', 's3rver.js');
      return {
        // s3rver makes continuation tokens with DES, which OpenSSL 3 only offers from its legacy provider.
        args: [
          '--openssl-legacy-provider',
          bin,
          '-d',
          dataDir,
          '-a',
          '127.0.0.1',
          '-p',
          String(port),
          '--silent',
          '--no-vhost-buckets',
        ],
        readyPath: '/',
      };
    }
    case 'baseline': {
      const script = fileURLToPath(new URL(`./baselines/${spec.script}`, import.meta.url));
      return { args: [script, '--port', String(port), '--dir', dataDir], readyPath: '/minio/health/ready' };
    }
    case 'external':
      throw new Error('external targets are not started by the bench');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls until the URL answers (200 for health paths, any HTTP answer for s3rver's root). */
async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const anyAnswer = new URL(url).pathname === '/';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
    }
    const status = await probe(url);
    if (status === 200 || (anyAnswer && status > 0)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs / 1000} s`);
}

function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
