/**
 * The scanner: one background loop per server that walks every bucket and object at a bounded rate
 * (scan-pacer.ts). Each full pass corrects the per-bucket usage counters (usage-counters.ts),
 * queues objects a drive lacks for healing, and hands every object to the registered visitors (the
 * hook lifecycle rules will use). A pass is deep (a scrub: every shard on every drive read and its
 * bitrot hash verified, parity included) when the scrub interval has passed since the last deep
 * one. Heal runs asked for through the admin API (`startRun`) go ahead of the background pass,
 * which resumes where it was after them.
 */
import { mergedScan } from '../erasure/merged-scan.js';
import { ObjectLayerError } from './errors.js';
import { HealRuns } from './heal-runs.js';
import { keyOfObjectKey, objectKey, prefixEnd, TABLES } from './index-keys.js';
import type { LayerContext } from './layer-context.js';
import type { BucketUsage, HealRun, HealRunOptions, ScanPass, ScanStatus } from './layer-status.js';
import type { ObjectRecord } from './object-record.js';
import { addFindings, anyFinding, noFindings, scanObject } from './scan-object.js';
import { ScanPacer } from './scan-pacer.js';
import type { ScannerSettings } from './scanner-settings.js';
import type { UsageCounters } from './usage-counters.js';

/** The system document holding when the last passes ended (so the scrub cadence survives restarts). */
export const SCANNER_STATE_DOCUMENT = 'scanner/state';
/** Keys read from the index per step. */
const PAGE = 100;
/** How often changed usage counters are saved. */
const SAVE_USAGE_MS = 10_000;

/** One object as the scanner saw it: what a visitor (lifecycle rules) is given. */
export interface ScannedObject {
  bucket: string;
  key: string;
  /** The current version's record (read-only). */
  record: ObjectRecord;
}

/** Called for every object of every full pass, in key order per bucket; errors are logged. */
export type ScanVisitor = (object: ScannedObject) => Promise<void> | void;

/** What the scanner needs from the layer that owns it. */
export interface ScannerHost {
  /** Names of the buckets read quorum agrees on. */
  listBuckets(): Promise<string[]>;
  getDocument(name: string): Promise<Buffer | undefined>;
  putDocument(name: string, doc: Buffer): Promise<void>;
}

interface SavedState {
  lastPass?: { started: number; ended: number };
  lastDeep?: { started: number; ended: number };
}

/** A walk in progress: a background pass, or a heal run. */
interface Walk {
  pass: ScanPass;
  /** Background passes correct usage and call visitors; runs only check. */
  background: boolean;
  run?: HealRun;
  /** Paced by the scanner's settings (a count a request waits for is not). */
  paced: boolean;
  stopped(): boolean;
}

export class Scanner {
  private readonly visitors: ScanVisitor[] = [];
  private readonly settings: ScannerSettings;
  /** Set by `setSettings`: a pause woken by it goes on with the new cycle. */
  private settingsChanged = false;
  private readonly pacer: ScanPacer;
  private readonly runs = new HealRuns();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private current: (ScanPass & { bucket?: string }) | undefined;
  private saved: SavedState = {};
  private lastPass: ScanPass | undefined;
  private lastDeepPass: ScanPass | undefined;
  private passes = 0;
  private readonly totals = { objects: 0, bytes: 0, shardBytes: 0, findings: noFindings() };
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: LayerContext,
    private readonly usage: UsageCounters,
    settings: ScannerSettings,
    private readonly host: ScannerHost,
  ) {
    // A copy the pacer shares, so `setSettings` changes the pace of the walk under way.
    this.settings = { ...settings };
    this.pacer = new ScanPacer(this.settings);
  }

  /** New settings, from the next step on (the pause between passes under way takes the new cycle). */
  setSettings(settings: ScannerSettings): void {
    Object.assign(this.settings, settings);
    this.settingsChanged = true;
    this.pacer.interrupt();
  }

  /** Adds a visitor every later object of a full pass is handed to (lifecycle rules plug in here). */
  addVisitor(visitor: ScanVisitor): void {
    this.visitors.push(visitor);
  }

  /** Loads what was saved (usage, the last passes) and starts the loop; the first pass waits one cycle. */
  async start(): Promise<void> {
    const [usage, state] = await Promise.all([
      this.host.getDocument('scanner/usage').catch(() => undefined),
      this.host.getDocument(SCANNER_STATE_DOCUMENT).catch(() => undefined),
    ]);
    try {
      if (usage) this.usage.load(usage);
      if (state) this.saved = JSON.parse(state.toString('utf8')) as SavedState;
    } catch (err) {
      this.ctx.log(`scanner: saved state unreadable, starting afresh: ${(err as Error).message}`);
    }
    this.saveTimer = setInterval(() => void this.saveUsage(), SAVE_USAGE_MS);
    this.saveTimer.unref();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.saveTimer);
    this.pacer.interrupt();
    await this.loop;
    await this.saveUsage();
    await this.saving;
  }

  status(): ScanStatus {
    const { speed, objectsPerSec, scrubIntervalMs } = this.settings;
    const status: ScanStatus = {
      settings:
        scrubIntervalMs === undefined ? { speed, objectsPerSec } : { speed, objectsPerSec, scrubIntervalMs },
      passes: this.passes,
      totals: { ...this.totals, findings: { ...this.totals.findings } },
    };
    if (this.current) status.current = copyPass(this.current);
    if (this.lastPass) status.lastPass = copyPass(this.lastPass);
    if (this.lastDeepPass) status.lastDeepPass = copyPass(this.lastDeepPass);
    const next = this.nextScrub();
    if (next !== undefined) status.nextScrub = new Date(next);
    return status;
  }

  /** Starts a heal run (see ObjectLayer.startHeal); the loop takes it up at its next step. */
  async startRun(opts: HealRunOptions): Promise<HealRun> {
    if (opts.bucket === '' && opts.prefix !== '')
      throw new ObjectLayerError('InvalidArgument', 'a heal of a prefix needs a bucket');
    if (opts.bucket !== '') await this.ctx.buckets.get(opts.bucket);
    const run = this.runs.start(opts);
    this.pacer.interrupt();
    return run;
  }

  runStatus(token: string): HealRun | undefined {
    return this.runs.get(token);
  }

  stopRun(bucket: string, prefix: string): HealRun | undefined {
    return this.runs.stop(bucket, prefix);
  }

  /**
   * Counts a bucket now (for `bucketUsage` before any pass counted it): a walk of its index with
   * the same rule, whose result the counters keep.
   */
  async countBucket(bucket: string): Promise<BucketUsage> {
    const pass = newPass(false);
    const walk: Walk = { pass, background: false, paced: false, stopped: () => this.stopping };
    const counted = await this.walkBucket(walk, bucket, '', true);
    if (!counted) throw new ObjectLayerError('ReadQuorum', `too few drives answered a count of ${bucket}`);
    return counted;
  }

  private nextScrub(): number | undefined {
    const interval = this.settings.scrubIntervalMs;
    if (interval === undefined) return undefined;
    const last = this.saved.lastDeep?.started;
    return last === undefined ? Date.now() : last + interval;
  }

  /**
   * The pause between passes: `cycleMs` from its start, as the settings say now (a change of speed
   * lengthens or shortens the pause under way). A heal run or stop ends it early.
   */
  private async pause(): Promise<void> {
    const from = Date.now();
    for (;;) {
      const left = from + this.settings.cycleMs - Date.now();
      if (left <= 0 || this.stopping) return;
      this.settingsChanged = false;
      await this.pacer.sleep(left);
      if (!this.settingsChanged) return;
    }
  }

  private async run(): Promise<void> {
    await this.pause();
    while (!this.stopping) {
      await this.runPending();
      if (this.stopping) break;
      const next = this.nextScrub();
      const deep = next !== undefined && next <= Date.now();
      await this.fullPass(deep).catch((err) =>
        this.ctx.log(`scanner: pass failed: ${(err as Error).message}`),
      );
      await this.runPending();
      if (!this.stopping) await this.pause();
    }
  }

  /** Runs the heal runs waiting, oldest first. */
  private async runPending(): Promise<void> {
    for (let run = this.runs.next(); run && !this.stopping; run = this.runs.next()) {
      const r = run;
      const walk: Walk = {
        pass: r,
        background: false,
        run: r,
        paced: true,
        stopped: () => this.stopping || r.state !== 'running',
      };
      try {
        const buckets = r.bucket === '' ? await this.host.listBuckets() : [r.bucket];
        for (const bucket of buckets) {
          if (walk.stopped()) break;
          await this.walkBucket(walk, bucket, r.prefix, false);
        }
        this.runs.finish(r, this.stopping ? 'stopped' : undefined);
      } catch (err) {
        this.runs.finish(r, 'failed', (err as Error).message);
      }
    }
  }

  private async fullPass(deep: boolean): Promise<void> {
    const pass = newPass(deep);
    this.current = pass;
    const walk: Walk = { pass, background: true, paced: true, stopped: () => this.stopping };
    try {
      const buckets = await this.host.listBuckets();
      const live = new Set<string>();
      for (const bucket of buckets) {
        if (this.stopping) return;
        this.current.bucket = bucket;
        const id = await this.ctx.buckets
          .get(bucket)
          .then((b) => b.id)
          .catch(() => undefined);
        if (id === undefined) continue;
        live.add(id);
        await this.walkBucket(walk, bucket, '', true);
      }
      if (this.stopping) return;
      this.usage.retain(live);
      pass.ended = new Date();
      this.passes++;
      this.lastPass = pass;
      const times = { started: pass.started.getTime(), ended: pass.ended.getTime() };
      this.saved.lastPass = times;
      if (deep) {
        this.lastDeepPass = pass;
        this.saved.lastDeep = times;
      }
      this.ctx.log(
        `scanner: ${deep ? 'deep ' : ''}pass done: ${pass.objects} objects, ${pass.bytes} bytes` +
          (anyFinding(pass.findings) ? `; found ${JSON.stringify(pass.findings)} (queued for healing)` : ''),
      );
      await this.saveState();
      await this.saveUsage();
    } finally {
      this.current = undefined;
    }
  }

  /**
   * Walks the keys of `bucket` under `prefix`. With `count` (a whole bucket), the usage it finds
   * replaces the counters' (with the changes committed meanwhile to keys already passed) and is
   * returned; undefined when the walk did not finish.
   */
  private async walkBucket(
    walk: Walk,
    bucket: string,
    prefix: string,
    count: boolean,
  ): Promise<BucketUsage | undefined> {
    const b = await this.ctx.buckets.get(bucket).catch((err) => {
      if (err instanceof ObjectLayerError && err.kind === 'NoSuchBucket') return undefined;
      throw err;
    });
    if (!b) return undefined;
    const counting = count ? this.usage.startCount(b.id) : undefined;
    const counted: BucketUsage = { objects: 0, bytes: 0 };
    const start0 = objectKey(b.id, '');
    let start = objectKey(b.id, prefix);
    let exclusive = false;
    const end = prefixEnd(objectKey(b.id, prefix));
    try {
      for (;;) {
        if (walk.stopped()) return undefined;
        if (walk.paced) this.pacer.begin();
        const read = counting ? this.usage.beginRead(b.id, counting) : undefined;
        const page = await mergedScan(this.ctx.set, TABLES.objects, {
          start,
          startExclusive: exclusive,
          ...(end ? { end } : {}),
          limit: PAGE,
        });
        read?.();
        if (page.answered < this.ctx.metaReadQuorum) {
          this.ctx.log(`scanner: only ${page.answered} drives answered in ${bucket}; skipped it this time`);
          return undefined;
        }
        const last = page.entries.at(-1);
        // The counters hear of changes by object key (without the bucket id in front).
        if (counting && last) counting.cursor = last.key.subarray(start0.length);
        // The last page: keys after it did not exist when it was read, so any change from now on is
        // one this count has not seen.
        if (counting && (!last || page.entries.length < PAGE)) counting.atEnd = true;
        for (const e of page.entries) {
          const key = keyOfObjectKey(e.key);
          const seen = await scanObject(this.ctx, bucket, b.id, key, e.perDrive, walk.pass.deep);
          const size = seen.current?.size ?? 0;
          if (seen.current) {
            counted.objects++;
            counted.bytes += size;
          }
          this.account(walk, bucket, key, size, seen);
          if (seen.current && walk.background) await this.visit(bucket, key, seen.current);
          if (walk.paced) await this.pacer.end(1);
          if (walk.stopped()) return undefined;
          // A heal run asked for meanwhile goes first; this pass resumes after it.
          if (walk.background && this.runs.waiting()) await this.runPending();
        }
        if (!last || page.entries.length < PAGE) break;
        start = last.key;
        exclusive = true;
      }
      return counting ? this.usage.finishCount(b.id, counting, counted) : counted;
    } finally {
      if (counting) this.usage.abandonCount(b.id, counting);
    }
  }

  private account(
    walk: Walk,
    bucket: string,
    key: string,
    size: number,
    seen: Awaited<ReturnType<typeof scanObject>>,
  ): void {
    const { pass } = walk;
    if (seen.current) {
      pass.objects++;
      pass.bytes += size;
      this.totals.objects++;
      this.totals.bytes += size;
    }
    pass.shardBytes += seen.shardBytes;
    this.totals.shardBytes += seen.shardBytes;
    addFindings(pass.findings, seen.found);
    addFindings(this.totals.findings, seen.found);
    if (walk.run && anyFinding(seen.found))
      this.runs.addItem(walk.run, { bucket, key, size, drives: seen.drives });
  }

  private async visit(bucket: string, key: string, record: ObjectRecord): Promise<void> {
    for (const visitor of this.visitors) {
      try {
        await visitor({ bucket, key, record });
      } catch (err) {
        this.ctx.log(`scanner: visitor failed on ${bucket}/${key}: ${(err as Error).message}`);
      }
    }
  }

  private async saveState(): Promise<void> {
    const doc = Buffer.from(JSON.stringify(this.saved));
    this.saving = this.saving
      .then(() => this.host.putDocument(SCANNER_STATE_DOCUMENT, doc))
      .catch((err) => this.ctx.log(`scanner: saving its state failed: ${(err as Error).message}`));
    await this.saving;
  }

  private async saveUsage(): Promise<void> {
    if (!this.usage.dirty) return;
    const doc = this.usage.encode();
    this.saving = this.saving
      .then(() => this.host.putDocument('scanner/usage', doc))
      .catch((err) => {
        this.usage.dirty = true;
        this.ctx.log(`scanner: saving usage failed: ${(err as Error).message}`);
      });
    await this.saving;
  }
}

function newPass(deep: boolean): ScanPass {
  return { started: new Date(), deep, objects: 0, bytes: 0, shardBytes: 0, findings: noFindings() };
}

function copyPass<T extends ScanPass>(p: T): T {
  return { ...p, findings: { ...p.findings } };
}
