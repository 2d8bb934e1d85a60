import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { test } from 'node:test';

/** The absolute path of an executable (a bare name is looked up on PATH), or undefined. */
export function findTool(name: string): string | undefined {
  const candidates = isAbsolute(name)
    ? [name]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Options for a `describe`/`test` that needs the command-line tool `name`. When the tool is
 * missing, the tests are skipped with a message naming it; under CI=true a missing tool is a
 * failure instead (CI installs every tool, so its absence is a broken CI, not a reason to skip),
 * reported by a test of its own named after the tool.
 */
export function requireTool(name: string): { skip?: string } {
  if (findTool(name)) return {};
  const message = `${name} is not installed (not found on PATH)`;
  if (process.env.CI === 'true') {
    test(`${name} is installed (CI=true requires every tool the tests use)`, () => {
      assert.fail(message);
    });
  }
  return { skip: message };
}

/** The path with symlinks resolved, to tell two names of one binary apart from two binaries. */
export function realTool(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export interface ToolRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunToolOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /** Accept a non-zero exit (default: a non-zero exit throws with the tool's output). */
  allowFailure?: boolean;
  /** More to show when the tool fails, e.g. the end of the server's log. */
  context?: () => string;
  /** Written to the tool's standard input, which is then closed (default: no standard input). */
  input?: Buffer;
}

/** Runs a command-line tool to completion with a deadline; throws with its output when it fails. */
export async function runTool(bin: string, args: string[], opts: RunToolOptions = {}): Promise<ToolRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const proc = opts.input
    ? spawn(bin, args, { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(bin, args, { env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  // A tool that exits before reading all of its input makes the pipe fail; its exit status tells why.
  proc.stdin?.on('error', () => {});
  proc.stdin?.end(opts.input);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timeoutMs = opts.timeoutMs ?? 120_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, timeoutMs);
  const result = await new Promise<ToolRun>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  clearTimeout(timer);
  const shown = `$ ${bin} ${args.join(' ')}\nexit ${result.code ?? result.signal}${timedOut ? ` (killed after ${timeoutMs} ms)` : ''}\n--- stdout\n${stdout.slice(-1500)}\n--- stderr\n${stderr.slice(-4000)}${opts.context ? `\n--- context\n${opts.context()}` : ''}`;
  if (timedOut) throw new Error(`tool timed out:\n${shown}`);
  if (result.code !== 0 && !opts.allowFailure) throw new Error(`tool failed:\n${shown}`);
  return result;
}
