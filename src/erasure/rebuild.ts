/**
 * Rebuilding the shards of given drives: each part is decoded from the healthy drives (with the
 * same reconstruction a degraded read uses) and re-encoded with the object's own layout (encoding
 * is deterministic, so the shards come out as the first write made them), into temp files on the
 * target drives (or memory, for inline objects), then moved into the object's data directory.
 */
import type { ShardWriter } from '../drive/drive.js';
import { encodeStream, finishWriters, MemoryShardWriter } from './erasure-encode.js';
import { type ErasureSet, randomId, type StoredShards } from './erasure-set.js';

export interface Rebuilt {
  /** ok[d]: drive d now holds every shard of the object (it was a target, and its writes succeeded). */
  ok: boolean[];
  /** Inline objects: each rebuilt drive's shard stream, for its index (the caller commits it). */
  inline: (Buffer | undefined)[];
}

async function* emptySource(): AsyncGenerator<Buffer> {}

/** Rebuilds on every drive `targets[d]` names the shards of `rec` in bucket `bucketId`. */
export async function rebuildShards(
  set: ErasureSet,
  bucketId: string,
  rec: StoredShards,
  targets: boolean[],
): Promise<Rebuilt> {
  const ref = { bucketId, dataId: rec.dataId };
  const tmpId = randomId();
  const codec = set.codec(rec.layout.data, rec.layout.parity);
  const inlineWriters: (MemoryShardWriter | undefined)[] = set.drives.map(() => undefined);
  let ok = [...targets];
  try {
    for (const part of rec.parts) {
      let writers: (ShardWriter | undefined)[];
      if (rec.inline) {
        writers = set.drives.map((_, i) => {
          if (!ok[i]) return undefined;
          const w = new MemoryShardWriter();
          inlineWriters[i] = w;
          return w;
        });
      } else {
        const opened = await set.each(async (d, i) =>
          ok[i] ? d.createTempFile(tmpId, part.file) : undefined,
        );
        writers = opened.map((r) => (r.ok ? r.value : undefined));
      }
      const source = part.size > 0 ? set.readPart(bucketId, rec, part, 0, part.size - 1) : emptySource();
      let finished: boolean[];
      try {
        const { failed } = await encodeStream(source, {
          layout: rec.layout,
          codec,
          writers,
          writeQuorum: 1,
          maxBytes: part.size,
          onTooLong: () => new Error('decoded part is longer than recorded'),
          ...(set.pool ? { pool: set.pool } : {}),
        });
        finished = await finishWriters(writers, failed);
      } catch (err) {
        await Promise.all(writers.map((w) => w?.abort()));
        throw err;
      }
      ok = ok.map((o, i) => o && (finished[i] as boolean));
    }
    if (!rec.inline) {
      const moved = await set.each(async (d, i) => {
        if (!ok[i]) return false;
        await d.commitTemp(tmpId, ref);
        return true;
      });
      ok = ok.map((o, i) => o && moved[i]?.ok === true && moved[i].value);
    }
  } finally {
    if (!rec.inline) await set.discardTemp(tmpId);
  }
  return { ok, inline: inlineWriters.map((w, i) => (ok[i] ? w?.bytes() : undefined)) };
}
