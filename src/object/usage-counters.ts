/**
 * Per-bucket usage (objects, bytes of their current versions), kept in memory and changed on every
 * commit that adds, replaces or removes a key's version, so `bucketUsage` is a map read. The
 * counters are saved as one system document now and then (a crash loses at most the changes since
 * the last save) and corrected by the scanner: a count of the bucket's index replaces them, plus
 * the changes committed to keys the count had already passed while it ran.
 */
import type { BucketUsage } from './layer-status.js';

/** The system document the counters are saved in. */
export const USAGE_DOCUMENT = 'scanner/usage';

interface Counter {
  objects: number;
  bytes: number;
}

/** A count of one bucket in progress: the keys up to `cursor` (UTF-8 order) have been counted. */
export class BucketCount {
  /** The last key the count has read; changes to keys up to it are added at the end. */
  cursor: Buffer | undefined;
  /** The count has read the bucket's last page: every later change is one it did not see. */
  atEnd = false;
  /**
   * A page was read while a commit to the bucket was under way, so the count cannot tell whether
   * it saw that commit: its result is not used (the kept counters stay; the next pass corrects).
   */
  ambiguous = false;
  readonly adjust: Counter = { objects: 0, bytes: 0 };

  passed(key: string): boolean {
    if (this.atEnd) return true;
    return this.cursor !== undefined && Buffer.compare(Buffer.from(key, 'utf8'), this.cursor) <= 0;
  }
}

/** Commits to a bucket's index under way, and how many have started (to spot one during a read). */
interface Writes {
  inflight: number;
  started: number;
}

export class UsageCounters {
  private readonly byBucket = new Map<string, Counter>();
  private readonly counting = new Map<string, BucketCount>();
  private readonly writes = new Map<string, Writes>();
  /** The sum of every counter's bytes, kept with them (the capacity limit reads it per write). */
  private total = 0;
  /** A change since the last save. */
  dirty = false;

  /** Bytes of every bucket counted (a bucket not counted yet adds nothing). O(1). */
  totalBytes(): number {
    return this.total;
  }

  private put(bucketId: string, c: Counter): void {
    this.total += c.bytes - (this.byBucket.get(bucketId)?.bytes ?? 0);
    this.byBucket.set(bucketId, c);
  }

  /** The bucket's usage, or undefined when it has not been counted yet. */
  get(bucketId: string): BucketUsage | undefined {
    const c = this.byBucket.get(bucketId);
    return c ? { objects: c.objects, bytes: c.bytes } : undefined;
  }

  /** A new, empty bucket. */
  created(bucketId: string): void {
    this.put(bucketId, { objects: 0, bytes: 0 });
    this.dirty = true;
  }

  dropped(bucketId: string): void {
    this.writes.delete(bucketId);
    const c = this.byBucket.get(bucketId);
    if (!c) return;
    this.total -= c.bytes;
    this.byBucket.delete(bucketId);
    this.dirty = true;
  }

  /**
   * A commit changed key `key`'s current version: `objects` is +1 (new key), -1 (removed) or 0,
   * `bytes` the size difference. O(1) unless a count of the bucket is running.
   */
  change(bucketId: string, key: string, objects: number, bytes: number): void {
    if (objects === 0 && bytes === 0) return;
    const c = this.byBucket.get(bucketId);
    if (c) {
      c.objects += objects;
      c.bytes += bytes;
      this.total += bytes;
      this.dirty = true;
    }
    const count = this.counting.get(bucketId);
    if (count?.passed(key)) {
      count.adjust.objects += objects;
      count.adjust.bytes += bytes;
    }
  }

  /**
   * A commit that may change the bucket's usage begins; the returned function ends it (after its
   * `change`, or on failure). A count's page read that overlaps one cannot place it before or after
   * itself. One map read per commit; the entry lives as long as the bucket.
   */
  beginWrite(bucketId: string): () => void {
    let w = this.writes.get(bucketId);
    if (!w) {
      w = { inflight: 0, started: 0 };
      this.writes.set(bucketId, w);
    }
    w.inflight++;
    w.started++;
    const entry = w;
    return () => {
      entry.inflight--;
    };
  }

  /** A count is about to read a page of the bucket; call the result when the page is in. */
  beginRead(bucketId: string, count: BucketCount): () => void {
    const w = this.writes.get(bucketId);
    if (w && w.inflight > 0) count.ambiguous = true;
    const started = w?.started ?? 0;
    return () => {
      // A commit began during the read (even one that has ended since).
      if ((this.writes.get(bucketId)?.started ?? 0) !== started) count.ambiguous = true;
    };
  }

  /** Starts a count of the bucket (one at a time per bucket: a second one takes the first's place). */
  startCount(bucketId: string): BucketCount {
    const count = new BucketCount();
    this.counting.set(bucketId, count);
    return count;
  }

  /** Ends a count that walked the whole bucket: its result (with the changes it missed) is the usage. */
  finishCount(bucketId: string, count: BucketCount, counted: BucketUsage): BucketUsage {
    const now = {
      objects: counted.objects + count.adjust.objects,
      bytes: counted.bytes + count.adjust.bytes,
    };
    // A count that another one replaced stopped hearing of changes: the later one decides.
    if (this.counting.get(bucketId) !== count) return now;
    this.counting.delete(bucketId);
    if (count.ambiguous) {
      const kept = this.byBucket.get(bucketId);
      if (kept) return { objects: kept.objects, bytes: kept.bytes };
    }
    const before = this.byBucket.get(bucketId);
    if (!before || before.objects !== now.objects || before.bytes !== now.bytes) this.dirty = true;
    this.put(bucketId, now);
    return { ...now };
  }

  abandonCount(bucketId: string, count: BucketCount): void {
    if (this.counting.get(bucketId) === count) this.counting.delete(bucketId);
  }

  /** Keeps only the buckets in `live` (the others were deleted). */
  retain(live: ReadonlySet<string>): void {
    for (const id of this.byBucket.keys()) if (!live.has(id)) this.dropped(id);
  }

  /** The document saved: `{buckets: {id: {objects, bytes}}}`. */
  encode(): Buffer {
    this.dirty = false;
    return Buffer.from(JSON.stringify({ version: 1, buckets: Object.fromEntries(this.byBucket) }));
  }

  /** Loads a saved document; counters already known (changed since start) win. */
  load(doc: Buffer): void {
    const parsed = JSON.parse(doc.toString('utf8')) as { buckets?: Record<string, Counter> };
    for (const [id, c] of Object.entries(parsed.buckets ?? {})) {
      if (this.byBucket.has(id)) continue;
      if (Number.isSafeInteger(c.objects) && Number.isSafeInteger(c.bytes))
        this.put(id, { objects: c.objects, bytes: c.bytes });
    }
  }
}
