import { randomUUID } from 'node:crypto';
import type { DataRef, Drive, MetaOp, ShardStream, ShardWriter } from '../drive/drive.js';
import { DriveStats } from '../drive/drive-stats.js';
import { DriveError } from '../drive/errors.js';
import type { MonitoredDrive } from '../drive/monitored-drive.js';
import type { HashPool } from '../util/hash-pool.js';
import { NEW_OBJECT_BITROT } from './bitrot.js';
import { type ContentDigests, createContentHasher, type DigestSpec } from './content-digests.js';
import { decodeRange } from './erasure-decode.js';
import { encodeStream, finishWriters, MemoryShardWriter } from './erasure-encode.js';
import { BLOCK_SIZE, distribution, type ErasureLayout, writeQuorum } from './erasure-layout.js';
import { ErasureDriveFull, ErasureWriteQuorum, isNoSpace } from './errors.js';
import { ReedSolomon, RS_CODEC_ID } from './reed-solomon.js';
import { memoryShardStream } from './shard-frames.js';

/** 32 hex characters from a v4 UUID (122 random bits; randomUUID draws from a cached entropy pool). */
export function randomId(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * What erasure code needs of a stored object to read, verify or rebuild its shards (the object
 * layer's record has these fields and more).
 */
export interface StoredShards {
  dataId: string;
  /** The shard streams live in the index (the set's inline table) under `dataId`, not in files. */
  inline: boolean;
  size: number;
  layout: ErasureLayout;
  parts: readonly StoredPart[];
}

/** One part's bytes and the shard file (in the object's data directory) that holds them. */
export interface StoredPart {
  size: number;
  file: string;
}

/** Result of one operation on every drive: a value, or the error that drive answered. */
export type PerDrive<T> = ({ ok: true; value: T } | { ok: false; error: unknown })[];

export interface WriteDataOptions {
  layout: ErasureLayout;
  /** Keep the shards in memory (inline object) instead of writing temp files. */
  inline: boolean;
  /** Shard file name in the temp dir (then the data dir). */
  file: string;
  /** Digests of the body to compute as it is encoded (in order, off the event loop for large bodies). */
  digests: DigestSpec;
  /** The body may not be longer than this (also what sizes the hashing when the length is unknown). */
  maxBytes: number;
  onTooLong: () => Error;
}

export interface WrittenData {
  size: number;
  /** Temp dir holding the shard files on every drive that accepted them (file objects). */
  tmpId: string;
  /** ok[d]: drive d holds its shard. */
  ok: boolean[];
  /** Inline shard stream per drive (inline objects). */
  inline?: (Buffer | undefined)[];
  /** The body's digests, as `WriteDataOptions.digests` asked. */
  digests: ContentDigests;
}

export interface ErasureSetOptions {
  /** Hashes the shard blocks of writes off the event loop, in place. */
  pool?: HashPool;
  /** Index table holding inline objects' shards, keyed by data id (the object layer's schema). */
  inlineTable: string;
}

/**
 * One erasure set: its drives (a slot is undefined while its drive is offline), the codecs, and
 * the operations the object layer composes: run a call on every drive, commit index ops, stream a
 * body into shards and move them into place, read a part's range back (reconstructing from
 * parity). Keys, versions and S3 rules are the object layer's; this speaks in index ops, shard
 * files and data ids.
 */
export class ErasureSet {
  private readonly codecs = new Map<string, ReedSolomon>();
  /** Told once when a drive is taken offline (to log it). */
  onDriveOffline: ((index: number, endpoint: string, reason: string) => void) | undefined;
  readonly pool: HashPool | undefined;
  private readonly inlineTable: string;
  /**
   * Each slot's call counts, kept across its drive going offline and being reopened (a drive
   * reopened for slot i is opened with `stats[i]`).
   */
  readonly stats: readonly DriveStats[];

  /** `drives`: one per slot, mounted; undefined for a slot whose drive is offline. */
  constructor(
    readonly drives: (MonitoredDrive | undefined)[],
    readonly parity: number,
    opts: ErasureSetOptions,
  ) {
    this.pool = opts.pool;
    this.inlineTable = opts.inlineTable;
    this.stats = drives.map((d) => d?.stats ?? new DriveStats());
    drives.forEach((d, i) => {
      if (d) this.watch(i, d);
    });
  }

  get size(): number {
    return this.drives.length;
  }

  codec(data: number, parity: number): ReedSolomon {
    const id = `${data}+${parity}`;
    let c = this.codecs.get(id);
    if (!c) {
      c = new ReedSolomon(data, parity);
      this.codecs.set(id, c);
    }
    return c;
  }

  /** The layout for a new object whose shards are spread by `seed` (its key). */
  newLayout(seed: string): ErasureLayout {
    return {
      data: this.size - this.parity,
      parity: this.parity,
      blockSize: BLOCK_SIZE,
      dist: distribution(this.size, seed),
      codec: RS_CODEC_ID,
      bitrot: NEW_OBJECT_BITROT.id,
    };
  }

  writeQuorum(layout: Pick<ErasureLayout, 'data' | 'parity'>): number {
    return writeQuorum(layout.data, layout.parity);
  }

  /**
   * When drive `index` goes offline (its monitor says so, once), its slot becomes undefined, as
   * for a drive that was unusable at start, so reads, listings and quorum counts skip it until it
   * is put back.
   */
  private watch(index: number, drive: MonitoredDrive): void {
    drive.onOffline = (reason) => {
      if (this.drives[index] !== drive) return;
      this.drives[index] = undefined;
      this.onDriveOffline?.(index, drive.endpoint, reason);
      // Release its (stale) index; everything it is still asked fails fast with DriveOffline.
      drive.close().catch(() => {});
    };
  }

  /** Puts drive `index` back into the set (a drive that came back, opened anew). */
  putBack(index: number, drive: MonitoredDrive): void {
    this.drives[index] = drive;
    this.watch(index, drive);
  }

  /** Runs `fn` on every drive in parallel, collecting each drive's value or error. */
  async each<T>(fn: (drive: Drive, index: number) => Promise<T>): Promise<PerDrive<T>> {
    return Promise.all(
      this.drives.map(async (drive, i) => {
        if (!drive)
          return { ok: false as const, error: new DriveError('DriveOffline', `drive ${i} is offline`) };
        try {
          return { ok: true as const, value: await fn(drive, i) };
        } catch (error) {
          return { ok: false as const, error };
        }
      }),
    );
  }

  readAll(table: string, key: Uint8Array): Promise<PerDrive<Buffer | undefined>> {
    return this.each((d) => d.metaGet(table, key));
  }

  /**
   * Commits `ops[d]` on drive d, for every drive that has some (undefined skips the drive);
   * returns which drives committed. Each drive's ops are one atomic transaction.
   */
  async commit(ops: readonly (readonly MetaOp[] | undefined)[]): Promise<boolean[]> {
    const res = await this.each(async (drive, i) => {
      const mine = ops[i];
      if (!mine) return false;
      await drive.metaCommit(mine);
      return true;
    });
    return res.map((r) => r.ok && r.value);
  }

  /**
   * Streams `body` through the erasure encoder to temp files (or memory, for inline objects) on
   * every drive, computing the body's digests on the way. On failure everything written is removed
   * (and the hashing dropped) before the error propagates.
   */
  async writeData(
    body: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>,
    opts: WriteDataOptions,
  ): Promise<WrittenData> {
    const { layout } = opts;
    const tmpId = randomId();
    const quorum = this.writeQuorum(layout);
    let writers: (ShardWriter | undefined)[];
    // A write that misses quorum because disks are full says so: the client must not just retry.
    let noSpace = false;
    const onWriteError = (_drive: number, err: unknown) => {
      if (isNoSpace(err)) noSpace = true;
    };
    if (opts.inline) {
      writers = this.drives.map((d) => (d ? new MemoryShardWriter() : undefined));
    } else {
      const opened = await this.each((d) => d.createTempFile(tmpId, opts.file));
      writers = opened.map((r, d) => {
        if (!r.ok) onWriteError(d, r.error);
        return r.ok ? r.value : undefined;
      });
    }
    const hasher = createContentHasher(opts.digests, opts.maxBytes, this.pool);
    try {
      const { size, failed } = await encodeStream(body, {
        layout,
        codec: this.codec(layout.data, layout.parity),
        writers,
        writeQuorum: quorum,
        onData: (block) => hasher.update(block),
        maxBytes: opts.maxBytes,
        onTooLong: opts.onTooLong,
        onWriteError,
        ...(this.pool ? { pool: this.pool } : {}),
      });
      const finished = await finishWriters(writers, failed, onWriteError);
      const okCount = finished.filter(Boolean).length;
      if (okCount < quorum)
        throw new ErasureWriteQuorum(
          `only ${okCount} of ${this.size} drives stored the data (need ${quorum})`,
        );
      const written: WrittenData = { size, tmpId, ok: finished, digests: await hasher.digest() };
      if (opts.inline)
        written.inline = writers.map((w, i) => (finished[i] ? (w as MemoryShardWriter).bytes() : undefined));
      return written;
    } catch (err) {
      hasher.close();
      await Promise.all(writers.map((w) => w?.abort()));
      if (!opts.inline) await this.discardTemp(tmpId);
      if (noSpace && err instanceof ErasureWriteQuorum) throw new ErasureDriveFull(err.message);
      throw err;
    }
  }

  /** Moves written temp files into the data dir `ref` on every drive that holds them. */
  async commitData(written: WrittenData, ref: DataRef, quorum: number): Promise<boolean[]> {
    const res = await this.each(async (d, i) => {
      if (!written.ok[i]) return false;
      await d.commitTemp(written.tmpId, ref);
      return true;
    });
    const ok = res.map((r) => r.ok && r.value);
    const count = ok.filter(Boolean).length;
    if (count < quorum) {
      throw new ErasureWriteQuorum(
        `only ${count} of ${this.size} drives committed the data (need ${quorum})`,
      );
    }
    return ok;
  }

  async discardTemp(tmpId: string): Promise<void> {
    await this.each((d) => d.deleteTemp(tmpId));
  }

  async deleteData(ref: DataRef): Promise<void> {
    await this.each((d) => d.deleteData(ref));
  }

  async deleteDataFile(ref: DataRef, file: string): Promise<void> {
    await this.each((d) => d.deleteDataFile(ref, file));
  }

  /**
   * Bytes `start..end` (inclusive, within the part) of one part of a stored object. Missing,
   * short or corrupt shards are reported to `onDamage` and reconstructed from parity.
   */
  readPart(
    bucketId: string,
    rec: StoredShards,
    part: StoredPart,
    start: number,
    end: number,
    onDamage?: (drive: number, reason: string) => void,
  ): AsyncGenerator<Buffer> {
    const { layout } = rec;
    const shardToDrive: number[] = [];
    layout.dist.forEach((shard, drive) => {
      shardToDrive[shard] = drive;
    });
    const ref = { bucketId, dataId: rec.dataId };
    const openShard = (shard: number, offset: number, length: number, chunkSize: number) => {
      const index = shardToDrive[shard] as number;
      return this.openShard(index, rec, ref, part.file, offset, length, chunkSize);
    };
    return decodeRange({
      layout,
      codec: this.codec(layout.data, layout.parity),
      size: part.size,
      start,
      end,
      openShard,
      onDamage: (shard, reason) => onDamage?.(shardToDrive[shard] as number, reason),
    });
  }

  /**
   * Bytes `offset..offset+length-1` of one shard of a version on drive `index`: from its shard file,
   * or from the index for an inline version (its whole shard stream is one value).
   */
  async openShard(
    index: number,
    rec: StoredShards,
    ref: DataRef,
    file: string,
    offset: number,
    length: number,
    chunkSize: number,
  ): Promise<ShardStream> {
    const drive = this.drives[index];
    if (!drive) throw new DriveError('DriveOffline', `drive ${index} is offline`);
    if (!rec.inline) return drive.readFileStream(ref, file, offset, length, { chunkSize });
    const bytes = await drive.metaGet(this.inlineTable, Buffer.from(rec.dataId));
    if (!bytes) throw new DriveError('FileNotFound', `${drive.endpoint}: inline shard missing`);
    return memoryShardStream(bytes, offset, length);
  }
}
