import { type Locker, LockTimeout, withLock } from '../cluster/locker.js';
import type { MetaOp } from '../drive/drive.js';
import { writeQuorum } from '../erasure/erasure-layout.js';
import type { ErasureSet, PerDrive } from '../erasure/erasure-set.js';
import { ErasureReadQuorum, ErasureWriteQuorum } from '../erasure/errors.js';
import { decodeRecord, type ObjectRecord } from '../erasure/metadata-record.js';
import { agree } from '../erasure/quorum.js';
import type { HashPool } from '../util/hash-pool.js';
import type { DataPins } from './data-pins.js';
import { ObjectLayerError } from './errors.js';
import { bucketKey, idKey, objectKey } from './index-keys.js';
import type { ObjectInfo, StoredChecksum } from './object-layer.js';
import { pickVersion } from './version-pick.js';

export interface BucketRecord {
  id: string;
  /** ms since the epoch */
  created: number;
}

/** Owner of a data id, stored in the `refs` table so the startup sweep knows what is live. */
export interface DataOwner {
  bucketId: string;
  key: string;
  uploadId?: string;
}

/** The op that records `owner` as the owner of the data dir `dataId` (read by the drive's sweep). */
export function putRefOp(dataId: string, owner: DataOwner): MetaOp {
  return { op: 'put', table: 'refs', key: idKey(dataId), value: Buffer.from(JSON.stringify(owner)) };
}

/** The per-drive view of one object key, and the version quorum agreed on. */
export interface ObjectState {
  perDrive: (ObjectRecord | undefined)[];
  current?: ObjectRecord;
  /** Drives holding `current`. */
  agree: boolean[];
  /** Drives that answered the read (with a record or without one). */
  answered: number;
}

function tryDecode(value: Buffer): ObjectRecord | undefined {
  try {
    return decodeRecord(value);
  } catch {
    return undefined;
  }
}

/**
 * Each drive's record decoded (a record that does not decode counts as none); byte-identical values
 * (the usual case: every drive holds the same record) are decoded once and share the result, which
 * callers treat as read-only.
 */
function decodeRecords(answers: PerDrive<Buffer | undefined>): PerDrive<ObjectRecord | undefined> {
  let lastValue: Buffer | undefined;
  let lastRecord: ObjectRecord | undefined;
  return answers.map((a) => {
    if (!a.ok || !a.value) return a.ok ? { ok: true, value: undefined } : a;
    if (lastValue === undefined || !a.value.equals(lastValue)) {
      lastValue = a.value;
      lastRecord = tryDecode(a.value);
    }
    return { ok: true, value: lastRecord };
  });
}

const valueOf = <T>(a: PerDrive<T | undefined>[number]): T | undefined => (a.ok ? a.value : undefined);

/** The version read quorum agrees on among `answers`, and whether an online drive lacks it. */
function decided(
  answers: PerDrive<ObjectRecord | undefined>,
  set: ErasureSet,
): { current?: ObjectRecord; lagging: boolean } {
  const picked = pickVersion(answers);
  if (!picked) return { lagging: false };
  return { current: picked.record, lagging: picked.agree.some((a, d) => !a && set.drives[d] !== undefined) };
}

/**
 * How long an operation waits for a namespace lock. Locks are held only around metadata reads and
 * commits (never while a body streams), so a wait this long means something is stuck: the client
 * gets a retryable 503 instead of a request that never ends.
 */
export const LOCK_TIMEOUT_MS = 30_000;

export function translateError(err: unknown): unknown {
  if (err instanceof LockTimeout) return new ObjectLayerError('LockTimeout', err.message);
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

/** State and helpers shared by the object layer's operation modules. */
export class LayerContext {
  private readonly buckets = new Map<string, BucketRecord>();
  /** Objects that a read found damaged or stale on some drives, waiting for the healer. */
  readonly healQueue = new Map<string, { bucket: string; key: string; drives: number[] }>();
  onHealQueued: (() => void) | undefined;
  /** Rotates the drives `readState` asks first. */
  private readTurn = 0;

  constructor(
    readonly set: ErasureSet,
    readonly locks: Locker,
    readonly pins: DataPins,
    readonly pool: HashPool | undefined,
    readonly log: (msg: string) => void,
  ) {}

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
      await this.bucket(bucket);
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

  async bucket(name: string): Promise<BucketRecord> {
    const rec = this.buckets.get(name) ?? (await this.settleBucket(name, false));
    if (!rec) throw new ObjectLayerError('NoSuchBucket', `bucket ${name} does not exist`);
    return rec;
  }

  /**
   * Reads bucket `name` on every drive and decides whether it exists. It does when read quorum of
   * drives hold one record: drives that answer without it get it written (a replaced drive, or one
   * that was away when the bucket was made). It does not when read quorum of drives answer without
   * any record: a record on the others is dangling (a delete, or a failed create, that they missed)
   * and, with `dropDangling` (the heal sweep, under the bucket's lock), is deleted there. Otherwise
   * too few drives answered to decide: ReadQuorum.
   */
  async settleBucket(name: string, dropDangling: boolean): Promise<BucketRecord | undefined> {
    const key = bucketKey(name);
    const res = await this.set.readAll('buckets', key);
    const records: PerDrive<BucketRecord | undefined> = res.map((r) =>
      r.ok
        ? { ok: true, value: r.value ? (JSON.parse(r.value.toString('utf8')) as BucketRecord) : undefined }
        : r,
    );
    const agreed = agree(records, { quorum: this.metaReadQuorum, identity: (rec) => rec.id });
    if (agreed.kind === 'held') {
      const value = Buffer.from(JSON.stringify(agreed.value));
      const missing = res.map((r, d) => r.ok && !agreed.holders[d]);
      if (missing.some(Boolean))
        await this.set.commit((d) =>
          missing[d] ? [{ op: 'put', table: 'buckets', key, value }] : undefined,
        );
      this.buckets.set(name, agreed.value);
      return agreed.value;
    }
    if (agreed.kind === 'absent') {
      const dangling = agreed.holders.filter(Boolean).length;
      if (dropDangling && dangling > 0) {
        await this.set.commit((d) =>
          agreed.holders[d] ? [{ op: 'del', table: 'buckets', key }] : undefined,
        );
        this.log(`bucket ${name}: dropped its dangling record on ${dangling} drive(s)`);
      }
      return undefined;
    }
    if (agreed.best === 0)
      throw new ObjectLayerError('ReadQuorum', `only ${agreed.answered} drives answered for bucket ${name}`);
    throw new ObjectLayerError('ReadQuorum', `bucket ${name} is on ${agreed.best} drives only`);
  }

  rememberBucket(name: string, rec: BucketRecord | undefined): void {
    if (rec) this.buckets.set(name, rec);
    else this.buckets.delete(name);
  }

  /** Reads one key's record from every drive and picks the version read quorum agrees on. */
  async objectState(bucketId: string, key: string): Promise<ObjectState> {
    const answers = decodeRecords(await this.set.readAll('objects', objectKey(bucketId, key)));
    const perDrive = answers.map(valueOf);
    const answered = answers.filter((a) => a.ok).length;
    const picked = pickVersion(answers);
    if (!picked) return { perDrive, agree: perDrive.map(() => false), answered };
    return { perDrive, current: picked.record, agree: picked.agree, answered };
  }

  /**
   * The version a read returns — the one `objectState` picks — decided on as few drives as can:
   * `max(data, parity + 1)` of them (3 of 4 at EC 2+2), the rule listing follows. When those all
   * hold one identical record, it is on at least `data` drives, and any version on `data` drives
   * has a holder among them, so nothing newer can be readable elsewhere. Otherwise (a record
   * missing, a disagreement, a failed read) the other drives are read too and the version is
   * decided on all of them. The drives asked first rotate from call to call, so a drive that
   * missed writes is still read regularly and queued for healing. `lagging`: some drive read
   * does not hold the version.
   */
  async readState(bucketId: string, key: string): Promise<{ current?: ObjectRecord; lagging: boolean }> {
    const { set } = this;
    const data = set.size - set.parity;
    const want = Math.max(data, set.parity + 1);
    const online = set.drives.flatMap((d, i) => (d ? [i] : []));
    if (online.length > want) {
      const from = this.readTurn++ % online.length;
      const ask = new Set([...online.slice(from), ...online.slice(0, from)].slice(0, want));
      const okey = objectKey(bucketId, key);
      const first = await set.each(async (d, i) => (ask.has(i) ? d.metaGet('objects', okey) : undefined));
      let same: Buffer | undefined;
      let agree = true;
      for (const i of ask) {
        const r = first[i];
        const v = r?.ok ? r.value : undefined;
        if (!v || (same !== undefined && !v.equals(same))) {
          agree = false;
          break;
        }
        same = v;
      }
      const rec = agree && same ? tryDecode(same) : undefined;
      if (rec && rec.layout.data === data) return { current: rec, lagging: false };
      // Undecided: read the rest and decide on every drive, as objectState does.
      const rest = await set.each(async (d, i) => (ask.has(i) ? undefined : d.metaGet('objects', okey)));
      const all = rest.map((r, i) => (ask.has(i) ? (first[i] as typeof r) : r));
      return decided(decodeRecords(all), set);
    }
    return decided(decodeRecords(await set.readAll('objects', objectKey(bucketId, key))), set);
  }

  /**
   * Metadata ops that make `rec` (encoded as `value`) a drive's version of the key: its record, its
   * inline shard (`shard`, inline versions only), and for a version with a data dir the ref naming
   * the dir's owner, which the drive's sweep reads before it deletes an unreferenced dir. Inline
   * versions have no dir and get no ref: one index write fewer per object and drive.
   */
  putVersionOps(bucketId: string, key: string, rec: ObjectRecord, value: Buffer, shard?: Buffer): MetaOp[] {
    const ops: MetaOp[] = [{ op: 'put', table: 'objects', key: objectKey(bucketId, key), value }];
    if (rec.inline) {
      if (shard && shard.length > 0)
        ops.push({ op: 'put', table: 'inline', key: idKey(rec.dataId), value: shard });
    } else {
      ops.push(putRefOp(rec.dataId, { bucketId, key }));
    }
    return ops;
  }

  /**
   * Metadata ops that drop a version's index entries (its data dir is deleted separately). The ref
   * is dropped for inline versions too: versions written before inline ones stopped getting one have it.
   */
  dropVersionOps(rec: ObjectRecord): MetaOp[] {
    const ops: MetaOp[] = [{ op: 'del', table: 'refs', key: idKey(rec.dataId) }];
    if (rec.inline) ops.push({ op: 'del', table: 'inline', key: idKey(rec.dataId) });
    return ops;
  }

  /**
   * Deletes the data files of versions no longer referenced. Resolves when the unused ones are gone;
   * a version some read still streams is deleted when that read ends.
   */
  async deleteVersionsData(
    bucketId: string,
    recs: (ObjectRecord | undefined)[],
    keep?: string,
  ): Promise<void> {
    const ids = new Set<string>();
    for (const r of recs) if (r && !r.inline && r.dataId !== keep) ids.add(r.dataId);
    const now: Promise<void>[] = [];
    for (const dataId of ids) {
      const run = () =>
        this.set
          .deleteData({ bucketId, dataId })
          .catch((err) => this.log(`delete of data ${dataId} failed: ${(err as Error).message}`));
      if (this.pins.isPinned(dataId)) this.pins.whenFree(dataId, () => void run());
      else now.push(run());
    }
    await Promise.all(now);
  }

  /** Queues a heal of the key; `damagedDrive` names a drive whose shard was found unusable. */
  queueHeal(bucket: string, key: string, damagedDrive?: number): void {
    const id = `${bucket}/${key}`;
    let entry = this.healQueue.get(id);
    if (!entry) {
      entry = { bucket, key, drives: [] };
      this.healQueue.set(id, entry);
    }
    if (damagedDrive !== undefined && !entry.drives.includes(damagedDrive)) entry.drives.push(damagedDrive);
    this.onHealQueued?.();
  }

  toInfo(bucket: string, key: string, rec: ObjectRecord): ObjectInfo {
    const info: ObjectInfo = {
      bucket,
      key,
      size: rec.size,
      etag: rec.etag,
      lastModified: new Date(rec.mtime),
      metadata: { ...rec.meta },
    };
    if (rec.checksum) info.checksum = rec.checksum as StoredChecksum;
    if (rec.multipart) {
      info.parts = rec.parts.map((p) =>
        p.checksum !== undefined
          ? { partNumber: p.n, size: p.size, etag: p.etag, checksum: p.checksum }
          : { partNumber: p.n, size: p.size, etag: p.etag },
      );
    }
    return info;
  }
}
