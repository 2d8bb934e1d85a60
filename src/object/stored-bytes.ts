/**
 * The logical bytes stored (the sum of the sizes of current object versions over every bucket):
 * what the capacity limit is measured against. Read from the scanner's usage counters
 * (usage-counters.ts), which every commit and delete changes under the key's lock and each scanner
 * pass corrects; a bucket with no counter yet (none saved for it) is counted once, by a walk of its
 * index, before the first write a capacity applies to.
 */
import type { UsageCounters } from './usage-counters.js';

export interface StoredBytes {
  /** Resolves once every bucket is counted (the first call starts counting; a failure is retried). */
  ready(): Promise<void>;
  /** The total, once `ready` resolved. O(1). */
  bytes(): number;
}

export class CountedStoredBytes implements StoredBytes {
  private counted: Promise<void> | undefined;

  /** `countUncounted`: counts every bucket the counters do not hold yet. */
  constructor(
    private readonly usage: UsageCounters,
    private readonly countUncounted: () => Promise<void>,
  ) {}

  ready(): Promise<void> {
    // Buckets made later start counted (at 0), so one successful round is enough.
    this.counted ??= this.countUncounted().catch((err: unknown) => {
      this.counted = undefined;
      throw err;
    });
    return this.counted;
  }

  bytes(): number {
    return this.usage.totalBytes();
  }
}
