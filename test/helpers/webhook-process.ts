/** Starts and stops the webhook receiver process (test/helpers/webhook-receiver.ts). */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const RECEIVER = join(import.meta.dirname, 'webhook-receiver.js');

export interface WebhookReceiver {
  /** Entries received so far, in the order they arrived. */
  entries(): Promise<Record<string, unknown>[]>;
  /** Waits until `pred` holds for the entries received (rejects after `timeoutMs`). */
  waitFor(
    pred: (entries: Record<string, unknown>[]) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function webhookReceiver(port: number, file: string, token: string): WebhookReceiver {
  let child: ChildProcess | undefined;
  const entries = async () => {
    const text = await readFile(file, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return {
    entries,
    async waitFor(pred, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = await entries();
        if (pred(got)) return got;
        if (Date.now() > deadline)
          throw new Error(
            `the receiver did not get what was expected within ${timeoutMs} ms (${got.length} entries)`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async start() {
      const proc = spawn(process.execPath, [RECEIVER, String(port), file, token], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child = proc;
      process.once('exit', () => proc.kill('SIGKILL'));
      await new Promise<void>((resolve, reject) => {
        proc.stdout?.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) resolve();
        });
        proc.once('exit', (code) =>
          reject(new Error(`webhook receiver exited (${code}) before it was ready`)),
        );
      });
    },
    async stop() {
      const proc = child;
      if (proc === undefined || proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      child = undefined;
    },
  };
}
