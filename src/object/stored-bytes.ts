/**
 * The logical bytes stored (the sum of object sizes over every bucket): what the capacity limit
 * is measured against. Kept by the object layer from every committed write and delete, seeded by
 * one walk of the index. The scanner's per-bucket usage (issue 12, item 4) can stand in for this
 * module: anything implementing StoredBytes does.
 */
import type { LayerContext } from './layer-context.js';
import { compareKeys, listObjects } from './listing.js';

export interface StoredBytes {
  /** Resolves once the total is known (the first call starts counting). */
  ready(): Promise<void>;
  /** The total, once `ready` resolved. */
  bytes(): number;
  /** A write or delete committed: `bucket/key` now holds `delta` more (or fewer) bytes. */
  changed(bucket: string, key: string, delta: number): void;
}

/** How long a failed walk waits before it is tried again. */
const RETRY_MS = 5000;

/**
 * StoredBytes from a walk of every bucket, then kept by the commits. While the walk runs, a change
 * counts only when the walk has already passed its key (a later key is counted by the walk).
 */
export class WalkedStoredBytes implements StoredBytes {
  private total = 0;
  private walking: Promise<void> | undefined;
  private done = false;
  /** Buckets the walk finished, and where it is in the current one. */
  private readonly finished = new Set<string>();
  private cursor: { bucket: string; after: string } | undefined;

  constructor(
    private readonly ctx: LayerContext,
    private readonly buckets: () => Promise<string[]>,
  ) {}

  ready(): Promise<void> {
    this.walking ??= this.walk();
    return this.walking;
  }

  bytes(): number {
    return this.total;
  }

  changed(bucket: string, key: string, delta: number): void {
    if (this.walking === undefined) return; // nothing counted yet: the walk will see it
    if (this.done || this.finished.has(bucket)) this.total += delta;
    else if (this.cursor?.bucket === bucket && compareKeys(key, this.cursor.after) <= 0) this.total += delta;
  }

  private async walk(): Promise<void> {
    for (;;) {
      try {
        for (const bucket of await this.buckets()) {
          if (this.finished.has(bucket)) continue;
          // After a failure, the bucket it stopped in goes on where it stopped.
          if (this.cursor?.bucket !== bucket) this.cursor = { bucket, after: '' };
          const cursor = this.cursor;
          for (;;) {
            const page = await listObjects(this.ctx, bucket, {
              prefix: '',
              delimiter: '',
              after: cursor.after,
              maxKeys: 1000,
            });
            for (const o of page.objects) this.total += o.size;
            if (!page.isTruncated || page.nextAfter === undefined) break;
            cursor.after = page.nextAfter;
          }
          this.finished.add(bucket);
          this.cursor = undefined;
        }
        this.done = true;
        return;
      } catch (err) {
        this.ctx.log(`counting stored bytes failed (${(err as Error).message}); trying again`);
        await new Promise((r) => setTimeout(r, RETRY_MS).unref());
      }
    }
  }
}
