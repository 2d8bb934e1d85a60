/**
 * Bucket records (name → id and creation time) on every drive, decided on read quorum, repaired
 * where a drive lacks or outlived one, and cached: every object operation starts by finding its
 * bucket here.
 */
import type { ErasureSet, PerDrive } from '../erasure/erasure-set.js';
import { agree } from '../erasure/quorum.js';
import { ObjectLayerError } from './errors.js';
import { bucketKey, TABLES } from './index-keys.js';

export interface BucketRecord {
  id: string;
  /** ms since the epoch */
  created: number;
}

export class BucketRecords {
  private readonly buckets = new Map<string, BucketRecord>();

  constructor(
    private readonly set: ErasureSet,
    private readonly readQuorum: () => number,
    private readonly log: (msg: string) => void,
  ) {}

  /** The bucket's record; NoSuchBucket when it does not exist. */
  async get(name: string): Promise<BucketRecord> {
    const rec = this.buckets.get(name) ?? (await this.settle(name, false));
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
  async settle(name: string, dropDangling: boolean): Promise<BucketRecord | undefined> {
    const key = bucketKey(name);
    const res = await this.set.readAll(TABLES.buckets, key);
    const records: PerDrive<BucketRecord | undefined> = res.map((r) =>
      r.ok
        ? { ok: true, value: r.value ? (JSON.parse(r.value.toString('utf8')) as BucketRecord) : undefined }
        : r,
    );
    const agreed = agree(records, { quorum: this.readQuorum(), identity: (rec) => rec.id });
    if (agreed.kind === 'held') {
      const value = Buffer.from(JSON.stringify(agreed.value));
      const missing = res.map((r, d) => r.ok && !agreed.holders[d]);
      if (missing.some(Boolean))
        await this.set.commit(
          missing.map((m) => (m ? [{ op: 'put', table: TABLES.buckets, key, value }] : undefined)),
        );
      this.buckets.set(name, agreed.value);
      return agreed.value;
    }
    if (agreed.kind === 'absent') {
      const dangling = agreed.holders.filter(Boolean).length;
      if (dropDangling && dangling > 0) {
        await this.set.commit(
          agreed.holders.map((h) => (h ? [{ op: 'del', table: TABLES.buckets, key }] : undefined)),
        );
        this.log(`bucket ${name}: dropped its dangling record on ${dangling} drive(s)`);
      }
      return undefined;
    }
    if (agreed.best === 0)
      throw new ObjectLayerError('ReadQuorum', `only ${agreed.answered} drives answered for bucket ${name}`);
    throw new ObjectLayerError('ReadQuorum', `bucket ${name} is on ${agreed.best} drives only`);
  }

  remember(name: string, rec: BucketRecord | undefined): void {
    if (rec) this.buckets.set(name, rec);
    else this.buckets.delete(name);
  }
}
