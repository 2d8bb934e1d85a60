/**
 * S3 request counters, fed by ApiServer's start and completion events and read when metrics are
 * scraped. A request costs a few additions on records made once per API (and per bucket and
 * API): no allocation after the first request of each, no label hashing, nothing sorted. This is
 * how MinIO keeps its HTTP stats too (plain counters, turned into metrics on scrape).
 */
import type { ApiRequest, ApiServer, RequestCompletion, RequestFacts } from '../server.js';

/** Upper bounds (seconds) of the time-to-first-byte histogram buckets; MinIO's, plus finer ones below 50 ms. */
export const TTFB_BUCKETS: readonly number[] = [
  0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The label of requests that ended before they were routed to an API (bad signature, malformed request). */
export const UNROUTED_API = 'unknown';

/**
 * At most this many buckets are counted between two scrapes; each scrape forgets buckets that no
 * longer exist. Requests name buckets that do not exist too (answered NoSuchBucket or
 * AccessDenied): without a bound, anyone could grow the table without end.
 */
export const MAX_COUNTED_BUCKETS = 10_000;

/** Counts for one API (or one API on one bucket). */
export class ApiCounts {
  total = 0;
  errors4xx = 0;
  errors5xx = 0;
  canceled = 0;
  /** Requests whose head went out, by TTFB_BUCKETS bucket (not cumulative); the last is +Inf. */
  readonly ttfb = new Float64Array(TTFB_BUCKETS.length + 1);
  ttfbCount = 0;
  ttfbSum = 0;

  record(c: RequestCompletion): void {
    this.total++;
    if (c.canceled) this.canceled++;
    else if (c.status >= 500) this.errors5xx++;
    else if (c.status >= 400) this.errors4xx++;
    const ttfbMs = c.ttfbMs;
    if (ttfbMs !== undefined) {
      const seconds = ttfbMs / 1000;
      let i = 0;
      while (i < TTFB_BUCKETS.length && seconds > (TTFB_BUCKETS[i] as number)) i++;
      this.ttfb[i] = (this.ttfb[i] ?? 0) + 1;
      this.ttfbCount++;
      this.ttfbSum += seconds;
    }
  }
}

/** One bucket's counts: per API, and its traffic. */
export class BucketCounts {
  readonly apis = new Map<string, ApiCounts>();
  received = 0;
  sent = 0;
}

export class RequestStats {
  readonly apis = new Map<string, ApiCounts>();
  readonly buckets = new Map<string, BucketCounts>();
  /** Bytes read from and written to S3 clients, headers included. */
  received = 0;
  sent = 0;
  /** S3 requests being served, by request id. */
  private readonly inflight = new Map<string, RequestFacts>();

  /** Subscribes to `server`'s request events; returns the unsubscribe function. */
  attach(server: ApiServer): () => void {
    const stopStart = server.onStart((r) => this.started(r));
    const stopComplete = server.onComplete((c) => this.completed(c));
    return () => {
      stopStart();
      stopComplete();
    };
  }

  started(r: ApiRequest): void {
    if (r.mount === '/') this.inflight.set(r.id, r.facts);
  }

  completed(c: RequestCompletion): void {
    // The S3 front is the mount at '/': health, admin and metrics requests are not S3 requests.
    if (c.mount !== '/') return;
    this.inflight.delete(c.requestId);
    const api = c.api === '' ? UNROUTED_API : c.api;
    this.received += c.bytesIn;
    this.sent += c.bytesOut;
    let counts = this.apis.get(api);
    if (counts === undefined) {
      counts = new ApiCounts();
      this.apis.set(api, counts);
    }
    counts.record(c);
    const bucket = c.bucket;
    if (bucket === undefined || bucket === '') return;
    let b = this.buckets.get(bucket);
    if (b === undefined) {
      if (this.buckets.size >= MAX_COUNTED_BUCKETS) return;
      b = new BucketCounts();
      this.buckets.set(bucket, b);
    }
    b.received += c.bytesIn;
    b.sent += c.bytesOut;
    let bc = b.apis.get(api);
    if (bc === undefined) {
      bc = new ApiCounts();
      b.apis.set(api, bc);
    }
    bc.record(c);
  }

  /**
   * S3 requests in flight, by API and by bucket and API. A request still being authenticated or
   * routed has no API yet and is left out, as MinIO counts a request once its handler runs.
   */
  inFlight(): { byApi: Map<string, number>; byBucket: Map<string, Map<string, number>> } {
    const byApi = new Map<string, number>();
    const byBucket = new Map<string, Map<string, number>>();
    for (const facts of this.inflight.values()) {
      if (facts.api === '') continue;
      byApi.set(facts.api, (byApi.get(facts.api) ?? 0) + 1);
      if (facts.bucket === undefined || facts.bucket === '') continue;
      let m = byBucket.get(facts.bucket);
      if (m === undefined) {
        m = new Map();
        byBucket.set(facts.bucket, m);
      }
      m.set(facts.api, (m.get(facts.api) ?? 0) + 1);
    }
    return { byApi, byBucket };
  }

  /** Forgets the counts of buckets not in `existing` (deleted, or never there). */
  keepBuckets(existing: ReadonlySet<string>): void {
    for (const name of this.buckets.keys()) if (!existing.has(name)) this.buckets.delete(name);
  }
}
