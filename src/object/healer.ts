import type { MetaOp } from '../drive/drive.js';
import { mergedScan } from '../erasure/merged-scan.js';
import { rebuildShards } from '../erasure/rebuild.js';
import { verifyShards } from '../erasure/shard-check.js';
import { keyOfObjectKey, objectKey, prefixEnd, TABLES } from './index-keys.js';
import { bucketLockName, type LayerContext, objectLockName } from './layer-context.js';
import type { HealStatus } from './layer-status.js';
import { encodeRecord, type ObjectRecord } from './object-record.js';
import { deleteVersionsData, dropVersionOps, putVersionOps } from './version-ops.js';

/**
 * Background healing, one object at a time: rebuilds the shards (and records) of drives that miss
 * an object's current version or were found holding a damaged shard of it. Shards are recomputed by
 * decoding the object from the healthy drives and re-encoding with the same layout (the encoding
 * is deterministic), written to temp files on the target drives and committed like a PUT.
 */
export class Healer {
  private running: Promise<void> | undefined;
  private stopped = false;
  private sweep: Promise<void> | undefined;
  /** Sweeps asked for and not yet ended (one runs, the next may wait for it). */
  private sweepsPending = 0;
  private healedObjects = 0;
  private healedShards = 0;
  private failedObjects = 0;
  private lastSweepEnded: Date | undefined;

  constructor(private readonly ctx: LayerContext) {}

  start(): void {
    this.ctx.heals.onAdded = () => this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.ctx.heals.onAdded = undefined;
  }

  /** What healing is doing and has done since start. */
  status(): HealStatus {
    const status: HealStatus = {
      queued: this.ctx.heals.size,
      sweeping: this.sweepsPending > 0,
      healedObjects: this.healedObjects,
      healedShards: this.healedShards,
      failedObjects: this.failedObjects,
    };
    if (this.lastSweepEnded) status.lastSweepEnded = this.lastSweepEnded;
    return status;
  }

  async idle(): Promise<void> {
    await this.sweep;
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      // Let the request that queued the heal finish first.
      await new Promise((r) => setImmediate(r));
      while (!this.stopped) {
        const next = this.ctx.heals.entries.entries().next();
        if (next.done) break;
        const [id, { bucket, key, drives }] = next.value;
        this.ctx.heals.entries.delete(id);
        await this.healObject(bucket, key, drives, true).catch((err) => {
          this.failedObjects++;
          this.ctx.log(`heal of ${bucket}/${key} failed: ${(err as Error).message}`);
        });
      }
    })().finally(() => {
      this.running = undefined;
      if (this.ctx.heals.size > 0 && !this.stopped) this.kick();
    });
  }

  /**
   * Walks every object of every bucket and heals what a drive lacks: a fresh (replaced) drive, or
   * one that comes back after missing writes. A sweep asked for while one runs follows it.
   */
  healEverything(): void {
    const previous = this.sweep ?? Promise.resolve();
    this.sweepsPending++;
    this.sweep = previous
      .then(async () => {
        let checked = 0;
        const buckets = await this.ctx.set.each((d) =>
          d.metaScan(TABLES.buckets, { start: Buffer.alloc(0), limit: 100_000 }),
        );
        const names = new Set<string>();
        for (const s of buckets) if (s.ok) for (const e of s.value) names.add(e.key.toString('utf8'));
        for (const bucket of names) {
          // Settled afresh, not from the cache: the record goes to drives that lack it, and one
          // that survives on a drive which missed the bucket's delete is dropped.
          const b = await this.ctx
            .lock(bucketLockName(bucket), true, () => this.ctx.buckets.settle(bucket, true))
            .catch((err) => {
              this.ctx.log(`heal of bucket ${bucket} skipped: ${(err as Error).message}`);
              return undefined;
            });
          if (!b) continue;
          let start = objectKey(b.id, '');
          let exclusive = false;
          const end = prefixEnd(Buffer.from(b.id)) as Buffer;
          for (;;) {
            if (this.stopped) return;
            const page = (
              await mergedScan(this.ctx.set, TABLES.objects, {
                start,
                startExclusive: exclusive,
                end,
                limit: 500,
              })
            ).entries;
            for (const e of page) {
              checked++;
              await this.healObject(bucket, keyOfObjectKey(e.key), [], false).catch((err) => {
                this.failedObjects++;
                this.ctx.log(`heal of ${bucket} failed: ${(err as Error).message}`);
              });
              start = e.key;
              exclusive = true;
            }
            if (page.length < 500) break;
          }
        }
        this.ctx.log(`heal sweep done: ${checked} objects checked`);
      })
      .catch((err) => this.ctx.log(`heal sweep failed: ${(err as Error).message}`))
      .finally(() => {
        this.sweepsPending--;
        this.lastSweepEnded = new Date();
      });
  }

  /**
   * Deletes a key's dangling records (see `pickVersion` in layer-context.ts): held by fewer drives
   * than their data shards while at least that many answer without any, they could never be read
   * back. Decided again under the key's write lock, so no commit is half-seen.
   */
  private async dropDangling(bucket: string, bucketId: string, key: string): Promise<void> {
    const { ctx } = this;
    const dropped = await ctx.lock(objectLockName(bucket, key), true, async () => {
      // objectState reads a key whose records are all dangling as absent (and throws when it cannot tell).
      const state = await ctx.versions.state(bucketId, key);
      if (state.current || !state.perDrive.some(Boolean)) return undefined;
      // A multipart version shares its data id (dir and ref) with the upload it completed, which a
      // failed Complete puts back: only its record goes. The startup sweep removes a dir no ref names.
      await ctx.set.commit(
        ctx.set.drives.map((_, d) => {
          const rec = state.perDrive[d];
          if (!rec) return undefined;
          const ops: MetaOp[] = [{ op: 'del', table: TABLES.objects, key: objectKey(bucketId, key) }];
          if (!rec.multipart) ops.push(...dropVersionOps(rec));
          return ops;
        }),
      );
      return state.perDrive.filter((rec) => !rec?.multipart);
    });
    if (dropped === undefined) return;
    await deleteVersionsData(ctx, bucketId, dropped);
    ctx.log(`${bucket}/${key}: dropped a version left on too few drives to be read`);
  }

  /**
   * Heals one object onto drives lacking its current version, `damaged` drives, and (when `deep`)
   * drives where a full read of their shards finds a missing, short or corrupt block.
   */
  async healObject(bucket: string, key: string, damaged: number[], deep: boolean): Promise<void> {
    const { ctx } = this;
    const set = ctx.set;
    const b = await ctx.buckets.get(bucket);
    const state = await ctx.lock(objectLockName(bucket, key), false, () => ctx.versions.state(b.id, key));
    const rec = state.current;
    if (!rec) {
      if (state.perDrive.some(Boolean)) await this.dropDangling(bucket, b.id, key);
      return;
    }
    const targets = set.drives.map((d, i) => d !== undefined && (!state.agree[i] || damaged.includes(i)));
    if (deep) {
      const checks = await Promise.all(
        set.drives.map((_, i) => (targets[i] || !state.agree[i] ? true : verifyShards(set, b.id, rec, i))),
      );
      checks.forEach((good, i) => {
        if (!good && set.drives[i]) targets[i] = true;
      });
    }
    if (!targets.some(Boolean)) return;
    const { ok, inline } = await rebuildShards(set, b.id, rec, targets);
    await ctx.lock(objectLockName(bucket, key), true, async () => {
      const now = await ctx.versions.state(b.id, key);
      if (now.current?.dataId !== rec.dataId || now.current.mtime !== rec.mtime) return;
      const value = encodeRecord(rec);
      await set.commit(
        set.drives.map((_, d) => {
          if (!ok[d]) return undefined;
          const ops = putVersionOps(b.id, key, rec, value, inline[d]);
          const prev: ObjectRecord | undefined = now.perDrive[d];
          if (prev && prev.dataId !== rec.dataId) ops.push(...dropVersionOps(prev));
          return ops;
        }),
      );
    });
    const healed = ok.filter(Boolean).length;
    if (healed > 0) {
      this.healedObjects++;
      this.healedShards += healed;
      ctx.log(`healed ${bucket}/${key} on ${healed} drive(s)`);
    }
  }
}
