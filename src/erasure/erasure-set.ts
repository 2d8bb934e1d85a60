import { randomUUID } from 'node:crypto';
import type { DataRef, Drive, MetaOp, MetaTable, ShardReader, ShardWriter } from '../drive/drive.js';
import { DriveError } from '../drive/errors.js';
import type { HashPool } from '../util/hash-pool.js';
import { bitrotFor, NEW_OBJECT_BITROT, verifyShardBlock } from './bitrot.js';
import { decodeRange, memoryShardReader } from './erasure-decode.js';
import { encodeStream, finishWriters, MemoryShardWriter } from './erasure-encode.js';
import { BLOCK_SIZE, distribution, type ErasureLayout, writeQuorum } from './erasure-layout.js';
import { ErasureReadQuorum, ErasureWriteQuorum } from './errors.js';
import type { ObjectRecord, PartRecord } from './metadata-record.js';
import { ReedSolomon, RS_CODEC_ID, shardSizeFor } from './reed-solomon.js';

/** 32 hex characters from a v4 UUID (122 random bits; randomUUID draws from a cached entropy pool). */
export function randomId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Result of one operation on every drive: a value, or the error that drive answered. */
export type PerDrive<T> = ({ ok: true; value: T } | { ok: false; error: unknown })[];

export interface WriteDataOptions {
  layout: ErasureLayout;
  /** Keep the shards in memory (inline object) instead of writing temp files. */
  inline: boolean;
  /** Shard file name in the temp dir (then the data dir). */
  file: string;
  onData: (chunk: Buffer) => void | Promise<void>;
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
}

/**
 * One erasure set: the drives of the set, the codecs, and the quorum rules. Everything here speaks
 * in records, shards and data ids, never in S3 semantics.
 */
export class ErasureSet {
  private readonly codecs = new Map<string, ReedSolomon>();
  /** Told once when a drive is taken offline (to log it). */
  onDriveOffline: ((index: number, endpoint: string, reason: string) => void) | undefined;

  /** `pool` hashes the shard blocks of writes off the event loop, in place. */
  constructor(
    readonly drives: (Drive | undefined)[],
    readonly parity: number,
    readonly pool?: HashPool,
  ) {}

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
   * Takes drive `index` out of the set when `err` says it is offline (its slot becomes undefined,
   * as for a drive that was unusable at start), so reads, listings and quorum counts skip it until
   * restart. Returns `err`, for rethrowing.
   */
  noteError(index: number, err: unknown): unknown {
    if (!(err instanceof DriveError) || err.kind !== 'DriveOffline') return err;
    const drive = this.drives[index];
    if (!drive) return err;
    this.drives[index] = undefined;
    this.onDriveOffline?.(index, drive.endpoint, err.message);
    // Release its (stale) index; everything it is still asked fails fast with DriveOffline.
    drive.close().catch(() => {});
    return err;
  }

  /** Puts drive `index` back into the set (a drive that came back, opened anew). */
  putBack(index: number, drive: Drive): void {
    this.drives[index] = drive;
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
          return { ok: false as const, error: this.noteError(i, error) };
        }
      }),
    );
  }

  readAll(table: MetaTable, key: Uint8Array): Promise<PerDrive<Buffer | undefined>> {
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
   * every drive. On failure everything written is removed before the error propagates.
   */
  async writeData(
    body: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>,
    opts: WriteDataOptions,
  ): Promise<WrittenData> {
    const { layout } = opts;
    const tmpId = randomId();
    const quorum = this.writeQuorum(layout);
    let writers: (ShardWriter | undefined)[];
    if (opts.inline) {
      writers = this.drives.map((d) => (d ? new MemoryShardWriter() : undefined));
    } else {
      const opened = await this.each((d) => d.createTempFile(tmpId, opts.file));
      writers = opened.map((r) => (r.ok ? r.value : undefined));
    }
    try {
      const { size, failed } = await encodeStream(body, {
        layout,
        codec: this.codec(layout.data, layout.parity),
        writers,
        writeQuorum: quorum,
        onData: opts.onData,
        maxBytes: opts.maxBytes,
        onTooLong: opts.onTooLong,
        ...(this.pool ? { pool: this.pool } : {}),
      });
      const finished = await finishWriters(writers, failed);
      const okCount = finished.filter(Boolean).length;
      if (okCount < quorum)
        throw new ErasureWriteQuorum(
          `only ${okCount} of ${this.size} drives stored the data (need ${quorum})`,
        );
      const written: WrittenData = { size, tmpId, ok: finished };
      if (opts.inline)
        written.inline = writers.map((w, i) => (finished[i] ? (w as MemoryShardWriter).bytes() : undefined));
      return written;
    } catch (err) {
      await Promise.all(writers.map((w) => w?.abort()));
      if (!opts.inline) await this.discardTemp(tmpId);
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
    rec: ObjectRecord,
    part: PartRecord,
    start: number,
    end: number,
    onDamage?: (drive: number, reason: string) => void,
  ): AsyncGenerator<Buffer> {
    const { layout } = rec;
    const shardToDrive: number[] = [];
    layout.dist.forEach((shard, drive) => {
      shardToDrive[shard] = drive;
    });
    const openShard = async (shard: number): Promise<ShardReader> => {
      const index = shardToDrive[shard] as number;
      const drive = this.drives[index];
      if (!drive) throw new DriveError('DriveOffline', `drive ${index} is offline`);
      try {
        if (rec.inline) {
          const bytes = await drive.metaGet('inline', Buffer.from(rec.dataId));
          if (!bytes) throw new DriveError('FileNotFound', `${drive.endpoint}: inline shard missing`);
          return memoryShardReader(bytes);
        }
        return await drive.openDataFile({ bucketId, dataId: rec.dataId }, part.file);
      } catch (err) {
        throw this.noteError(index, err);
      }
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
}

/** Reads every shard block of `rec` on one drive and checks its length and bitrot hash. */
export async function verifyShards(set: ErasureSet, bucketId: string, rec: ObjectRecord, drive: number) {
  const d = set.drives[drive];
  if (!d) return false;
  if (rec.size === 0) return true;
  const k = rec.layout.data;
  const bitrot = bitrotFor(rec.layout.bitrot);
  const stride = bitrot.size + shardSizeFor(rec.layout.blockSize, k);
  try {
    for (const part of rec.parts) {
      let reader: ShardReader;
      if (rec.inline) {
        const bytes = await d.metaGet('inline', Buffer.from(rec.dataId));
        if (!bytes) return false;
        reader = memoryShardReader(bytes);
      } else {
        reader = await d.openDataFile({ bucketId, dataId: rec.dataId }, part.file);
      }
      try {
        const blocks = Math.ceil(part.size / rec.layout.blockSize);
        for (let b = 0; b < blocks; b++) {
          const len = Math.min(rec.layout.blockSize, part.size - b * rec.layout.blockSize);
          const s = shardSizeFor(len, k);
          const buf = await reader.read(b * stride, bitrot.size + s);
          if (buf.length < bitrot.size + s) return false;
          if (!verifyShardBlock(bitrot, buf)) return false;
        }
      } finally {
        await reader.close();
      }
    }
    return true;
  } catch {
    return false;
  }
}
