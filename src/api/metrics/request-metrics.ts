/**
 * The S3 request families (MinIO's `minio_s3_*` and `minio_bucket_requests_*`/`_traffic_*`), read
 * from RequestStats at scrape time. The `api` label is the API's name in lower case, as MinIO's v2
 * metrics print it (`putobject`).
 */
import { family, type Labels, type Sample, type ScrapedFamily } from './metric-family.js';
import { type ApiCounts, type RequestStats, TTFB_BUCKETS } from './request-stats.js';

type CountField = 'total' | 'errors4xx' | 'errors5xx' | 'canceled';

function errors(c: ApiCounts): number {
  return c.errors4xx + c.errors5xx;
}

function read(field: CountField | typeof errors): (c: ApiCounts) => number {
  return typeof field === 'function' ? field : (c) => c[field];
}

/** MinIO prints `le` with three decimals (`0.050`, `+Inf`). */
function minioLe(bound: number): string {
  return Number.isFinite(bound) ? bound.toFixed(3) : '+Inf';
}

/** Cumulative bucket counts of `c`'s TTFB histogram, `emit(le bound, count)` per bucket then +Inf. */
function cumulative(c: ApiCounts, emit: (bound: number, count: number) => void): void {
  let sum = 0;
  for (let i = 0; i < TTFB_BUCKETS.length; i++) {
    sum += c.ttfb[i] ?? 0;
    emit(TTFB_BUCKETS[i] as number, sum);
  }
  emit(Number.POSITIVE_INFINITY, c.ttfbCount);
}

/** Samples of `value(counts)` for every API of `apis`, each labelled `extra` plus its api. */
function perApi(apis: Map<string, ApiCounts>, value: (c: ApiCounts) => number, extra: Labels = {}): Sample[] {
  const out: Sample[] = [];
  for (const [api, counts] of apis)
    out.push({ value: value(counts), labels: { ...extra, api: api.toLowerCase() } });
  return out;
}

function ttfbDistribution(apis: Map<string, ApiCounts>, extra: Labels = {}): Sample[] {
  const out: Sample[] = [];
  for (const [api, counts] of apis) {
    const name = api.toLowerCase();
    cumulative(counts, (bound, count) =>
      out.push({ value: count, labels: { ...extra, api: name, le: minioLe(bound) } }),
    );
  }
  return out;
}

function ttfbHistogram(base: string, apis: Map<string, ApiCounts>): Sample[] {
  const out: Sample[] = [];
  for (const [api, counts] of apis) {
    const labels = { api: api.toLowerCase() };
    cumulative(counts, (bound, count) =>
      out.push({
        metricName: `${base}_bucket`,
        value: count,
        labels: { ...labels, le: Number.isFinite(bound) ? String(bound) : '+Inf' },
      }),
    );
    out.push({ metricName: `${base}_sum`, value: counts.ttfbSum, labels });
    out.push({ metricName: `${base}_count`, value: counts.ttfbCount, labels });
  }
  return out;
}

/** The node-wide S3 request families (served on the cluster and node paths). */
export function s3RequestFamilies(stats: RequestStats): ScrapedFamily[] {
  const counter = (name: string, help: string, field: CountField | typeof errors) =>
    family(name, 'counter', help, () => perApi(stats.apis, read(field)));
  return [
    counter('minio_s3_requests_total', 'Total number of S3 requests', 'total'),
    counter(
      'minio_s3_requests_errors_total',
      'Total number of S3 requests with (4xx and 5xx) errors',
      errors,
    ),
    counter(
      'minio_s3_requests_4xx_errors_total',
      'Total number of S3 requests with (4xx) errors',
      'errors4xx',
    ),
    counter(
      'minio_s3_requests_5xx_errors_total',
      'Total number of S3 requests with (5xx) errors',
      'errors5xx',
    ),
    counter(
      'minio_s3_requests_canceled_total',
      'Total number of S3 requests canceled by the client',
      'canceled',
    ),
    family(
      'minio_s3_requests_inflight_total',
      'untyped',
      'Number of S3 requests currently in flight (a gauge)',
      () => {
        const out: Sample[] = [];
        for (const [api, n] of stats.inFlight().byApi)
          out.push({ value: n, labels: { api: api.toLowerCase() } });
        return out;
      },
    ),
    family(
      'minio_s3_traffic_received_bytes',
      'untyped',
      'Total number of bytes received from S3 clients, headers included (a counter)',
      () => [{ value: stats.received, labels: {} }],
    ),
    family(
      'minio_s3_traffic_sent_bytes',
      'untyped',
      'Total number of bytes sent to S3 clients, headers included (a counter)',
      () => [{ value: stats.sent, labels: {} }],
    ),
    family(
      'minio_s3_requests_ttfb_seconds_distribution',
      'untyped',
      'Distribution of the time to first byte across API calls (cumulative counts by le, as MinIO prints it)',
      () => ttfbDistribution(stats.apis),
    ),
    family('cairn_s3_requests_ttfb_seconds', 'histogram', 'Time to first byte of S3 requests, by API', () =>
      ttfbHistogram('cairn_s3_requests_ttfb_seconds', stats.apis),
    ),
  ];
}

/** The per-bucket request families, for the buckets `buckets()` names (the bucket path). */
export function bucketRequestFamilies(
  stats: RequestStats,
  buckets: () => Promise<string[]>,
): ScrapedFamily[] {
  const each = async (sample: (bucket: string, out: Sample[]) => void): Promise<Sample[]> => {
    const out: Sample[] = [];
    for (const bucket of await buckets()) sample(bucket, out);
    return out;
  };
  const counter = (name: string, help: string, field: CountField) =>
    family(name, 'counter', help, () =>
      each((bucket, out) => {
        const b = stats.buckets.get(bucket);
        if (b) out.push(...perApi(b.apis, read(field), { bucket }));
      }),
    );
  const traffic = (name: string, help: string, field: 'received' | 'sent') =>
    family(name, 'untyped', help, () =>
      each((bucket, out) => {
        const b = stats.buckets.get(bucket);
        if (b) out.push({ value: b[field], labels: { bucket } });
      }),
    );
  return [
    counter('minio_bucket_requests_total', 'Total number of S3 requests on a bucket', 'total'),
    counter(
      'minio_bucket_requests_4xx_errors_total',
      'Total number of S3 requests with (4xx) errors on a bucket',
      'errors4xx',
    ),
    counter(
      'minio_bucket_requests_5xx_errors_total',
      'Total number of S3 requests with (5xx) errors on a bucket',
      'errors5xx',
    ),
    counter(
      'minio_bucket_requests_canceled_total',
      'Total number of S3 requests on a bucket canceled by the client',
      'canceled',
    ),
    family(
      'minio_bucket_requests_inflight_total',
      'untyped',
      'Number of S3 requests currently in flight on a bucket (a gauge)',
      async () => {
        const { byBucket } = stats.inFlight();
        return each((bucket, out) => {
          for (const [api, n] of byBucket.get(bucket) ?? [])
            out.push({ value: n, labels: { bucket, api: api.toLowerCase() } });
        });
      },
    ),
    traffic(
      'minio_bucket_traffic_received_bytes',
      'Total number of S3 bytes received for this bucket (a counter)',
      'received',
    ),
    traffic(
      'minio_bucket_traffic_sent_bytes',
      'Total number of S3 bytes sent for this bucket (a counter)',
      'sent',
    ),
    family(
      'minio_bucket_requests_ttfb_seconds_distribution',
      'untyped',
      'Distribution of time to first byte across API calls per bucket (cumulative counts by le, as MinIO prints it)',
      () =>
        each((bucket, out) => {
          const b = stats.buckets.get(bucket);
          if (b) out.push(...ttfbDistribution(b.apis, { bucket }));
        }),
    ),
  ];
}
