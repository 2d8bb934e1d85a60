import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestCompletion } from '../server.js';
import { MAX_COUNTED_BUCKETS, RequestStats, TTFB_BUCKETS, UNROUTED_API } from './request-stats.js';

function completion(over: Partial<RequestCompletion>): RequestCompletion {
  return {
    requestId: 'r',
    time: new Date(),
    method: 'GET',
    path: '/b/k',
    api: 'GetObject',
    mount: '/',
    status: 200,
    canceled: false,
    bytesIn: 100,
    bytesOut: 200,
    durationMs: 5,
    ttfbMs: 3,
    bucket: 'b',
    ...over,
  };
}

describe('RequestStats', () => {
  test('counts S3 requests per API and bucket: totals, 4xx, 5xx, canceled, bytes', () => {
    const s = new RequestStats();
    s.completed(completion({}));
    s.completed(completion({ status: 404 }));
    s.completed(completion({ status: 503 }));
    s.completed(completion({ canceled: true, status: 200, ttfbMs: undefined }));
    const c = s.apis.get('GetObject');
    assert.deepEqual([c?.total, c?.errors4xx, c?.errors5xx, c?.canceled], [4, 1, 1, 1]);
    assert.equal(s.received, 400);
    assert.equal(s.sent, 800);
    assert.equal(s.buckets.get('b')?.apis.get('GetObject')?.total, 4);
    assert.equal(s.buckets.get('b')?.sent, 800);
    assert.equal(c?.ttfbCount, 3, 'a request that never sent its head has no TTFB');
  });

  test('leaves out requests of other mounts (health, admin, metrics)', () => {
    const s = new RequestStats();
    s.completed(completion({ mount: '/minio/health/', api: 'HealthLive' }));
    s.completed(completion({ mount: '/minio/v2/metrics/', api: 'MetricsCluster' }));
    assert.equal(s.apis.size, 0);
    assert.equal(s.received, 0);
  });

  test('names requests that were never routed `unknown`', () => {
    const s = new RequestStats();
    s.completed(completion({ api: '', status: 403 }));
    assert.equal(s.apis.get(UNROUTED_API)?.errors4xx, 1);
  });

  test('puts each TTFB in its histogram bucket (upper bounds inclusive), past the last in +Inf', () => {
    const s = new RequestStats();
    s.completed(completion({ ttfbMs: 1 }));
    s.completed(completion({ ttfbMs: 1.5 }));
    s.completed(completion({ ttfbMs: 60_000 }));
    const h = s.apis.get('GetObject')?.ttfb;
    assert.equal(h?.[0], 1, '1 ms is in le=0.001');
    assert.equal(h?.[1], 1, '1.5 ms is in le=0.002');
    assert.equal(h?.[TTFB_BUCKETS.length], 1, '60 s is past the last bound');
  });

  test('counts at most MAX_COUNTED_BUCKETS buckets, and forgets buckets that are gone', () => {
    const s = new RequestStats();
    for (let i = 0; i < MAX_COUNTED_BUCKETS + 5; i++) s.completed(completion({ bucket: `b${i}` }));
    assert.equal(s.buckets.size, MAX_COUNTED_BUCKETS);
    assert.equal(s.apis.get('GetObject')?.total, MAX_COUNTED_BUCKETS + 5, 'still counted per API');
    s.keepBuckets(new Set(['b1']));
    assert.deepEqual([...s.buckets.keys()], ['b1']);
  });
});
