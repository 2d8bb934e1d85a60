/**
 * Heal runs asked for through the admin API (MinIO's heal sequences): each has a token the caller
 * polls with, a bucket and prefix, and what it found so far. Ended runs are kept for a while so a
 * poll that comes after the end still gets the result.
 */
import { randomUUID } from 'node:crypto';
import type { HealRun, HealRunItem, HealRunOptions, HealRunState } from './layer-status.js';
import { noFindings } from './scan-object.js';

/** Damaged objects a run keeps for its status answer. */
const MAX_ITEMS = 1000;
/** Ended runs kept (oldest dropped first). */
const KEEP_ENDED = 32;

export class HealRuns {
  private readonly byToken = new Map<string, HealRun>();
  /** Runs not taken up by the scanner yet, oldest first. */
  private readonly queue: HealRun[] = [];

  /** A new run (or the one going on the same bucket and prefix, unless `force` stops it). */
  start(opts: HealRunOptions): HealRun {
    const going = this.going(opts.bucket, opts.prefix);
    if (going && !opts.force) return going;
    if (going) this.stop(opts.bucket, opts.prefix);
    const run: HealRun = {
      token: randomUUID(),
      bucket: opts.bucket,
      prefix: opts.prefix,
      deep: opts.deep,
      state: 'running',
      started: new Date(),
      objects: 0,
      bytes: 0,
      shardBytes: 0,
      findings: noFindings(),
      items: [],
    };
    this.byToken.set(run.token, run);
    this.queue.push(run);
    this.prune();
    return run;
  }

  get(token: string): HealRun | undefined {
    return this.byToken.get(token);
  }

  waiting(): boolean {
    return this.queue.length > 0;
  }

  /** The next run to walk (taken off the queue). */
  next(): HealRun | undefined {
    for (let run = this.queue.shift(); run; run = this.queue.shift()) if (run.state === 'running') return run;
    return undefined;
  }

  stop(bucket: string, prefix: string): HealRun | undefined {
    const run = this.going(bucket, prefix);
    if (run) this.finish(run, 'stopped', 'stopped on request');
    return run;
  }

  finish(run: HealRun, state: Exclude<HealRunState, 'running'> = 'finished', detail?: string): void {
    if (run.state !== 'running') return;
    run.state = state;
    run.ended = new Date();
    if (detail !== undefined) run.detail = detail;
  }

  addItem(run: HealRun, item: HealRunItem): void {
    if (run.items.length < MAX_ITEMS) run.items.push(item);
  }

  private going(bucket: string, prefix: string): HealRun | undefined {
    for (const run of this.byToken.values())
      if (run.state === 'running' && run.bucket === bucket && run.prefix === prefix) return run;
    return undefined;
  }

  private prune(): void {
    const ended = [...this.byToken.values()].filter((r) => r.state !== 'running');
    for (const run of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.byToken.delete(run.token);
  }
}
