import type { S3Client } from './client/http.js';
import { EXHAUSTED } from './driver.js';
import { LatencyRecorder } from './latency.js';
import { clientFor, measure, type TargetSession, type WorkloadResult } from './measure.js';
import { type BenchOptions, concurrencyFor } from './options.js';
import { payloadSource } from './payload.js';
import { KeyPool } from './workloads.js';

export interface PageTimes {
  pages: number;
  keysPerPage: number;
  meanMs: number;
  p50Ms: number;
  maxMs: number;
}

export interface LargeBucketResult {
  target: string;
  requested: number;
  created: number;
  createSeconds: number;
  create: WorkloadResult;
  listFromStart: PageTimes;
  listFromMiddle: PageTimes;
  listDelimiter: PageTimes;
  /** 4 KiB PUTs into the same bucket while it is still empty, and again once it is full. */
  put4kEmpty: WorkloadResult;
  put4k: WorkloadResult;
  /** Full-bucket 4 KiB PUT op/s over empty-bucket op/s (1.0 = flat). */
  put4kFlatRatio: number;
}

const GROUPS = 1000;
const PAGES = 20;
/** A listing that takes seconds per page gets a few samples, not a minute of them. */
const PAGE_TIME_CAP_MS = 5000;

/** Key i lives in group i mod 1000: `big/042/0001042`, so a delimiter listing has 1000 prefixes. */
function largeKey(i: number): string {
  return `big/${String(i % GROUPS).padStart(3, '0')}/${String(i).padStart(7, '0')}`;
}

/**
 * Measures the 4 KiB PUT rate in a new bucket, fills it with many empty objects through ordinary
 * concurrent PUTs (timed: that is the creation rate), times ListObjectsV2 pages from the start, from
 * the middle and with a delimiter, and measures the 4 KiB PUT rate again at that bucket size. Both
 * PUT rates come from the same bucket on the same warm server, so their ratio shows the size effect.
 */
export async function runLargeBucket(s: TargetSession, o: BenchOptions): Promise<LargeBucketResult> {
  const session = { ...s, bucket: `${s.bucket}-large` };
  const setup = clientFor(session, 1);
  await setup.createBucket(session.bucket);
  const source = payloadSource();
  // Same key shape as the PUT workloads (hashed, spread over the key space).
  const keys = new KeyPool();
  const put4kRun = (op: string) =>
    measure(
      session,
      { op, size: 4096 },
      { concurrency: concurrencyFor(o, 4096), durationMs: o.durationMs },
      (c) => async () => {
        await c.put(session.bucket, keys.newKey(4096), { source, length: 4096 });
        return 4096;
      },
    );
  const put4kEmpty = await put4kRun('put@empty');
  const empty = { source: payloadSource(), length: 0 };
  const create = await measure(
    session,
    { op: 'large-create', size: 0 },
    { concurrency: 64, durationMs: o.largeMaxSeconds * 1000, maxOps: o.largeCount },
    (c) => async (_w, seq) => {
      if (seq >= o.largeCount) return EXHAUSTED;
      await c.put(session.bucket, largeKey(seq), empty);
      return 0;
    },
  );
  try {
    const listFromStart = await timePages(setup, session.bucket, { prefix: 'big/' }, PAGES);
    const listFromMiddle = await timePages(
      setup,
      session.bucket,
      { prefix: 'big/', startAfter: `big/${String(GROUPS / 2).padStart(3, '0')}/` },
      PAGES,
    );
    const listDelimiter = await timePages(
      setup,
      session.bucket,
      { prefix: 'big/', delimiter: '/' },
      PAGES,
      true,
    );
    const put4k = await put4kRun('put@large');
    return {
      target: s.target.spec.name,
      requested: o.largeCount,
      created: create.ops,
      createSeconds: create.wallSeconds,
      create,
      listFromStart,
      listFromMiddle,
      listDelimiter,
      put4kEmpty,
      put4k,
      put4kFlatRatio: put4k.opsPerSec / put4kEmpty.opsPerSec,
    };
  } finally {
    setup.close();
  }
}

/**
 * Times `pages` consecutive pages of 1000 (following continuation tokens), one request at a time.
 * With `restart`, every page starts over from the beginning (a delimiter listing is one page here).
 */
async function timePages(
  c: S3Client,
  bucket: string,
  params: { prefix: string; delimiter?: string; startAfter?: string },
  pages: number,
  restart = false,
): Promise<PageTimes> {
  const lat = new LatencyRecorder();
  let token: string | undefined;
  let entries = 0;
  let total = 0;
  const stopAt = performance.now() + PAGE_TIME_CAP_MS;
  for (let i = 0; i < pages && performance.now() < stopAt; i++) {
    const t0 = performance.now();
    const page = await c.list(bucket, token === undefined ? params : { ...params, token });
    const ms = performance.now() - t0;
    lat.add(ms);
    total += ms;
    entries += page.keys.length + page.commonPrefixes.length;
    token = restart || !page.isTruncated ? undefined : page.nextContinuationToken;
    if (!restart && token === undefined) break;
  }
  const [p50, max] = lat.percentiles(50, 100);
  return {
    pages: lat.count,
    keysPerPage: entries / Math.max(1, lat.count),
    meanMs: total / Math.max(1, lat.count),
    p50Ms: p50 ?? Number.NaN,
    maxMs: max ?? Number.NaN,
  };
}
