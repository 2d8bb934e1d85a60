/**
 * The bucket configuration store: one document per bucket and name (versioning, policy, lifecycle,
 * …), kept by ConfigDocuments under the bucket's id, so a bucket deleted and made again starts with
 * none. Writes hold the bucket's read lock, so the bucket is not deleted under them.
 */
import type { MetaOp } from '../drive/drive.js';
import type { ConfigDocuments } from './config-documents.js';
import { bucketLockName, type LayerContext } from './layer-context.js';
import type { BucketConfigName } from './object-layer.js';

export class BucketConfigStore {
  constructor(
    private readonly ctx: LayerContext,
    private readonly docs: ConfigDocuments,
  ) {}

  async get(bucket: string, name: BucketConfigName): Promise<Buffer | undefined> {
    const b = await this.ctx.buckets.get(bucket);
    return this.docs.get(b.id, name);
  }

  put(bucket: string, name: BucketConfigName, doc: Uint8Array): Promise<void> {
    return this.write(bucket, name, Buffer.from(doc));
  }

  delete(bucket: string, name: BucketConfigName): Promise<void> {
    return this.write(bucket, name, null);
  }

  /** Ops that remove every document of a bucket from each drive (committed with its record's delete). */
  dropAllOps(bucketId: string): Promise<(MetaOp[] | undefined)[]> {
    return this.docs.dropAllOps(bucketId);
  }

  private async write(bucket: string, name: BucketConfigName, value: Buffer | null): Promise<void> {
    await this.ctx.lock(bucketLockName(bucket), false, async () => {
      const b = await this.ctx.buckets.get(bucket);
      await this.docs.write(b.id, name, value, `the ${name} configuration of ${bucket}`);
    });
  }
}
