/**
 * The bucket configuration store: one document per bucket and name (versioning, policy, lifecycle,
 * …) in the `bucket-config` table of every drive, keyed by the bucket's id, so a bucket deleted and
 * made again starts with none. Writes commit on write quorum (and are taken back when they do not);
 * reads decide on read quorum and are cached, since policies and versioning are read on every
 * request. This process is the only writer today; in distributed mode a peer's write will
 * invalidate the cache through a peer event.
 */
import type { MetaOp } from '../drive/drive.js';
import { agree } from '../erasure/quorum.js';
import { commitOnQuorum } from '../erasure/quorum-commit.js';
import { ObjectLayerError } from './errors.js';
import { bucketConfigKey, prefixEnd, TABLES } from './index-keys.js';
import { bucketLockName, type LayerContext, translateError } from './layer-context.js';
import type { BucketConfigName } from './object-layer.js';

const TABLE = TABLES.bucketConfig;

function configLockName(bucket: string, name: string): string {
  return `\u0000c/${bucket}/${name}`;
}

export class BucketConfigStore {
  /** `<bucket id><name>` → the document, or null when it is known to have none. */
  private readonly cache = new Map<string, Buffer | null>();

  constructor(private readonly ctx: LayerContext) {}

  async get(bucket: string, name: BucketConfigName): Promise<Buffer | undefined> {
    const b = await this.ctx.buckets.get(bucket);
    const id = b.id + name;
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit ?? undefined;
    const doc = await this.ctx.lock(configLockName(bucket, name), false, () => this.read(b.id, name));
    this.cache.set(id, doc ?? null);
    return doc;
  }

  put(bucket: string, name: BucketConfigName, doc: Uint8Array): Promise<void> {
    const value = Buffer.from(doc);
    return this.write(bucket, name, (key) => ({ op: 'put', table: TABLE, key, value }), value);
  }

  delete(bucket: string, name: BucketConfigName): Promise<void> {
    return this.write(bucket, name, (key) => ({ op: 'del', table: TABLE, key }), null);
  }

  /**
   * Ops that remove every document of a bucket from drive `d` (the bucket's delete commits them
   * with its record), found by a scan of its id's range.
   */
  async dropAllOps(bucketId: string): Promise<(MetaOp[] | undefined)[]> {
    for (const id of this.cache.keys()) if (id.startsWith(bucketId)) this.cache.delete(id);
    const start = Buffer.from(bucketId, 'utf8');
    const end = prefixEnd(start) as Buffer;
    const scans = await this.ctx.set.each((d) => d.metaScan(TABLE, { start, end, limit: 1000 }));
    return scans.map((s) =>
      s.ok ? s.value.map((e): MetaOp => ({ op: 'del', table: TABLE, key: e.key })) : undefined,
    );
  }

  /**
   * The document read quorum of drives agree on; undefined when they agree there is none. Drives
   * that answered otherwise (back from being away, or replaced) are brought in line.
   */
  private async read(bucketId: string, name: string): Promise<Buffer | undefined> {
    const key = bucketConfigKey(bucketId, name);
    const answers = await this.ctx.set.readAll(TABLE, key);
    const agreed = agree(answers, { quorum: this.ctx.metaReadQuorum, identity: (v) => v.toString('base64') });
    if (agreed.kind === 'held') {
      const { value, holders } = agreed;
      if (answers.some((a, d) => a.ok && !holders[d]))
        await this.ctx.set.commit(
          answers.map((a, d) =>
            a.ok && !holders[d] ? [{ op: 'put', table: TABLE, key, value }] : undefined,
          ),
        );
      return value;
    }
    if (agreed.kind === 'absent') {
      const { holders } = agreed;
      if (holders.some(Boolean))
        await this.ctx.set.commit(holders.map((h) => (h ? [{ op: 'del', table: TABLE, key }] : undefined)));
      return undefined;
    }
    throw new ObjectLayerError(
      'ReadQuorum',
      `the ${name} configuration is on ${agreed.best} drives, ${agreed.answered} answered`,
    );
  }

  /**
   * Commits `op` on every drive under the document's write lock (and the bucket's read lock, so the
   * bucket is not deleted meanwhile); on fewer than write quorum, puts back what each drive held.
   */
  private async write(
    bucket: string,
    name: BucketConfigName,
    op: (key: Buffer) => MetaOp,
    cached: Buffer | null,
  ): Promise<void> {
    const b = await this.ctx.buckets.get(bucket);
    const key = bucketConfigKey(b.id, name);
    await this.ctx.lock(bucketLockName(bucket), false, () =>
      this.ctx.lock(configLockName(bucket, name), true, async () => {
        await this.ctx.buckets.get(bucket);
        const before = await this.ctx.set.readAll(TABLE, key);
        try {
          await commitOnQuorum(
            this.ctx.set,
            before.map((prev) => {
              if (!prev.ok) return undefined;
              const undo: MetaOp = prev.value
                ? { op: 'put', table: TABLE, key, value: prev.value }
                : { op: 'del', table: TABLE, key };
              return { apply: [op(key)], undo: [undo] };
            }),
            this.ctx.metaWriteQuorum,
            `the ${name} configuration of ${bucket}`,
          );
        } catch (err) {
          // The drives that failed may or may not hold the write: decide afresh on the next read.
          this.cache.delete(b.id + name);
          throw translateError(err);
        }
        this.cache.set(b.id + name, cached);
      }),
    );
  }
}
