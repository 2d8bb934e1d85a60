import type { Readable } from 'node:stream';
import { LocalLocker } from '../cluster/local-locker.js';
import { DriveReconnector } from '../erasure/drive-reconnect.js';
import { ErasureSet } from '../erasure/erasure-set.js';
import { openSetDrives, type SetFormat } from '../erasure/format.js';
import { HashPool } from '../util/hash-pool.js';
import { type Logger, silentLogger } from '../util/logger.js';
import { BucketConfigStore } from './bucket-config.js';
import { BucketOps } from './bucket-ops.js';
import { ConfigDocuments, SYSTEM_OWNER } from './config-documents.js';
import { DataPins } from './data-pins.js';
import { ObjectLayerError } from './errors.js';
import { Healer } from './healer.js';
import { objectKey, TABLES } from './index-keys.js';
import { LayerContext, translateError } from './layer-context.js';
import type {
  BucketUsage,
  DriveCallStats,
  DriveStatus,
  HealRun,
  HealRunOptions,
  HealStatus,
  ScanStatus,
  StorageInfo,
  WriteLimitSettings,
} from './layer-status.js';
import { MAX_PUT_SIZE } from './limits.js';
import { listObjects } from './listing.js';
import { MultipartOps } from './multipart.js';
import type {
  BucketConfigName,
  BucketInfo,
  CompleteMultipartOptions,
  CreateMultipartOptions,
  DeleteObjectResult,
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
  UploadOptions,
  UploadPartOptions,
  VersionOptions,
} from './object-layer.js';
import { checkVersion, ObjectReads } from './object-reads.js';
import { decodeRecord, type ObjectRecord } from './object-record.js';
import { storeObject } from './put-object.js';
import { Scanner } from './scanner.js';
import { parseScannerSettings, type ScannerSettings } from './scanner-settings.js';
import { CountedStoredBytes } from './stored-bytes.js';
import { deleteVersionsData, dropVersionOps } from './version-ops.js';
import { currentOf } from './version-state.js';
import { WriteLimits } from './write-limits.js';

export interface ObjectLayerOptions {
  drives: string[];
  parity?: number;
  logger?: Logger;
  /** The scanner's pace and scrub cadence (MinIO's default speed, monthly scrub when absent). */
  scanner?: ScannerSettings;
}

/**
 * Opens the erasure set on `drives` (formatting them on first start) and returns the object layer
 * over it. Throws StorageConfigError when the drives do not form a valid set.
 */
export async function openObjectLayer(opts: ObjectLayerOptions): Promise<ObjectLayer> {
  const logger = opts.logger ?? silentLogger;
  const startedAt = new Date();
  const opened = await openSetDrives(opts.drives, opts.parity);
  const pool = new HashPool();
  const set = new ErasureSet(opened.drives, opened.format.parity, { pool, inlineTable: TABLES.inline });
  const ctx = new LayerContext(set, new LocalLocker(), new DataPins(), pool, logger);
  set.onDriveOffline = (i, endpoint, reason) =>
    logger.warn(
      `drive #${i + 1} ${endpoint} went offline (${reason}); serving from the other drives until it is back`,
      { drive: endpoint, reason },
    );
  for (const o of opened.offline)
    logger.warn(`drive #${o.index + 1} ${o.path} is offline: ${o.reason}; serving from the other drives`, {
      drive: o.path,
      reason: o.reason,
    });
  const online = opened.drives.filter(Boolean).length;
  if (online < ctx.metaWriteQuorum)
    logger.warn(
      `only ${online} of ${opened.drives.length} drives are online, fewer than the ${ctx.metaWriteQuorum} writes need: serving reads only`,
      { online, drives: opened.drives.length },
    );
  if (!opened.created)
    for (const i of opened.fresh)
      logger.info(`drive ${opts.drives[i]} was fresh; formatted it for healing`, { drive: opts.drives[i] });
  const layer = new ErasureObjectLayer(ctx, opts.drives, opened.format.deploymentId, opts.scanner);
  ctx.limits = new WriteLimits(ctx, new CountedStoredBytes(ctx.usage, () => layer.countUncounted()));
  layer.startBackground(startedAt, !opened.created && opened.fresh.length > 0);
  await layer.scanner.start();
  layer.watchDrives(opts.drives, opened.format);
  return layer;
}

const MAX_SYSTEM_NAME = 512;

function checkSystemName(name: string): string {
  if (name === '' || name.includes('\u0000') || Buffer.byteLength(name) > MAX_SYSTEM_NAME)
    throw new ObjectLayerError('InvalidArgument', 'a system document name is 1-512 bytes without NUL');
  return name;
}

/** The ObjectLayer over one erasure set. */
export class ErasureObjectLayer implements ObjectLayer {
  private readonly buckets: BucketOps;
  private readonly configs: BucketConfigStore;
  private readonly documents: ConfigDocuments;
  private readonly reads: ObjectReads;
  private readonly multipart: MultipartOps;
  private readonly healer: Healer;
  /** The background scanner; `scanner.addVisitor` is where per-object work (lifecycle) plugs in. */
  readonly scanner: Scanner;
  private sweeping: Promise<void> | undefined;
  private reconnector: DriveReconnector | undefined;
  private closed = false;

  /** `endpoints`: every drive of the set, in order, as configured (offline ones included). */
  constructor(
    private readonly ctx: LayerContext,
    private readonly endpoints: readonly string[],
    private readonly deploymentId: string,
    scannerSettings: ScannerSettings = parseScannerSettings(),
  ) {
    this.documents = new ConfigDocuments(ctx);
    this.configs = new BucketConfigStore(ctx, this.documents);
    this.buckets = new BucketOps(ctx, this.configs);
    this.reads = new ObjectReads(ctx);
    this.multipart = new MultipartOps(ctx);
    this.healer = new Healer(ctx);
    this.scanner = new Scanner(ctx, ctx.usage, scannerSettings, {
      listBuckets: async () => (await this.buckets.list()).map((b) => b.name),
      getDocument: (name) => this.getSystemConfig(name),
      putDocument: (name, doc) => this.putSystemConfig(name, doc),
    });
  }

  /** Sweeps stale temp files and unreferenced data left by a crash; heals fresh drives. */
  startBackground(startedAt: Date, healAll: boolean): void {
    this.sweeping = this.ctx.set
      .each((d) => d.sweep({ olderThan: startedAt.getTime(), refsTable: TABLES.refs }))
      .then((res) => {
        const n = res.reduce((a, r) => a + (r.ok ? r.value : 0), 0);
        if (n > 0) this.ctx.log(`startup sweep removed ${n} stale entries`);
      })
      .catch((err: unknown) => this.ctx.logger.error('startup sweep failed', { err }));
    this.healer.start();
    if (healAll) this.healer.healEverything();
  }

  /** Puts drives that come back (or are replaced) into the set again, and heals what they missed. */
  watchDrives(paths: readonly string[], format: SetFormat): void {
    this.reconnector = new DriveReconnector(this.ctx.set, paths, format, (i, path, fresh) => {
      this.ctx.log(
        `drive #${i + 1} ${path} is back${fresh ? ' (empty: formatted it for its slot)' : ''}; healing what it missed`,
        { drive: path },
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

  makeBucket(bucket: string): Promise<void> {
    return this.buckets.make(bucket);
  }

  getBucketInfo(bucket: string): Promise<BucketInfo> {
    return this.buckets.info(bucket);
  }

  listBuckets(): Promise<BucketInfo[]> {
    return this.buckets.list();
  }

  deleteBucket(bucket: string): Promise<void> {
    return this.buckets.delete(bucket);
  }

  getBucketConfig(bucket: string, name: BucketConfigName): Promise<Buffer | undefined> {
    return this.configs.get(bucket, name);
  }

  putBucketConfig(bucket: string, name: BucketConfigName, doc: Uint8Array): Promise<void> {
    return this.configs.put(bucket, name, doc);
  }

  deleteBucketConfig(bucket: string, name: BucketConfigName): Promise<void> {
    return this.configs.delete(bucket, name);
  }

  // ---- system configuration ----

  async getSystemConfig(name: string): Promise<Buffer | undefined> {
    return this.documents.get(SYSTEM_OWNER, checkSystemName(name));
  }

  async putSystemConfig(name: string, doc: Uint8Array): Promise<void> {
    return this.documents.write(
      SYSTEM_OWNER,
      checkSystemName(name),
      Buffer.from(doc),
      `system document ${name}`,
    );
  }

  async deleteSystemConfig(name: string): Promise<void> {
    return this.documents.write(SYSTEM_OWNER, checkSystemName(name), null, `system document ${name}`);
  }

  async listSystemConfig(prefix: string): Promise<Map<string, Buffer>> {
    if (prefix !== '') checkSystemName(prefix);
    return this.documents.list(SYSTEM_OWNER, prefix);
  }

  // ---- objects ----

  async putObject(bucket: string, key: string, body: Readable, opts: PutObjectOptions): Promise<ObjectInfo> {
    const b = await this.ctx.buckets.get(bucket);
    const size = opts.size;
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0))
      throw new ObjectLayerError('InvalidArgument', `invalid object size ${size}`);
    if (size !== undefined && size > MAX_PUT_SIZE)
      throw new ObjectLayerError('EntityTooLarge', `object of ${size} bytes exceeds the single PUT limit`);
    const set = this.ctx.set;
    const layout = set.newLayout(key);
    const limits = this.ctx.limits as WriteLimits;
    const hold = await limits.admit(size, layout.data);
    try {
      return await storeObject(this.ctx, { bucket, bucketId: b.id, key, layout }, body, opts, hold);
    } catch (err) {
      throw await limits.explain(translateError(err));
    } finally {
      hold.release();
    }
  }

  getObjectInfo(bucket: string, key: string, opts?: VersionOptions): Promise<ObjectInfo> {
    return this.reads.info(bucket, key, opts);
  }

  openObject(bucket: string, key: string, opts?: VersionOptions): Promise<ObjectReader> {
    return this.reads.open(bucket, key, opts);
  }

  async deleteObject(bucket: string, key: string, opts: VersionOptions = {}): Promise<DeleteObjectResult> {
    const b = await this.ctx.buckets.get(bucket);
    checkVersion(key, opts);
    let perDrive: (ObjectRecord | undefined)[] = [];
    await this.ctx.withObjectWrite(bucket, key, async () => {
      const res = await this.ctx.set.readAll(TABLES.objects, objectKey(b.id, key));
      perDrive = res.map((r) => (r.ok && r.value ? decodeRecord(r.value) : undefined));
      const current = currentOf(res, perDrive);
      if (!perDrive.some(Boolean)) return;
      const okey = objectKey(b.id, key);
      const writing = this.ctx.usage.beginWrite(b.id);
      try {
        const ok = await this.ctx.set.commit(
          perDrive.map((prev) =>
            prev ? [{ op: 'del', table: TABLES.objects, key: okey }, ...dropVersionOps(prev)] : undefined,
          ),
        );
        const failed = ok.filter((c, d) => !c && perDrive[d]).length;
        const online = this.ctx.set.drives.filter(Boolean).length;
        if (online - failed < this.ctx.metaWriteQuorum)
          throw new ObjectLayerError('WriteQuorum', `delete of ${key} reached too few drives`);
        if (current) this.ctx.usage.change(b.id, key, -1, -current.size);
      } finally {
        writing();
      }
    });
    await deleteVersionsData(this.ctx, b.id, perDrive);
    // Unversioned: the one (null) version is removed, and named back only when the request named it.
    return opts.versionId === undefined
      ? { deleteMarker: false }
      : { versionId: opts.versionId, deleteMarker: false };
  }

  listObjects(bucket: string, opts: ListObjectsOptions): Promise<ListObjectsResult> {
    return listObjects(this.ctx, bucket, opts);
  }

  // ---- multipart ----

  createMultipartUpload(bucket: string, key: string, opts: CreateMultipartOptions): Promise<string> {
    return this.multipart.create(bucket, key, opts);
  }

  uploadPart(bucket: string, key: string, body: Readable, opts: UploadPartOptions): Promise<PartInfo> {
    return this.multipart.uploadPart(bucket, key, body, opts);
  }

  completeMultipartUpload(bucket: string, key: string, opts: CompleteMultipartOptions): Promise<ObjectInfo> {
    return this.multipart.complete(bucket, key, opts);
  }

  abortMultipartUpload(bucket: string, key: string, opts: UploadOptions): Promise<void> {
    return this.multipart.abort(bucket, key, opts);
  }

  listParts(bucket: string, key: string, opts: ListPartsOptions): Promise<ListPartsResult> {
    return this.multipart.listParts(bucket, key, opts);
  }

  listMultipartUploads(bucket: string, opts: ListUploadsOptions): Promise<ListUploadsResult> {
    return this.multipart.listUploads(bucket, opts);
  }

  // ---- the storage underneath ----

  async storageInfo(): Promise<StorageInfo> {
    const { set } = this.ctx;
    const disks = await set.each((d) => d.diskInfo());
    const drives: DriveStatus[] = this.endpoints.map((endpoint, index) => {
      const disk = disks[index];
      return disk?.ok
        ? { endpoint, index, state: 'online', total: disk.value.total, free: disk.value.free }
        : { endpoint, index, state: 'offline', total: 0, free: 0 };
    });
    const data = set.size - set.parity;
    const rawTotal = drives.reduce((a, d) => a + d.total, 0);
    const rawFree = drives.reduce((a, d) => a + d.free, 0);
    const usable = (raw: number) => Math.floor((raw * data) / set.size);
    return {
      deploymentId: this.deploymentId,
      drives,
      data,
      parity: set.parity,
      rawTotal,
      rawFree,
      usableTotal: usable(rawTotal),
      usableFree: usable(rawFree),
    };
  }

  setWriteLimits(settings: WriteLimitSettings): void {
    this.ctx.limits?.set(settings);
  }

  setScannerSettings(settings: ScannerSettings): void {
    this.scanner.setSettings(settings);
  }

  driveStats(): DriveCallStats[] {
    return this.ctx.set.stats.map((stats, i) => ({
      endpoint: this.endpoints[i] as string,
      ...stats.snapshot(),
    }));
  }

  healStatus(): HealStatus {
    return this.healer.status();
  }

  scanStatus(): ScanStatus {
    return this.scanner.status();
  }

  async bucketUsage(bucket: string): Promise<BucketUsage> {
    const b = await this.ctx.buckets.get(bucket);
    return this.ctx.usage.get(b.id) ?? this.scanner.countBucket(bucket);
  }

  /** Counts the buckets the usage counters do not hold yet (for the capacity limit). */
  async countUncounted(): Promise<void> {
    for (const b of await this.buckets.list()) {
      await this.bucketUsage(b.name).catch((err: unknown) => {
        // Deleted since the listing: nothing to count.
        if (!(err instanceof ObjectLayerError && err.kind === 'NoSuchBucket')) throw err;
      });
    }
  }

  startHeal(opts: HealRunOptions): Promise<HealRun> {
    return this.scanner.startRun(opts);
  }

  healRun(token: string): HealRun | undefined {
    return this.scanner.runStatus(token);
  }

  stopHeal(bucket: string, prefix: string): HealRun | undefined {
    return this.scanner.stopRun(bucket, prefix);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reconnector?.stop();
    await this.scanner.stop();
    this.healer.stop();
    await this.idle().catch(() => {});
    await this.ctx.pool?.close();
    await Promise.all(this.ctx.set.drives.map((d) => d?.close()));
  }
}
