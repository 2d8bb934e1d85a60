import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../util/logger.js';
import { ApiServer, type RequestCompletion } from './server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(port: number, method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('ApiServer', () => {
  const server = new ApiServer({
    log: silentLogger,
    mounts: [
      {
        prefix: '/',
        handle: ({ res, id, facts }) => {
          facts.api = 'Fallback';
          res.writeHead(200, { 'x-id': id }).end('fallback');
        },
      },
      {
        prefix: '/minio/admin/',
        handle: ({ req, res, facts }) => {
          facts.api = 'Admin';
          facts.principal = 'admin-key';
          req.resume();
          req.on('end', () => res.writeHead(201).end('admin'));
        },
      },
      {
        prefix: '/minio/admin/v3/broken',
        handle: async () => {
          throw new Error('handler bug');
        },
        renderError: ({ res }) => {
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"Code":"InternalError"}');
        },
      },
      {
        prefix: '/minio/plain/',
        handle: () => {
          throw new Error('sync bug');
        },
      },
    ],
  });
  let port = 0;
  before(async () => {
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  after(() => server.close(1000));

  test('dispatches by path prefix, the longest matching prefix first, before any S3 addressing', async () => {
    assert.equal((await send(port, 'GET', '/bucket/key')).body, 'fallback');
    assert.equal((await send(port, 'GET', '/minio/admin/v3/info')).body, 'admin');
    assert.equal((await send(port, 'GET', '/minio/admin/v3/broken')).status, 500);
  });

  test('gives every request its own id', async () => {
    const a = await send(port, 'GET', '/x');
    const b = await send(port, 'GET', '/x');
    assert.match(String(a.headers['x-id']), /^[0-9A-F]{16}$/);
    assert.notEqual(a.headers['x-id'], b.headers['x-id']);
  });

  test("answers a handler's escaped failure with its renderError, or a plain 500", async () => {
    const rendered = await send(port, 'GET', '/minio/admin/v3/broken');
    assert.equal(rendered.body, '{"Code":"InternalError"}');
    const plain = await send(port, 'GET', '/minio/plain/x');
    assert.equal(plain.status, 500);
    assert.equal(plain.body, '');
  });

  test('emits one completion per request with its api, principal, status and byte counts', async () => {
    const seen: RequestCompletion[] = [];
    const stop = server.onComplete((c) => seen.push(c));
    try {
      await send(port, 'PUT', '/minio/admin/v3/add?secret=hidden', 'x'.repeat(5000));
      await send(port, 'GET', '/b/k');
      await new Promise((r) => setImmediate(r));
    } finally {
      stop();
    }
    assert.equal(seen.length, 2);
    const [admin, s3] = seen as [RequestCompletion, RequestCompletion];
    assert.equal(admin.api, 'Admin');
    assert.equal(admin.principal, 'admin-key');
    assert.equal(admin.method, 'PUT');
    assert.equal(
      admin.path,
      '/minio/admin/v3/add',
      'the query string (which may hold credentials) is left out',
    );
    assert.equal(admin.status, 201);
    assert.equal(admin.canceled, false);
    assert.ok(admin.bytesIn > 5000, `bytesIn ${admin.bytesIn} counts the body and headers`);
    assert.ok(admin.bytesOut > 'admin'.length, `bytesOut ${admin.bytesOut}`);
    assert.ok(admin.durationMs >= 0);
    assert.equal(admin.remoteAddress, '127.0.0.1');
    assert.equal(s3.api, 'Fallback');
    assert.equal(s3.principal, undefined);
    assert.ok(s3.bytesOut > 0 && s3.bytesOut < 1000, `bytesOut ${s3.bytesOut} is this response's alone`);
    // Unsubscribed: nothing more arrives.
    await send(port, 'GET', '/b/k');
    assert.equal(seen.length, 2);
  });

  test('names the mount that answered and the time to first byte in each completion', async () => {
    const seen: RequestCompletion[] = [];
    const stop = server.onComplete((c) => seen.push(c));
    try {
      await send(port, 'PUT', '/minio/admin/v3/add', 'x');
      await send(port, 'GET', '/b/k');
      await new Promise((r) => setImmediate(r));
    } finally {
      stop();
    }
    const [admin, s3] = seen as [RequestCompletion, RequestCompletion];
    assert.equal(admin.mount, '/minio/admin/');
    assert.equal(s3.mount, '/');
    for (const c of seen) {
      assert.ok(c.ttfbMs !== undefined && c.ttfbMs >= 0 && c.ttfbMs <= c.durationMs, `ttfb ${c.ttfbMs}`);
    }
  });

  test('time to first byte is when the head went out, not when the body ended', async () => {
    const streaming = new ApiServer({
      log: silentLogger,
      mounts: [
        {
          prefix: '/',
          handle: ({ res }) => {
            res.writeHead(200);
            res.write('first');
            setTimeout(() => res.end('last'), 150);
          },
        },
      ],
    });
    const p = (await streaming.listen(0, '127.0.0.1')).port;
    const seen: RequestCompletion[] = [];
    streaming.onComplete((c) => seen.push(c));
    try {
      assert.equal((await send(p, 'GET', '/')).body, 'firstlast');
      await new Promise((r) => setImmediate(r));
    } finally {
      await streaming.close(1000);
    }
    const [c] = seen as [RequestCompletion];
    assert.ok(c.durationMs >= 140, `duration ${c.durationMs}`);
    assert.ok(c.ttfbMs !== undefined && c.ttfbMs < 100, `ttfb ${c.ttfbMs}`);
  });

  test('start listeners see each request before its handler runs, with its mount', async () => {
    const started: { id: string; mount: string; api: string }[] = [];
    const stop = server.onStart((r) => started.push({ id: r.id, mount: r.mount, api: r.facts.api }));
    try {
      const answer = await send(port, 'GET', '/b/k');
      assert.equal(started.length, 1);
      assert.deepEqual(started[0], { id: answer.headers['x-id'], mount: '/', api: '' });
      await send(port, 'GET', '/minio/admin/v3/info');
      assert.equal(started[1]?.mount, '/minio/admin/');
    } finally {
      stop();
    }
    await send(port, 'GET', '/b/k');
    assert.equal(started.length, 2, 'unsubscribed');
  });

  test('close waits for in-flight requests, then resolves', async () => {
    const slow = new ApiServer({
      log: silentLogger,
      mounts: [{ prefix: '/', handle: ({ res }) => void setTimeout(() => res.end('late'), 200) }],
    });
    const p = (await slow.listen(0, '127.0.0.1')).port;
    const pending = send(p, 'GET', '/');
    await new Promise((r) => setTimeout(r, 50));
    const closed = slow.close(5000);
    assert.equal((await pending).body, 'late', 'the in-flight request finishes');
    await closed;
    await assert.rejects(send(p, 'GET', '/'), /ECONNREFUSED/);
  });
});
