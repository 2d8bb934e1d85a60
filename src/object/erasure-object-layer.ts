import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { LocalLocker } from '../cluster/local-locker.js';
import { DriveReconnector } from '../erasure/drive-reconnect.js';
import { ErasureSet, randomId, type WrittenData } from '../erasure/erasure-set.js';
import { openSetDrives, type SetFormat } from '../erasure/format.js';
import { decodeRecord, type ObjectRecord } from '../erasure/metadata-record.js';
import { HashPool } from '../util/hash-pool.js';
import { createBodyHasher } from './body-hasher.js';
import { afterCommit, commitVersionLocked } from './commit-version.js';
import { DataPins } from './data-pins.js';
import { ObjectLayerError } from './errors.js';
import { Healer } from './healer.js';
import { bucketKey, inlineDataId, objectKey, TABLES } from './index-keys.js';
import {
  type BucketRecord,
  bucketLockName,
  LayerContext,
  objectLockName,
  translateError,
} from './layer-context.js';
import { listObjects } from './listing.js';
import { MultipartOps } from './multipart.js';
import type {
  BucketInfo,
  ByteRange,
  CompleteMultipartOptions,
  CompletePart,
  CreateMultipartOptions,
  ListObjectsOptions,
  ListObjectsResult,
  ListPartsOptions,
  ListPartsResult,
  ListUploadsOptions,
  ListUploadsResult,
  ObjectInfo,
  ObjectLayer,
  ObjectReader,
  PartInfo,
  PutObjectOptions,
  PutPartOptions,
} from './object-layer.js';
import { verifyBody } from './put-checks.js';
import { receiveBody } from './receive-body.js';

/** Objects up to this size live inline in the metadata record: one index write per drive, no files. */
export const INLINE_MAX = 128 * 1024;
/** Largest single PUT (S3's limit). */
export const MAX_PUT_SIZE = 5 * 1024 ** 3;
/** How long an opened-but-unread version's data stays protected from an overwrite's delete. */
const OPEN_PIN_MS = 60_000;

export interface ObjectLayerOptions {
  drives: string[];
  parity?: number;
  logger?: (msg: string) => void;
}

/**
 * Opens the erasure set on `drives` (formatting them on first start) and returns the object layer
 * over it. Throws StorageConfigError when the drives do not form a valid set.
 */
export async function openObjectLayer(opts: ObjectLayerOptions): Promise<ObjectLayer> {
  const log = opts.logger ?? (() => {});
  const startedAt = new Date();
  const opened = await openSetDrives(opts.drives, opts.parity);
  const pool = new HashPool();
  const set = new ErasureSet(opened.drives, opened.format.parity, { pool, inlineTable: TABLES.inline });
  const ctx = new LayerContext(set, new LocalLocker(), new DataPins(), pool, log);
  set.onDriveOffline = (i, endpoint, reason) =>
    log(
      `drive #${i + 1} ${endpoint} went offline (${reason}); serving from the other drives until it is back`,
    );
  for (const o of opened.offline)
    log(`drive #${o.index + 1} ${o.path} is offline: ${o.reason}; serving from the other drives`);
  const online = opened.drives.filter(Boolean).length;
  if (online < ctx.metaWriteQuorum)
    log(
      `only ${online} of ${opened.drives.length} drives are online, fewer than the ${ctx.metaWriteQuorum} writes need: serving reads only`,
    );
  if (!opened.created)
    for (const i of opened.fresh) log(`drive ${opts.drives[i]} was fresh; formatted it for healing`);
  const layer = new ErasureObjectLayer(ctx);
  layer.startBackground(startedAt, !opened.created && opened.fresh.length > 0);
  layer.watchDrives(opts.drives, opened.format);
  return layer;
}

/** Yields `first`, then the rest of `rest`; closing it early closes `rest` too. */
async function* prepended(first: Buffer, rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield first;
    yield* rest;
  } finally {
    await rest.return(undefined);
  }
}

/** The ObjectLayer over one erasure set. */
export class ErasureObjectLayer implements ObjectLayer {
  private readonly multipart: MultipartOps;
  private readonly healer: Healer;
  private sweeping: Promise<void> | undefined;
  private reconnector: DriveReconnector | undefined;
  private closed = false;

  constructor(private readonly ctx: LayerContext) {
    this.multipart = new MultipartOps(ctx);
    this.healer = new Healer(ctx);
  }

  /** Sweeps stale temp files and unreferenced data left by a crash; heals fresh drives. */
  startBackground(startedAt: Date, healAll: boolean): void {
    this.sweeping = this.ctx.set
      .each((d) => d.sweep({ olderThan: startedAt.getTime(), refsTable: TABLES.refs }))
      .then((res) => {
        const n = res.reduce((a, r) => a + (r.ok ? r.value : 0), 0);
        if (n > 0) this.ctx.log(`startup sweep removed ${n} stale entries`);
      })
      .catch((err) => this.ctx.log(`startup sweep failed: ${(err as Error).message}`));
    this.healer.start();
    if (healAll) this.healer.healEverything();
  }

  /** Puts drives that come back (or are replaced) into the set again, and heals what they missed. */
  watchDrives(paths: readonly string[], format: SetFormat): void {
    this.reconnector = new DriveReconnector(this.ctx.set, paths, format, (i, path, fresh) => {
      this.ctx.log(
        `drive #${i + 1} ${path} is back${fresh ? ' (empty: formatted it for its slot)' : ''}; healing what it missed`,
      );
      this.healer.healEverything();
    });
    this.reconnector.start();
  }

  /** Waits for the startup sweep and every queued heal (tests, shutdown). */
  async idle(): Promise<void> {
    await this.sweeping;
    await this.healer.idle();
  }

  // ---- buckets ----

  async makeBucket(bucket: string): Promise<void> {
    await this.ctx.lock(bucketLockName(bucket), true, async () => {
      try {
        await this.ctx.bucket(bucket);
        throw new ObjectLayerError('BucketAlreadyOwnedByYou', `bucket ${bucket} already exists`);
      } catch (err) {
        if (!(err instanceof ObjectLayerError) || err.kind !== 'NoSuchBucket') throw err;
      }
      const rec = { id: randomBytes(8).toString('hex'), created: Date.now() };
      const value = Buffer.from(JSON.stringify(rec));
      const ok = await this.ctx.set.commit(() => [
        { op: 'put', table: 'buckets', key: bucketKey(bucket), value },
      ]);
      if (ok.filter(Boolean).length < this.ctx.metaWriteQuorum) {
        await this.ctx.set.commit((d) =>
          ok[d] ? [{ op: 'del', table: 'buckets', key: bucketKey(bucket) }] : undefined,
        );
        throw new ObjectLayerError('WriteQuorum', `bucket ${bucket} could not be created on enough drives`);
      }
      this.ctx.rememberBucket(bucket, rec);
    });
  }

  async getBucketInfo(bucket: string): Promise<BucketInfo> {
    const rec = await this.ctx.bucket(bucket);
    return { name: bucket, created: new Date(rec.created) };
  }

  /**
   * The buckets read quorum of drives hold (one record, same id): a record left on a drive that
   * missed a delete, or by a create that failed, is not listed (the heal sweep drops it).
   */
  async listBuckets(): Promise<BucketInfo[]> {
    const scans = await this.ctx.set.each((d) =>
      d.metaScan('buckets', { start: Buffer.alloc(0), limit: 1_000_000 }),
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

  async deleteBucket(bucket: string): Promise<void> {
    await this.ctx.lock(bucketLockName(bucket), true, async () => {
      const b = await this.ctx.bucket(bucket);
      const prefix = Buffer.from(b.id);
      const end = Buffer.from(`${b.id}\uffff`);
      for (const table of ['objects', 'uploads'] as const) {
        const scans = await this.ctx.set.each((d) => d.metaScan(table, { start: prefix, end, limit: 1 }));
        if (scans.some((s) => s.ok && s.value.length > 0))
          throw new ObjectLayerError('BucketNotEmpty', `bucket ${bucket} is not empty`);
      }
      const ok = await this.ctx.set.commit(() => [{ op: 'del', table: 'buckets', key: bucketKey(bucket) }]);
      this.ctx.rememberBucket(bucket, undefined);
      if (ok.filter(Boolean).length < this.ctx.metaWriteQuorum)
        throw new ObjectLayerError('WriteQuorum', `bucket ${bucket} could not be deleted on enough drives`);
    });
  }

  // ---- objects ----

  async putObject(bucket: string, key: string, body: Readable, opts: PutObjectOptions): Promise<ObjectInfo> {
    const b = await this.ctx.bucket(bucket);
    if (!Number.isSafeInteger(opts.size) || opts.size < 0)
      throw new ObjectLayerError('InvalidArgument', `invalid object size ${opts.size}`);
    if (opts.size > MAX_PUT_SIZE)
      throw new ObjectLayerError(
        'EntityTooLarge',
        `object of ${opts.size} bytes exceeds the single PUT limit`,
      );
    const set = this.ctx.set;
    const layout = set.newLayout(key);
    const inline = opts.size <= INLINE_MAX;
    const hasher = createBodyHasher(opts.checksum?.algorithm, opts.size, this.ctx.pool);
    const written = await receiveBody(set, body, hasher, { layout, inline, file: 'part.1', size: opts.size });
    const dataId = inline ? inlineDataId() : randomId();
    const ref = { bucketId: b.id, dataId };
    let dataCommitted = false;
    try {
      const digests = verifyBody(written.size, opts.size, await hasher.digest(), opts);
      if (!inline) {
        await set.commitData(written, ref, set.writeQuorum(layout));
        dataCommitted = true;
      }
      const rec: ObjectRecord = {
        size: written.size,
        etag: digests.md5.toString('hex'),
        mtime: 0,
        meta: { ...opts.metadata },
        dataId,
        inline,
        layout,
        multipart: false,
        parts: [],
      };
      if (digests.checksum && opts.checksum)
        rec.checksum = { algorithm: opts.checksum.algorithm, value: digests.checksum, type: 'FULL_OBJECT' };
      rec.parts = [{ n: 1, size: rec.size, etag: rec.etag, file: 'part.1' }];
      const committed = await this.commitVersion(bucket, b.id, key, rec, written, opts);
      return this.ctx.toInfo(bucket, key, committed);
    } catch (err) {
      if (dataCommitted) await set.deleteData(ref);
      else if (!inline) await set.discardTemp(written.tmpId);
      throw translateError(err);
    }
  }

  /** Commits `rec` under the key's write lock, then deletes what it replaced. */
  private async commitVersion(
    bucket: string,
    bucketId: string,
    key: string,
    rec: ObjectRecord,
    written: WrittenData,
    cond: { ifMatch?: string; ifNoneMatch?: string },
  ): Promise<ObjectRecord> {
    const res = await this.ctx.withObjectWrite(bucket, key, () =>
      commitVersionLocked(this.ctx, bucketId, key, rec, written, cond),
    );
    await afterCommit(this.ctx, bucket, key, bucketId, res);
    return res.rec;
  }

  async getObjectInfo(bucket: string, key: string): Promise<ObjectInfo> {
    const { rec } = await this.current(bucket, key);
    return this.ctx.toInfo(bucket, key, rec);
  }

  /**
   * The version read quorum agrees on (under the key's read lock); NoSuchKey when there is none.
   * With `withInlineData`, an inline version's bytes are read (and bitrot-checked) under the same
   * lock, so they belong to that version even if an overwrite commits right after.
   */
  private async current(
    bucket: string,
    key: string,
    withInlineData = false,
  ): Promise<{ bucketId: string; rec: ObjectRecord; data?: Buffer }> {
    const b = await this.ctx.bucket(bucket);
    const { state, data } = await this.ctx.lock(objectLockName(bucket, key), false, async () => {
      try {
        const state = await this.ctx.readState(b.id, key);
        const rec = state.current;
        if (!withInlineData || !rec?.inline) return { state, data: undefined };
        const chunks: Buffer[] = [];
        for await (const c of this.readVersion(bucket, key, b.id, rec, 0, rec.size - 1)) chunks.push(c);
        return { state, data: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) };
      } catch (err) {
        throw translateError(err);
      }
    });
    const rec = state.current;
    if (!rec) throw new ObjectLayerError('NoSuchKey', `${key} does not exist`);
    if (state.lagging) this.ctx.queueHeal(bucket, key);
    return data === undefined ? { bucketId: b.id, rec } : { bucketId: b.id, rec, data };
  }

  async openObject(bucket: string, key: string): Promise<ObjectReader> {
    const { bucketId, rec, data } = await this.current(bucket, key, true);
    const b = { id: bucketId };
    const reader: ObjectReader = {
      info: this.ctx.toInfo(bucket, key, rec),
      read: () => Readable.from([]),
      openRead: async (range) => reader.read(range),
    };
    /** First and last byte (inclusive) that `range` names: the whole object without one. */
    const bounds = (range: ByteRange | undefined): [number, number] => {
      if (!range) return [0, rec.size - 1];
      if (!(range.start >= 0 && range.start <= range.end && range.end < rec.size))
        throw new ObjectLayerError(
          'InvalidRange',
          `range ${range.start}-${range.end} outside 0-${rec.size - 1}`,
        );
      return [range.start, range.end];
    };

    if (data !== undefined) {
      // Inline: the bytes were read with the record; no files, so nothing to pin.
      const slice = (range: ByteRange | undefined) => {
        const [start, end] = bounds(range);
        return data.subarray(start, end + 1);
      };
      reader.readBuffer = slice;
      reader.read = (range) => {
        const bytes = slice(range);
        return Readable.from(bytes.length > 0 ? [bytes] : [], { objectMode: false });
      };
      return reader;
    }

    // Protect the version's files from an overwrite until the caller reads it (or gives up).
    const releaseOpen = this.ctx.pins.pin(rec.dataId);
    const timer = setTimeout(releaseOpen, OPEN_PIN_MS);
    timer.unref();

    const streamOf = (source: AsyncGenerator<Buffer>, release: () => void): Readable => {
      const stream = Readable.from(source, { objectMode: false, highWaterMark: 256 * 1024 });
      stream.once('close', () => {
        release();
        releaseOpen();
        clearTimeout(timer);
      });
      return stream;
    };
    reader.read = (range?: ByteRange) => {
      const [start, end] = bounds(range);
      const release = this.ctx.pins.pin(rec.dataId);
      return streamOf(this.readVersion(bucket, key, b.id, rec, start, end), release);
    };
    reader.openRead = async (range?: ByteRange) => {
      const [start, end] = bounds(range);
      const release = this.ctx.pins.pin(rec.dataId);
      const blocks = this.readVersion(bucket, key, b.id, rec, start, end);
      let first: IteratorResult<Buffer>;
      try {
        // Decodes the first block (reading ahead, as streaming would) before anything is sent.
        first = await blocks.next();
      } catch (err) {
        release();
        releaseOpen();
        clearTimeout(timer);
        throw err;
      }
      return streamOf(first.done ? blocks : prepended(first.value, blocks), release);
    };
    return reader;
  }

  private async *readVersion(
    bucket: string,
    key: string,
    bucketId: string,
    rec: ObjectRecord,
    start: number,
    end: number,
  ): AsyncGenerator<Buffer> {
    let offset = 0;
    try {
      for (const part of rec.parts) {
        const pStart = offset;
        const pEnd = offset + part.size - 1;
        offset += part.size;
        if (pEnd < start || part.size === 0) continue;
        if (pStart > end) break;
        yield* this.ctx.set.readPart(
          bucketId,
          rec,
          part,
          Math.max(start, pStart) - pStart,
          Math.min(end, pEnd) - pStart,
          (drive, reason) => {
            this.ctx.log(
              `${bucket}/${key}: shard on drive ${drive} unusable (${reason}); queued for healing`,
            );
            this.ctx.queueHeal(bucket, key, drive);
          },
        );
      }
    } catch (err) {
      throw translateError(err);
    }
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    const b = await this.ctx.bucket(bucket);
    let perDrive: (ObjectRecord | undefined)[] = [];
    await this.ctx.withObjectWrite(bucket, key, async () => {
      const res = await this.ctx.set.readAll('objects', objectKey(b.id, key));
      perDrive = res.map((r) => (r.ok && r.value ? decodeRecord(r.value) : undefined));
      if (!perDrive.some(Boolean)) return;
      const okey = objectKey(b.id, key);
      const ok = await this.ctx.set.commit((d) => {
        const prev = perDrive[d];
        if (!prev) return undefined;
        return [{ op: 'del', table: 'objects', key: okey }, ...this.ctx.dropVersionOps(prev)];
      });
      const failed = ok.filter((c, d) => !c && perDrive[d]).length;
      const online = this.ctx.set.drives.filter(Boolean).length;
      if (online - failed < this.ctx.metaWriteQuorum)
        throw new ObjectLayerError('WriteQuorum', `delete of ${key} reached too few drives`);
    });
    await this.ctx.deleteVersionsData(b.id, perDrive);
  }

  listObjects(bucket: string, opts: ListObjectsOptions): Promise<ListObjectsResult> {
    return listObjects(this.ctx, bucket, opts);
  }

  // ---- multipart ----

  createMultipartUpload(bucket: string, key: string, opts: CreateMultipartOptions): Promise<string> {
    return this.multipart.create(bucket, key, opts);
  }

  uploadPart(
    bucket: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    opts: PutPartOptions,
  ): Promise<PartInfo> {
    return this.multipart.uploadPart(bucket, key, uploadId, partNumber, body, opts);
  }

  completeMultipartUpload(
    bucket: string,
    key: string,
    uploadId: string,
    parts: CompletePart[],
    opts: CompleteMultipartOptions,
  ): Promise<ObjectInfo> {
    return this.multipart.complete(bucket, key, uploadId, parts, opts);
  }

  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    return this.multipart.abort(bucket, key, uploadId);
  }

  listParts(bucket: string, key: string, uploadId: string, opts: ListPartsOptions): Promise<ListPartsResult> {
    return this.multipart.listParts(bucket, key, uploadId, opts);
  }

  listMultipartUploads(bucket: string, opts: ListUploadsOptions): Promise<ListUploadsResult> {
    return this.multipart.listUploads(bucket, opts);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reconnector?.stop();
    this.healer.stop();
    await this.idle().catch(() => {});
    await this.ctx.pool?.close();
    await Promise.all(this.ctx.set.drives.map((d) => d?.close()));
  }
}
