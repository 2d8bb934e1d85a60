/**
 * Reading objects: the version read quorum agrees on, opened as a consistent view whose bytes are
 * streamed (and reconstructed where shards are missing or corrupt) block by block.
 */
import { Readable } from 'node:stream';
import { ObjectLayerError } from './errors.js';
import { type LayerContext, objectLockName, translateError } from './layer-context.js';
import { toObjectInfo } from './object-info.js';
import type { ByteRange, ObjectInfo, ObjectReader, VersionOptions } from './object-layer.js';
import type { ObjectRecord } from './object-record.js';

/** How long an opened-but-unread version's data stays protected from an overwrite's delete. */
const OPEN_PIN_MS = 60_000;

/**
 * Refuses a version other than the one every stored object is: its key's `null` version
 * (versioning comes with the bucket-features issue).
 */
export function checkVersion(key: string, opts: VersionOptions): void {
  if (opts.versionId !== undefined && opts.versionId !== 'null')
    throw new ObjectLayerError('NoSuchVersion', `${key} has no version ${opts.versionId}`);
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

/** Object reads over one erasure set. */
export class ObjectReads {
  constructor(private readonly ctx: LayerContext) {}

  async info(bucket: string, key: string, opts: VersionOptions = {}): Promise<ObjectInfo> {
    const { rec } = await this.current(bucket, key, opts);
    return toObjectInfo(bucket, key, rec);
  }

  /**
   * The version read quorum agrees on (under the key's read lock); NoSuchKey when there is none.
   * With `withInlineData`, an inline version's bytes are read (and bitrot-checked) under the same
   * lock, so they belong to that version even if an overwrite commits right after.
   */
  private async current(
    bucket: string,
    key: string,
    opts: VersionOptions,
    withInlineData = false,
  ): Promise<{ bucketId: string; rec: ObjectRecord; data?: Buffer }> {
    const b = await this.ctx.buckets.get(bucket);
    checkVersion(key, opts);
    const { state, data } = await this.ctx.lock(objectLockName(bucket, key), false, async () => {
      try {
        const state = await this.ctx.versions.read(b.id, key);
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
    if (state.lagging) this.ctx.heals.add(bucket, key);
    return data === undefined ? { bucketId: b.id, rec } : { bucketId: b.id, rec, data };
  }

  async open(bucket: string, key: string, opts: VersionOptions = {}): Promise<ObjectReader> {
    const { bucketId, rec, data } = await this.current(bucket, key, opts, true);
    const b = { id: bucketId };
    const reader: ObjectReader = {
      info: toObjectInfo(bucket, key, rec),
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
            this.ctx.logger.warn(
              `${bucket}/${key}: shard on drive ${drive} unusable (${reason}); queued for healing`,
              { bucket, key, drive, reason },
            );
            this.ctx.heals.add(bucket, key, drive);
          },
        );
      }
    } catch (err) {
      throw translateError(err);
    }
  }
}
