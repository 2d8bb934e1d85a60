import type { S3Client } from './client/http.js';
import { drive, EXHAUSTED, type Operation } from './driver.js';
import { clientFor, measure, type TargetSession, type WorkloadResult } from './measure.js';
import {
  type BenchOptions,
  concurrencyFor,
  formatSize,
  MULTIPART_THRESHOLD,
  type OpName,
  PART_SIZE,
} from './options.js';
import { payloadSource } from './payload.js';

/**
 * The object keys a target holds, by object size. PUT workloads fill it, reads draw from it, DELETE
 * and MIXED take from it, so one suite leaves nothing behind but what it chose to keep.
 */
export class KeyPool {
  private readonly bySize = new Map<number, string[]>();
  private seq = 0;

  keys(size: number): string[] {
    let list = this.bySize.get(size);
    if (list === undefined) {
      list = [];
      this.bySize.set(size, list);
    }
    return list;
  }

  /** A fresh key; the hashed prefix spreads inserts over the key space like real clients do. */
  newKey(size: number): string {
    const n = this.seq++;
    const h = (Math.imul(n ^ 0x5bd1e995, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
    return `${formatSize(size)}/${h}-${n.toString(36)}`;
  }
}

/** Uploads one object of `size` (multipart at and above the threshold). */
function putOne(client: S3Client, bucket: string, key: string, size: number): Promise<unknown> {
  const source = payloadSource();
  if (size >= MULTIPART_THRESHOLD) return client.multipartPut(bucket, key, source, size, PART_SIZE);
  return client.put(bucket, key, { source, length: size });
}

/** Untimed preparation: makes sure at least `count` objects of `size` exist. */
export async function ensureObjects(
  s: TargetSession,
  pool: KeyPool,
  size: number,
  count: number,
): Promise<void> {
  const keys = pool.keys(size);
  const missing = count - keys.length;
  if (missing <= 0) return;
  const concurrency = Math.min(missing, size >= MULTIPART_THRESHOLD ? 2 : 32);
  const client = clientFor(s, concurrency);
  try {
    const r = await drive({ concurrency, durationMs: 600_000, maxOps: missing }, async () => {
      const key = pool.newKey(size);
      await putOne(client, s.bucket, key, size);
      keys.push(key);
      return size;
    });
    if (r.errors > 0)
      s.progress.note(`  (prepare ${formatSize(size)}: ${r.errors} errors: ${r.errorSamples[0]})`);
  } finally {
    client.close();
  }
}

/** The order workloads run in: per size PUT then reads, then MIXED, LIST and finally DELETE. */
export function plan(o: BenchOptions): { op: OpName; size: number }[] {
  const steps: { op: OpName; size: number }[] = [];
  const has = (op: OpName) => o.ops.includes(op);
  const smallest = Math.min(...o.sizes);
  for (const size of o.sizes) {
    if (has('put')) steps.push({ op: 'put', size });
    if (has('get')) steps.push({ op: 'get', size });
    if (has('head') && size === smallest) steps.push({ op: 'head', size });
  }
  if (has('mixed')) steps.push({ op: 'mixed', size: o.mixedSize });
  if (has('list')) steps.push({ op: 'list', size: smallest });
  if (has('delete')) steps.push({ op: 'delete', size: smallest });
  return steps;
}

/** Runs the planned workloads against one target. */
export async function runWorkloads(
  s: TargetSession,
  o: BenchOptions,
  pool: KeyPool,
): Promise<WorkloadResult[]> {
  const results: WorkloadResult[] = [];
  // Untimed warm-up (JIT, caches, first index pages); the objects stay for the reads that follow.
  await ensureObjects(s, pool, Math.min(...o.sizes), 200);
  for (const step of plan(o)) {
    const concurrency = concurrencyFor(o, step.size);
    const d = { concurrency, durationMs: o.durationMs };
    const label = {
      op: step.size >= MULTIPART_THRESHOLD && step.op === 'put' ? 'mpu-put' : step.op,
      size: step.size,
    };
    const bucket = s.bucket;
    const keys = pool.keys(step.size);
    switch (step.op) {
      case 'put':
        results.push(
          await measure(s, label, d, (c) => async () => {
            const key = pool.newKey(step.size);
            await putOne(c, bucket, key, step.size);
            keys.push(key);
            return step.size;
          }),
        );
        break;
      case 'get':
      case 'head': {
        await ensureObjects(s, pool, step.size, Math.max(concurrency, step.size >= 16 << 20 ? 2 : 200));
        const head = step.op === 'head';
        results.push(
          await measure(s, label, d, (c) => async (_w, seq) => {
            const key = keys[seq % keys.length]!;
            if (head) {
              await c.head(bucket, key);
              return 0;
            }
            return (await c.get(bucket, key)).bytes;
          }),
        );
        break;
      }
      case 'list': {
        // Enough for full pages of 1000; pages are heavy, so fewer lists run at once by default.
        await ensureObjects(s, pool, step.size, o.quick ? 1100 : 2000);
        const lists = { concurrency: o.concurrency ?? 4, durationMs: o.durationMs };
        results.push(await measure(s, label, lists, (c) => listOp(c, bucket, lists.concurrency)));
        break;
      }
      case 'delete':
        await ensureObjects(s, pool, step.size, o.quick ? 1100 : 2000);
        results.push(
          await measure(s, label, d, (c) => async () => {
            const key = keys.pop();
            if (key === undefined) return EXHAUSTED;
            await c.delete(bucket, key);
            return 0;
          }),
        );
        break;
      case 'mixed':
        await ensureObjects(s, pool, step.size, o.quick ? 200 : 500);
        results.push(await measure(s, label, d, (c) => mixedOp(c, bucket, pool, step.size)));
        break;
    }
  }
  return results;
}

/** Each worker pages through the whole bucket with ListObjectsV2 (1000 keys a page), then starts over. */
function listOp(c: S3Client, bucket: string, concurrency: number): Operation {
  const tokens: (string | undefined)[] = new Array(concurrency).fill(undefined);
  return async (w) => {
    const page = await c.list(bucket, tokens[w] === undefined ? {} : { token: tokens[w] });
    tokens[w] = page.isTruncated ? page.nextContinuationToken : undefined;
    if (page.keys.length === 0) throw new Error('empty list page');
    return 0;
  };
}

/**
 * warp's mix: 45% GET, 30% HEAD, 15% PUT, 10% DELETE over a shared set of live objects. An object
 * being read is never chosen for deletion, so no read races its own DELETE into a 404.
 */
function mixedOp(c: S3Client, bucket: string, pool: KeyPool, size: number): Operation {
  const live = pool.keys(size);
  const reading = new Map<string, number>();
  const source = payloadSource();
  const pick = () => live[Math.floor(Math.random() * live.length)];
  return async () => {
    const r = Math.random() * 100;
    if (r < 75) {
      const key = pick();
      if (key === undefined) throw new Error('no objects left to read');
      reading.set(key, (reading.get(key) ?? 0) + 1);
      try {
        if (r < 45) return (await c.get(bucket, key)).bytes;
        await c.head(bucket, key);
        return 0;
      } finally {
        const n = (reading.get(key) ?? 1) - 1;
        if (n === 0) reading.delete(key);
        else reading.set(key, n);
      }
    }
    if (r < 90) {
      const key = pool.newKey(size);
      await c.put(bucket, key, { source, length: size });
      live.push(key);
      return size;
    }
    for (let tries = 0; tries < 8 && live.length > 1; tries++) {
      const i = Math.floor(Math.random() * live.length);
      const key = live[i]!;
      if (reading.has(key)) continue;
      live[i] = live[live.length - 1]!;
      live.pop();
      await c.delete(bucket, key);
      return 0;
    }
    return 0; // everything sampled was being read: count it as a no-op rather than race
  };
}
