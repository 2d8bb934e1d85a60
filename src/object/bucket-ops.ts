/** Buckets: their records on every drive, created, found, listed and deleted on quorum. */
import { randomBytes } from 'node:crypto';
import { commitOnQuorum } from '../erasure/quorum-commit.js';
import type { BucketConfigStore } from './bucket-config.js';
import type { BucketRecord } from './bucket-records.js';
import { ObjectLayerError } from './errors.js';
import { bucketKey, TABLES } from './index-keys.js';
import { bucketLockName, type LayerContext } from './layer-context.js';
import type { BucketInfo } from './object-layer.js';

export class BucketOps {
  constructor(
    private readonly ctx: LayerContext,
    private readonly configs: BucketConfigStore,
  ) {}

  async make(bucket: string): Promise<void> {
    await this.ctx.lock(bucketLockName(bucket), true, async () => {
      try {
        await this.ctx.buckets.get(bucket);
        throw new ObjectLayerError('BucketAlreadyOwnedByYou', `bucket ${bucket} already exists`);
      } catch (err) {
        if (!(err instanceof ObjectLayerError) || err.kind !== 'NoSuchBucket') throw err;
      }
      const rec = { id: randomBytes(8).toString('hex'), created: Date.now() };
      const value = Buffer.from(JSON.stringify(rec));
      const key = bucketKey(bucket);
      await commitOnQuorum(
        this.ctx.set,
        this.ctx.set.drives.map(() => ({
          apply: [{ op: 'put', table: TABLES.buckets, key, value }],
          undo: [{ op: 'del', table: TABLES.buckets, key }],
        })),
        this.ctx.metaWriteQuorum,
        `bucket ${bucket}`,
      );
      this.ctx.buckets.remember(bucket, rec);
      this.ctx.usage.created(rec.id);
    });
  }

  async info(bucket: string): Promise<BucketInfo> {
    const rec = await this.ctx.buckets.get(bucket);
    return { name: bucket, created: new Date(rec.created) };
  }

  /**
   * The buckets read quorum of drives hold (one record, same id): a record left on a drive that
   * missed a delete, or by a create that failed, is not listed (the heal sweep drops it).
   */
  async list(): Promise<BucketInfo[]> {
    const scans = await this.ctx.set.each((d) =>
      d.metaScan(TABLES.buckets, { start: Buffer.alloc(0), limit: 1_000_000 }),
    );
    const votes = new Map<string, { info: BucketInfo; count: number }>();
    for (const s of scans) {
      if (!s.ok) continue;
      for (const e of s.value) {
        const name = e.key.toString('utf8');
        const rec = JSON.parse(e.value.toString('utf8')) as BucketRecord;
        const vote = `${rec.id}/${name}`;
        const v = votes.get(vote);
        if (v) v.count++;
        else votes.set(vote, { info: { name, created: new Date(rec.created) }, count: 1 });
      }
    }
    const listed = [...votes.values()].filter((v) => v.count >= this.ctx.metaReadQuorum).map((v) => v.info);
    return listed.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  }

  async delete(bucket: string): Promise<void> {
    await this.ctx.lock(bucketLockName(bucket), true, async () => {
      const b = await this.ctx.buckets.get(bucket);
      const prefix = Buffer.from(b.id);
      const end = Buffer.from(`${b.id}\uffff`);
      for (const table of [TABLES.objects, TABLES.uploads]) {
        const scans = await this.ctx.set.each((d) => d.metaScan(table, { start: prefix, end, limit: 1 }));
        if (scans.some((s) => s.ok && s.value.length > 0))
          throw new ObjectLayerError('BucketNotEmpty', `bucket ${bucket} is not empty`);
      }
      // The bucket's configuration goes with its record, in the same transaction on each drive.
      const configOps = await this.configs.dropAllOps(b.id);
      const ok = await this.ctx.set.commit(
        this.ctx.set.drives.map((_, d) => [
          { op: 'del', table: TABLES.buckets, key: bucketKey(bucket) },
          ...(configOps[d] ?? []),
        ]),
      );
      this.ctx.buckets.remember(bucket, undefined);
      this.ctx.usage.dropped(b.id);
      if (ok.filter(Boolean).length < this.ctx.metaWriteQuorum)
        throw new ObjectLayerError('WriteQuorum', `bucket ${bucket} could not be deleted on enough drives`);
    });
  }
}
