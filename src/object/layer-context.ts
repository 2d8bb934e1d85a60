import { type Locker, LockTimeout, withLock } from '../cluster/locker.js';
import { writeQuorum } from '../erasure/erasure-layout.js';
import type { ErasureSet } from '../erasure/erasure-set.js';
import { ErasureDriveFull, ErasureReadQuorum, ErasureWriteQuorum } from '../erasure/errors.js';
import type { HashPool } from '../util/hash-pool.js';
import type { LogFields, Logger } from '../util/logger.js';
import { BucketRecords } from './bucket-records.js';
import type { DataPins } from './data-pins.js';
import { STORAGE_FULL_MESSAGE } from './drive-space.js';
import { ObjectLayerError } from './errors.js';
import { HealQueue } from './heal-queue.js';
import { UsageCounters } from './usage-counters.js';
import { VersionState } from './version-state.js';
import type { WriteLimits } from './write-limits.js';

/**
 * How long an operation waits for a namespace lock. Locks are held only around metadata reads and
 * commits (never while a body streams), so a wait this long means something is stuck: the client
 * gets a retryable 503 instead of a request that never ends.
 */
export const LOCK_TIMEOUT_MS = 30_000;

export function translateError(err: unknown): unknown {
  if (err instanceof LockTimeout) return new ObjectLayerError('LockTimeout', err.message);
  if (err instanceof ErasureDriveFull) return new ObjectLayerError('StorageFull', STORAGE_FULL_MESSAGE);
  if (err instanceof ErasureWriteQuorum) return new ObjectLayerError('WriteQuorum', err.message);
  if (err instanceof ErasureReadQuorum) return new ObjectLayerError('ReadQuorum', err.message);
  return err;
}

export function bucketLockName(bucket: string): string {
  return `\u0000b/${bucket}`;
}

export function objectLockName(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

/**
 * What the object layer's modules share for one erasure set: the set, the bucket records, the
 * version reader, the heal queue, data pins and the hash pool, and the namespace locks with the
 * rules for taking them.
 */
export class LayerContext {
  readonly buckets: BucketRecords;
  readonly versions: VersionState;
  readonly heals = new HealQueue();
  /** Informational lines (what the layer did on its own: heals, sweeps, drives coming back). */
  readonly log: (msg: string, fields?: LogFields) => void;
  /** Per-bucket objects and bytes, changed by every commit of a current version. */
  readonly usage = new UsageCounters();
  /** Capacity and free-space checks of writes (set once the layer is built). */
  limits: WriteLimits | undefined;

  constructor(
    readonly set: ErasureSet,
    readonly locks: Locker,
    readonly pins: DataPins,
    readonly pool: HashPool | undefined,
    /** Warnings and failures go here, with their fields. */
    readonly logger: Logger,
  ) {
    this.log = (msg, fields) => logger.info(msg, fields);
    this.buckets = new BucketRecords(set, () => this.metaReadQuorum, this.log);
    this.versions = new VersionState(set);
  }

  /**
   * Runs `fn` holding the key's write lock and the bucket's read lock (so the bucket cannot be
   * deleted under a commit), after checking the bucket still exists.
   */
  async withObjectWrite<T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T> {
    const releaseBucket = await this.locks
      .read(bucketLockName(bucket), { timeoutMs: LOCK_TIMEOUT_MS })
      .catch((err) => Promise.reject(translateError(err)));
    const release = await this.locks
      .write(objectLockName(bucket, key), { timeoutMs: LOCK_TIMEOUT_MS })
      .catch((err) => {
        releaseBucket();
        throw translateError(err);
      });
    try {
      await this.buckets.get(bucket);
      return await fn();
    } catch (err) {
      throw translateError(err);
    } finally {
      release();
      releaseBucket();
    }
  }

  /** Runs `fn` holding lock `name` (exclusively when `write`); a lock not granted in time is LockTimeout. */
  lock<T>(name: string, write: boolean, fn: () => Promise<T>): Promise<T> {
    return withLock(this.locks, name, write, fn, { timeoutMs: LOCK_TIMEOUT_MS }).catch((err) => {
      throw translateError(err);
    });
  }

  /** Quorums for set-wide records (buckets, uploads): the deployment's default layout. */
  get metaReadQuorum(): number {
    return this.set.size - this.set.parity;
  }

  get metaWriteQuorum(): number {
    return writeQuorum(this.set.size - this.set.parity, this.set.parity);
  }
}
