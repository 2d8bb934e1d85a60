/**
 * What the scanner does with one key of a bucket's index: decide its current version from the
 * records every drive holds (the rule reads use), note drives that lack it, and, in a deep pass,
 * read every shard of it on every drive (parity included) and verify each block's bitrot hash.
 * Whatever is found is queued on the heal queue, which rebuilds it.
 */
import type { PerDrive } from '../erasure/erasure-set.js';
import { checkShards } from '../erasure/shard-check.js';
import type { LayerContext } from './layer-context.js';
import { objectLockName } from './layer-context.js';
import type { ScanFindings } from './layer-status.js';
import { decodeRecord, type ObjectRecord } from './object-record.js';
import { pickVersion } from './version-pick.js';

export interface ObjectScan {
  /** The version reads return; undefined when the key has none (dangling records only). */
  current?: ObjectRecord;
  /** Per drive, in set order: ok, missing, corrupt, stale, offline (or absent). */
  drives: string[];
  /** What was found wrong, counted by kind. */
  found: ScanFindings;
  /** Bytes of shards read and verified. */
  shardBytes: number;
}

export function noFindings(): ScanFindings {
  return { stale: 0, missing: 0, corrupt: 0, dangling: 0 };
}

export function addFindings(into: ScanFindings, add: ScanFindings): void {
  into.stale += add.stale;
  into.missing += add.missing;
  into.corrupt += add.corrupt;
  into.dangling += add.dangling;
}

export function anyFinding(f: ScanFindings): boolean {
  return f.stale + f.missing + f.corrupt + f.dangling > 0;
}

function tryDecode(value: Buffer): ObjectRecord | undefined {
  try {
    return decodeRecord(value);
  } catch {
    return undefined;
  }
}

/**
 * Checks one key from the records a merged scan read (`perDrive`, undefined where a drive has
 * none) and, when `deep`, its shards. Queues a heal for what it finds.
 */
export async function scanObject(
  ctx: LayerContext,
  bucket: string,
  bucketId: string,
  key: string,
  perDrive: readonly (Buffer | undefined)[],
  deep: boolean,
): Promise<ObjectScan> {
  const { set } = ctx;
  const found = noFindings();
  const answers: PerDrive<ObjectRecord | undefined> = perDrive.map((v, d) =>
    set.drives[d]
      ? { ok: true as const, value: v ? tryDecode(v) : undefined }
      : { ok: false as const, error: 'offline' },
  );
  const drives: string[] = set.drives.map((d) => (d ? 'ok' : 'offline'));
  let picked: ReturnType<typeof pickVersion<ObjectRecord>>;
  try {
    picked = pickVersion(answers);
  } catch {
    // Not decidable on the drives online now (too many away): nothing to fix from here.
    return { drives, found, shardBytes: 0 };
  }
  if (!picked) {
    if (perDrive.some(Boolean)) {
      found.dangling++;
      ctx.heals.add(bucket, key);
    }
    return { drives, found, shardBytes: 0 };
  }
  picked.agree.forEach((holds, d) => {
    if (!holds && set.drives[d]) {
      drives[d] = 'stale';
      found.stale++;
    }
  });
  if (found.stale > 0) ctx.heals.add(bucket, key);
  let shardBytes = 0;
  if (deep) shardBytes = await scrub(ctx, bucket, bucketId, key, drives, found);
  return { current: picked.record, drives, found, shardBytes };
}

/**
 * Verifies every shard of the key's current version on every drive holding it. The version is
 * read again under the key's read lock and its data pinned, so an overwrite or delete committed
 * meanwhile cannot pass for missing shards; inline shards (in the index, dropped by the commit
 * that replaces them) are verified under the lock itself.
 */
async function scrub(
  ctx: LayerContext,
  bucket: string,
  bucketId: string,
  key: string,
  drives: string[],
  found: ScanFindings,
): Promise<number> {
  const { set } = ctx;
  let bytes = 0;
  const verify = async (rec: ObjectRecord, agree: boolean[]) => {
    const checks = await Promise.all(
      set.drives.map((d, i) => (d && agree[i] ? checkShards(set, bucketId, rec, i) : undefined)),
    );
    checks.forEach((c, d) => {
      if (!c) return;
      bytes += c.bytes;
      if (c.verdict === 'ok' || c.verdict === 'offline') return;
      drives[d] = c.verdict;
      found[c.verdict]++;
      ctx.heals.add(bucket, key, d);
    });
  };
  const held = await ctx.lock(objectLockName(bucket, key), false, async () => {
    const state = await ctx.versions.state(bucketId, key).catch(() => undefined);
    const rec = state?.current;
    if (!state || !rec) return undefined;
    if (rec.inline) {
      await verify(rec, state.agree);
      return undefined;
    }
    return { rec, agree: state.agree, release: ctx.pins.pin(rec.dataId) };
  });
  if (held) {
    try {
      await verify(held.rec, held.agree);
    } finally {
      held.release();
    }
  }
  return bytes;
}
