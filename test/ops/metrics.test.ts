/**
 * Metrics of a real server after real S3 requests: counts, errors, bytes and time-to-first-byte
 * histograms per API and per bucket, requests in flight and canceled, bucket usage, capacity and
 * drives, read from the four MinIO paths with the token `cairn admin prometheus generate` prints.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { bodyBytes, s3Client } from '../helpers/s3-client.js';
import {
  bearerTokenOf,
  familyTypes,
  generateScrapeConfig,
  samples,
  sampleValue,
  scrape,
} from './metrics-support.js';

const BUCKET = 'metrics-bucket';
const SIZES = [1000, 20_000, 300_000];

describe('metrics after real S3 requests', () => {
  let cairn: CairnProcess;
  let s3: S3Client;
  let token: string;

  before(async () => {
    // The scanner at full speed, scrubbing every pass: its metrics move within the test's time.
    cairn = await startCairn({
      drives: 4,
      env: { CAIRN_SCANNER_SPEED: 'fastest', CAIRN_SCRUB_INTERVAL: 'on' },
    });
    s3 = s3Client(cairn);
    token = bearerTokenOf(await generateScrapeConfig(cairn, cairn));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const [i, size] of SIZES.entries()) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `k${i}`, Body: Buffer.alloc(size, i) }));
    }
    for (const key of ['k1', 'k2']) {
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      await bodyBytes(got.Body);
    }
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'missing' })));
  });
  after(async () => {
    s3?.destroy();
    await cairn?.stop();
  });

  test('counts S3 requests per API, with 4xx errors, as minio_s3_requests_*', async () => {
    const res = await scrape(cairn, 'cluster', token);
    assert.equal(res.status, 200);
    assert.match(res.contentType ?? '', /^text\/plain; version=0\.0\.4/);
    const m = samples(res.text);
    assert.equal(sampleValue(m, 'minio_s3_requests_total', { api: 'createbucket' }), 1);
    assert.equal(sampleValue(m, 'minio_s3_requests_total', { api: 'putobject' }), 3);
    assert.equal(sampleValue(m, 'minio_s3_requests_total', { api: 'getobject' }), 2);
    assert.equal(sampleValue(m, 'minio_s3_requests_total', { api: 'headobject' }), 1);
    assert.equal(sampleValue(m, 'minio_s3_requests_4xx_errors_total', { api: 'headobject' }), 1);
    assert.equal(sampleValue(m, 'minio_s3_requests_errors_total', { api: 'headobject' }), 1);
    assert.equal(sampleValue(m, 'minio_s3_requests_errors_total', { api: 'putobject' }), 0);
    assert.equal(sampleValue(m, 'minio_s3_requests_5xx_errors_total', { api: 'getobject' }), 0);
    assert.ok(
      ![...m.keys()].some((k) => k.startsWith('minio_s3_requests_total') && /metrics|health/.test(k)),
      'scrapes and probes are not S3 requests',
    );
  });

  test('counts bytes received and sent, bodies and headers', async () => {
    const m = samples((await scrape(cairn, 'cluster', token)).text);
    const received = sampleValue(m, 'minio_s3_traffic_received_bytes') ?? 0;
    const sent = sampleValue(m, 'minio_s3_traffic_sent_bytes') ?? 0;
    const uploaded = SIZES.reduce((a, b) => a + b, 0);
    const downloaded = (SIZES[1] as number) + (SIZES[2] as number);
    assert.ok(
      received > uploaded && received < uploaded + 40_000,
      `received ${received}, bodies ${uploaded}`,
    );
    assert.ok(sent > downloaded && sent < downloaded + 40_000, `sent ${sent}, bodies ${downloaded}`);
  });

  test('keeps a time-to-first-byte histogram per API, in MinIO form and as a Prometheus histogram', async () => {
    const text = (await scrape(cairn, 'node', token)).text;
    const m = samples(text);
    const types = familyTypes(text);
    assert.equal(types.get('cairn_s3_requests_ttfb_seconds'), 'histogram');
    assert.equal(sampleValue(m, 'cairn_s3_requests_ttfb_seconds_count', { api: 'putobject' }), 3);
    assert.equal(
      sampleValue(m, 'cairn_s3_requests_ttfb_seconds_bucket', { api: 'putobject', le: '+Inf' }),
      3,
    );
    const sum = sampleValue(m, 'cairn_s3_requests_ttfb_seconds_sum', { api: 'putobject' }) ?? -1;
    assert.ok(sum > 0 && sum < 30, `sum ${sum}`);
    assert.equal(
      sampleValue(m, 'minio_s3_requests_ttfb_seconds_distribution', { api: 'getobject', le: '+Inf' }),
      2,
    );
    // Cumulative: each bucket holds at least the one below it.
    let previous = 0;
    for (const le of [
      '0.001',
      '0.002',
      '0.005',
      '0.010',
      '0.025',
      '0.050',
      '0.100',
      '0.250',
      '0.500',
      '1.000',
      '2.500',
      '5.000',
      '10.000',
      '+Inf',
    ]) {
      const v = sampleValue(m, 'minio_s3_requests_ttfb_seconds_distribution', { api: 'putobject', le });
      assert.ok(v !== undefined && v >= previous, `le=${le}: ${v} after ${previous}`);
      previous = v;
    }
    assert.equal(previous, 3);
  });

  test('reports each bucket: its objects and bytes, and its requests per API', async () => {
    const m = samples((await scrape(cairn, 'bucket', token)).text);
    assert.equal(sampleValue(m, 'minio_bucket_usage_object_total', { bucket: BUCKET }), 3);
    assert.equal(
      sampleValue(m, 'minio_bucket_usage_total_bytes', { bucket: BUCKET }),
      SIZES.reduce((a, b) => a + b, 0),
    );
    assert.equal(sampleValue(m, 'minio_bucket_requests_total', { bucket: BUCKET, api: 'putobject' }), 3);
    assert.equal(
      sampleValue(m, 'minio_bucket_requests_4xx_errors_total', { bucket: BUCKET, api: 'headobject' }),
      1,
    );
    assert.ok((sampleValue(m, 'minio_bucket_traffic_received_bytes', { bucket: BUCKET }) ?? 0) > 321_000);
    assert.equal(
      sampleValue(m, 'minio_bucket_requests_ttfb_seconds_distribution', {
        bucket: BUCKET,
        api: 'getobject',
        le: '+Inf',
      }),
      2,
    );
  });

  test('reports capacity, drives, erasure-set health and usage on the cluster path', async () => {
    const m = samples((await scrape(cairn, 'cluster', token)).text);
    const rawTotal = sampleValue(m, 'minio_cluster_capacity_raw_total_bytes') ?? 0;
    const usableTotal = sampleValue(m, 'minio_cluster_capacity_usable_total_bytes') ?? 0;
    assert.ok(rawTotal > 0);
    // 4 drives, 2 parity: usable is half the raw space.
    assert.ok(Math.abs(usableTotal - rawTotal / 2) <= 1, `usable ${usableTotal} of raw ${rawTotal}`);
    assert.ok((sampleValue(m, 'minio_cluster_capacity_raw_free_bytes') ?? -1) > 0);
    assert.equal(sampleValue(m, 'minio_cluster_drive_online_total'), 4);
    assert.equal(sampleValue(m, 'minio_cluster_drive_offline_total'), 0);
    assert.equal(sampleValue(m, 'minio_cluster_health_erasure_set_write_quorum', { pool: '0', set: '0' }), 3);
    assert.equal(sampleValue(m, 'minio_cluster_health_status'), 1);
    assert.equal(sampleValue(m, 'minio_cluster_usage_object_total'), 3);
    assert.equal(sampleValue(m, 'minio_cluster_bucket_total'), 1);
    assert.equal(sampleValue(m, 'minio_heal_objects_heal_total'), 0);
  });

  test('reports each drive on the node path, and the process: CPU, memory, descriptors, event-loop lag', async () => {
    const m = samples((await scrape(cairn, 'node', token)).text);
    for (const drive of cairn.driveDirs) {
      assert.ok((sampleValue(m, 'minio_node_drive_total_bytes', { drive }) ?? 0) > 0, drive);
      assert.ok((sampleValue(m, 'minio_node_drive_used_bytes', { drive }) ?? 0) > 0, drive);
    }
    assert.equal(sampleValue(m, 'minio_node_drive_online_total'), 4);
    assert.ok((sampleValue(m, 'minio_node_process_cpu_total_seconds') ?? 0) > 0);
    assert.ok((sampleValue(m, 'minio_node_process_resident_memory_bytes') ?? 0) > 10 * 1024 * 1024);
    assert.ok((sampleValue(m, 'minio_node_file_descriptor_open_total') ?? 0) > 4);
    assert.ok((sampleValue(m, 'minio_node_file_descriptor_limit_total') ?? 0) > 0);
    assert.ok(sampleValue(m, 'nodejs_eventloop_lag_p99_seconds') !== undefined, 'event-loop lag is reported');
    assert.ok(sampleValue(m, 'process_open_fds') !== undefined);
  });

  test("counts each drive's calls per drive API, their time and errors by kind, on the node path", async () => {
    // A write commits on every drive: each has a WriteMetadata call since the previous scrape.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'drive-calls', Body: 'x' }));
    const m = samples((await scrape(cairn, 'node', token)).text);
    for (const drive of cairn.driveDirs) {
      for (const api of ['storage.WriteMetadata', 'storage.ReadVersion', 'storage.CreateFile']) {
        const calls = sampleValue(m, 'cairn_node_drive_requests_total', { drive, api }) ?? 0;
        const seconds = sampleValue(m, 'cairn_node_drive_request_seconds_total', { drive, api }) ?? 0;
        assert.ok(calls > 0, `${drive} ${api}: ${calls} calls`);
        assert.ok(seconds > 0 && seconds < calls * 30, `${drive} ${api}: ${seconds} s`);
      }
      for (const kind of ['timeout', 'ioerror', 'availability'])
        assert.equal(sampleValue(m, `minio_node_drive_errors_${kind}`, { drive }), 0, `${drive} ${kind}`);
    }
  });

  test('reports host CPU load, memory and drives on the resource path', async () => {
    const m = samples((await scrape(cairn, 'resource', token)).text);
    assert.ok((sampleValue(m, 'minio_node_mem_total') ?? 0) > 0);
    assert.ok(sampleValue(m, 'minio_node_cpu_avg_load1') !== undefined);
    assert.ok(
      (sampleValue(m, 'minio_node_drive_total_bytes', { drive: cairn.driveDirs[0] as string }) ?? 0) > 0,
    );
  });

  test("reports the scanner's progress: objects visited, shard bytes scrubbed, passes, findings", async () => {
    // Every shard of the scrubbed objects is read: at least their bytes, spread over the drives.
    const uploaded = SIZES.reduce((a, b) => a + b, 0);
    const done = (m: Map<string, number>) =>
      (sampleValue(m, 'cairn_scanner_passes_total') ?? 0) >= 1 &&
      (sampleValue(m, 'minio_node_scanner_objects_scanned') ?? 0) >= 3 &&
      (sampleValue(m, 'cairn_scanner_verified_shard_bytes_total') ?? 0) >= uploaded;
    const deadline = Date.now() + 15_000;
    let m = samples((await scrape(cairn, 'cluster', token)).text);
    while (!done(m) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      m = samples((await scrape(cairn, 'cluster', token)).text);
    }
    assert.ok(
      done(m),
      `a full scrubbing pass over the 3 objects within 15 s: ${[...m].filter(([k]) => k.includes('scanner')).join(' ')}`,
    );
    assert.ok(
      (sampleValue(m, 'cairn_scanner_last_scrub_end_timestamp_seconds') ?? 0) > Date.now() / 1000 - 60,
    );
    assert.equal(sampleValue(m, 'cairn_scanner_findings_total', { kind: 'corrupt' }), 0);
    assert.ok(sampleValue(m, 'minio_usage_last_activity_nano_seconds') !== undefined);
  });

  test('docs/metrics.md lists every metric the four paths report', async () => {
    const docs = await readFile(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
    for (const path of ['cluster', 'node', 'bucket', 'resource'] as const) {
      for (const name of familyTypes((await scrape(cairn, path, token)).text).keys()) {
        if (name.startsWith('nodejs_') || name.startsWith('process_')) continue; // prom-client's, listed as a group
        assert.ok(docs.includes(`\`${name}\``), `${name} (${path}) is missing from docs/metrics.md`);
      }
    }
  });

  test('shows a request in flight while its body arrives, then counts it canceled when the client goes', async () => {
    const url = new URL(
      await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'slow' }), { expiresIn: 300 }),
    );
    const req = request({
      host: url.hostname,
      port: url.port,
      method: 'PUT',
      path: `${url.pathname}${url.search}`,
      headers: { 'content-length': '100000' },
    });
    req.on('error', () => {});
    req.write(Buffer.alloc(1000));
    const inflight = async () =>
      sampleValue(samples((await scrape(cairn, 'cluster', token)).text), 'minio_s3_requests_inflight_total', {
        api: 'putobject',
      });
    const deadline = Date.now() + 5000;
    while ((await inflight()) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await inflight(), 1);
    const bucketSide = samples((await scrape(cairn, 'bucket', token)).text);
    assert.equal(
      sampleValue(bucketSide, 'minio_bucket_requests_inflight_total', { bucket: BUCKET, api: 'putobject' }),
      1,
    );
    req.destroy();
    const canceled = async () =>
      sampleValue(samples((await scrape(cairn, 'cluster', token)).text), 'minio_s3_requests_canceled_total', {
        api: 'putobject',
      });
    const until = Date.now() + 5000;
    while ((await canceled()) !== 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await canceled(), 1);
    assert.equal(await inflight(), undefined, 'no PutObject is in flight any more');
  });
});
