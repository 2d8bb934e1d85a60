/**
 * Keeps the scanner to its share of the machine, as MinIO's dynamic sleeper does: after work that
 * took t, it sleeps t × delay (at most maxWait), so it runs about 1 / (1 + delay) of the time. Work
 * time is wall time, so when client requests keep the event loop and the drives busy, each step
 * takes longer and the scanner sleeps longer: it yields to them. An objects-per-second bound holds
 * on top. Sleeps shorter than a timer can keep are owed and taken together.
 */
import { performance } from 'node:perf_hooks';
import type { ScannerSettings } from './scanner-settings.js';

/** Sleeps are gathered until they reach this (setTimeout cannot sleep less than about 1 ms). */
const MIN_SLEEP_MS = 4;

export class ScanPacer {
  private owed = 0;
  private started = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly settings: Pick<ScannerSettings, 'delay' | 'maxWaitMs' | 'objectsPerSec'>) {}

  /** Marks the start of a piece of work. */
  begin(): void {
    this.started = performance.now();
  }

  /**
   * Ends the work begun with `begin` (covering `objects` objects) and sleeps the share it owes.
   * Resolves early when `interrupt` is called (stop, or an on-demand pass to run).
   */
  async end(objects = 1): Promise<void> {
    const work = performance.now() - this.started;
    let sleep = work * this.settings.delay;
    if (this.settings.maxWaitMs > 0) sleep = Math.min(sleep, this.settings.maxWaitMs);
    if (this.settings.objectsPerSec > 0)
      sleep = Math.max(sleep, (objects * 1000) / this.settings.objectsPerSec - work);
    this.owed += sleep;
    if (this.owed >= MIN_SLEEP_MS) {
      const ms = this.owed;
      this.owed = 0;
      await this.sleep(ms);
    }
    this.started = performance.now();
  }

  /** Sleeps `ms` unless interrupted. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
      this.timer.unref();
    }).finally(() => {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.wake = undefined;
    });
  }

  /** Ends the current sleep now. */
  interrupt(): void {
    this.wake?.();
  }
}
