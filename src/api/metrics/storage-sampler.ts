/**
 * What metrics read from the object layer (drives and capacity, bucket usage), cached for a short
 * while: every scrape of every path reads the same sample, and a burst of scrapes walks the
 * index at most once per `ttlMs` (MinIO caches its metric groups for 10 s too). A read that fails
 * is not cached: the next scrape tries again.
 */

import type { BucketUsage, StorageInfo } from '../../object/layer-status.js';
import type { ObjectLayer } from '../../object/object-layer.js';

/** MinIO's v2 metrics report at most this many buckets (by name order); so do these. */
export const MAX_REPORTED_BUCKETS = 100;

export interface UsageSample {
  /** Every bucket's name. */
  all: Set<string>;
  /** The first MAX_REPORTED_BUCKETS buckets by name, with their usage. */
  reported: { name: string; usage: BucketUsage }[];
  /** Objects and bytes summed over every bucket. */
  objects: number;
  bytes: number;
}

class Cached<T> {
  private value: Promise<T> | undefined;
  private takenAt = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly load: () => Promise<T>,
  ) {}

  get(): Promise<T> {
    const now = performance.now();
    if (this.value === undefined || now - this.takenAt >= this.ttlMs) {
      this.takenAt = now;
      const loading = this.load();
      this.value = loading;
      loading.catch(() => {
        if (this.value === loading) this.value = undefined;
      });
    }
    return this.value;
  }
}

export class StorageSampler {
  private readonly storageInfo: Cached<StorageInfo>;
  private readonly usageSample: Cached<UsageSample>;

  constructor(objects: ObjectLayer, ttlMs = 10_000) {
    this.storageInfo = new Cached(ttlMs, () => objects.storageInfo());
    this.usageSample = new Cached(ttlMs, async () => {
      const names = (await objects.listBuckets()).map((b) => b.name).sort();
      const sample: UsageSample = { all: new Set(names), reported: [], objects: 0, bytes: 0 };
      // One bucket at a time: a scrape must not compete with client requests for the drives.
      for (const name of names) {
        let usage: BucketUsage;
        try {
          usage = await objects.bucketUsage(name);
        } catch {
          continue; // deleted since the listing
        }
        sample.objects += usage.objects;
        sample.bytes += usage.bytes;
        if (sample.reported.length < MAX_REPORTED_BUCKETS) sample.reported.push({ name, usage });
      }
      return sample;
    });
  }

  storage(): Promise<StorageInfo> {
    return this.storageInfo.get();
  }

  usage(): Promise<UsageSample> {
    return this.usageSample.get();
  }
}
