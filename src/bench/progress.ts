import type { LiveCounters } from './driver.js';

/**
 * The one status line shown while a workload runs (redrawn in place on a terminal; silent when
 * stderr is a file or pipe, where only finished-step lines are printed).
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private readonly tty = process.stderr.isTTY === true;

  /** Shows a live line for a running workload until `stop()` is called. */
  start(label: string, c: LiveCounters, extra: () => string): void {
    this.stop();
    if (!this.tty) return;
    const draw = (): void => {
      const elapsed = (performance.now() - c.startedAt) / 1000;
      const rate = elapsed > 0 ? c.ops / elapsed : 0;
      const mbs = elapsed > 0 ? c.bytes / 1e6 / elapsed : 0;
      const line =
        `${label}  ${elapsed.toFixed(1)}/${(c.durationMs / 1000).toFixed(0)}s  ops ${c.ops}  ` +
        `${rate.toFixed(0)} op/s  ${mbs.toFixed(1)} MB/s  err ${c.errors}  ${extra()}`;
      process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    };
    this.timer = setInterval(draw, 250);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    process.stderr.write('\r\x1b[K');
  }

  /** Prints a finished line (above the live line, if any). */
  note(line: string): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
    process.stderr.write(`${line}\n`);
  }
}
