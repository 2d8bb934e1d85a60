import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Agent, type ClientRequest, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, test } from 'node:test';
import { BandwidthLimiter } from '../util/bandwidth-limiter.js';
import { silentLogger } from '../util/logger.js';
import { ApiServer } from './server.js';

const KiB = 1024;
const MiB = 1024 * KiB;

interface Harness {
  server: ApiServer;
  port: number;
  limits: { in: BandwidthLimiter; out: BandwidthLimiter };
  /** bytesRead of the upload's socket and the time, sampled while the handler reads the body. */
  readSamples: Array<[number, number]>;
  /** Bytes the download handler's source has produced so far. */
  produced: { bytes: number };
  /** Server-side sockets that have closed. */
  closedSockets: { count: number };
}

/**
 * An in-process server with an S3-like mount (counted) that reads uploads and streams `size`
 * bytes from a generator, and a control mount (exempt) that answers 1 MiB at once.
 */
async function harness(rateIn: number, rateOut: number): Promise<Harness> {
  const limits = { in: new BandwidthLimiter(rateIn), out: new BandwidthLimiter(rateOut) };
  const readSamples: Array<[number, number]> = [];
  const produced = { bytes: 0 };
  const closedSockets = { count: 0 };
  const server = new ApiServer({
    log: silentLogger,
    bandwidth: limits,
    mounts: [
      {
        prefix: '/',
        bandwidthLimited: true,
        handle: async ({ req, res }) => {
          if (req.method === 'PUT') {
            let bytes = 0;
            const started = performance.now();
            for await (const chunk of req) {
              bytes += (chunk as Buffer).length;
              readSamples.push([performance.now() - started, req.socket.bytesRead]);
            }
            res.writeHead(200).end(String(bytes));
            return;
          }
          const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size'));
          res.writeHead(200, { 'content-length': String(size) });
          const piece = Buffer.alloc(256 * KiB, 7);
          async function* source() {
            for (let sent = 0; sent < size; sent += piece.length) {
              produced.bytes += Math.min(piece.length, size - sent);
              yield piece.subarray(0, Math.min(piece.length, size - sent));
            }
          }
          await pipeline(Readable.from(source()), res).catch(() => undefined);
        },
      },
      {
        prefix: '/minio/health/',
        handle: ({ res }) => {
          res.writeHead(200).end(Buffer.alloc(MiB));
        },
      },
    ],
  });
  server.http.on('connection', (socket) => socket.once('close', () => closedSockets.count++));
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port, limits, readSamples, produced, closedSockets };
}

function call(
  h: Harness,
  method: string,
  path: string,
  body?: Buffer,
  opts: { agent?: Agent; onRequest?: (req: ClientRequest) => void } = {},
): Promise<{ status: number; bytes: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: h.port, method, path, agent: opts.agent ?? false },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    opts.onRequest?.(req);
    req.end(body);
  });
}

function count(kind: string): number {
  return process.getActiveResourcesInfo().filter((r) => r === kind).length;
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('bandwidth limits on the HTTP server', () => {
  const servers: ApiServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close(100)));
  });
  const start = async (rateIn: number, rateOut: number) => {
    const h = await harness(rateIn, rateOut);
    servers.push(h.server);
    return h;
  };

  test('an upload is read from its socket no faster than the limit, plus one read', async () => {
    const h = await start(MiB, 0);
    const size = 2 * MiB;
    const answer = await call(h, 'PUT', '/upload', randomBytes(size));
    assert.equal(answer.status, 200);
    assert.ok(answer.ms >= 1800, `2 MiB at 1 MiB/s took ${answer.ms.toFixed(0)} ms`);
    // Node's reads of the socket: never more than the bucket's burst (50 ms) and what the rate
    // gave since, plus the one read in flight when the bucket ran dry and the request headers.
    for (const [ms, bytesRead] of h.readSamples) {
      const allowed = 0.05 * MiB + (ms / 1000) * MiB + 64 * KiB + 4 * KiB;
      assert.ok(
        bytesRead <= allowed,
        `${bytesRead} bytes read after ${ms.toFixed(0)} ms (allowed ${allowed.toFixed(0)})`,
      );
    }
  });

  test('a download waits for the limit with its buffers bounded: the pipeline feeding it is held back', async () => {
    const h = await start(0, 2 * MiB);
    let req: ClientRequest | undefined;
    const download = call(h, 'GET', '/download?size=67108864', undefined, {
      onRequest: (r) => (req = r),
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1000));
    // About 2 MiB went out in the first second; without backpressure the handler would have
    // produced all 64 MiB into memory by now.
    assert.ok(h.produced.bytes <= 4 * MiB, `the source produced ${h.produced.bytes} bytes in 1 s`);
    assert.ok(h.produced.bytes >= MiB, `the source produced only ${h.produced.bytes} bytes in 1 s`);
    req?.destroy();
    await download;
  });

  test('a client that aborts throttled downloads leaves no waiting turn, timer or socket behind', async () => {
    // At 1 KiB/s each 16 KiB turn is 16 s away: anything not withdrawn at close would still wait.
    const h = await start(0, KiB);
    const sockets = count('TCPSocketWrap');
    const timers = count('Timeout');
    const requests: ClientRequest[] = [];
    let answered = 0;
    const keep = {
      onRequest: (r: ClientRequest) => {
        requests.push(r);
        r.once('response', () => answered++);
      },
    };
    const transfers = [0, 1, 2].map(() =>
      call(h, 'GET', `/download?size=${MiB}`, undefined, keep).catch(() => undefined),
    );
    await until(
      'all three downloads have begun and wait for their turns',
      () => answered === 3 && h.limits.out.waiting === 3,
    );
    // A reset, as a killed client's kernel sends it: the server, reading for the next request,
    // sees it at once. (A client that only half-closes is still sent its answer, in its turns.)
    for (const r of requests) r.socket?.resetAndDestroy();
    await Promise.all(transfers);
    await until('the server saw the connections close', () => h.closedSockets.count >= 3);
    assert.equal(h.limits.out.waiting, 0, 'download turns left waiting');
    assert.ok(
      count('Timeout') <= timers,
      `a timer outlived the downloads: ${process.getActiveResourcesInfo()}`,
    );
    await until('sockets are back to where they were', () => count('TCPSocketWrap') <= sockets);
    const started = performance.now();
    await h.server.close(10_000);
    assert.ok(performance.now() - started < 1000, 'the server closed at once');
  });

  test('an aborted throttled upload is read up to where the client stopped, then leaves nothing behind', async () => {
    // TCP tells a receiver that is not reading nothing of a peer that went away: the server learns
    // of the abort when it has read, at the limit, what the client had sent (bounded by the
    // socket buffers), and then cleans up.
    const h = await start(MiB, 0);
    const sockets = count('TCPSocketWrap');
    const timers = count('Timeout');
    let req: ClientRequest | undefined;
    const upload = call(h, 'PUT', '/upload', randomBytes(16 * MiB), { onRequest: (r) => (req = r) }).catch(
      () => undefined,
    );
    await until('the upload waits for its turn', () => h.limits.in.waiting >= 1);
    req?.destroy();
    await upload;
    await until('the server saw the connection close', () => h.closedSockets.count >= 1, 15_000);
    assert.ok(h.readSamples.length > 0);
    const bytesRead = h.readSamples.at(-1)![1];
    assert.ok(bytesRead < 16 * MiB, 'the server did not read what the client never sent');
    assert.equal(h.limits.in.waiting, 0, 'upload turns left waiting');
    assert.ok(count('Timeout') <= timers, `a timer outlived the upload: ${process.getActiveResourcesInfo()}`);
    await until('sockets are back to where they were', () => count('TCPSocketWrap') <= sockets);
  });

  test('control mounts are not counted: a 1 MiB answer under a 64 KiB/s limit arrives at once', async () => {
    const h = await start(64 * KiB, 64 * KiB);
    const exempt = await call(h, 'GET', '/minio/health/big');
    assert.equal(exempt.bytes, MiB);
    assert.ok(exempt.ms < 1000, `took ${exempt.ms.toFixed(0)} ms`);
    const counted = await call(h, 'GET', `/download?size=${96 * KiB}`);
    assert.equal(counted.bytes, 96 * KiB);
    assert.ok(counted.ms >= 1000, `96 KiB at 64 KiB/s took ${counted.ms.toFixed(0)} ms`);
  });

  test('a limit set at run time applies to connections already open, and lifting it frees transfers in progress', async () => {
    const h = await start(0, 0);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const fast = await call(h, 'GET', `/download?size=${MiB}`, undefined, { agent });
      assert.ok(fast.ms < 1000, `unlimited 1 MiB took ${fast.ms.toFixed(0)} ms`);
      // The same keep-alive connection, now limited.
      h.limits.out.setRate(256 * KiB);
      const slow = call(h, 'GET', `/download?size=${MiB}`, undefined, { agent });
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(h.limits.out.waiting > 0, 'the open connection waits for its turns');
      h.limits.out.setRate(0);
      const answer = await slow;
      assert.equal(answer.bytes, MiB);
      // Limited all the way it would take about 4 s.
      assert.ok(answer.ms < 2000, `took ${answer.ms.toFixed(0)} ms after the limit was lifted`);
    } finally {
      agent.destroy();
    }
  });
});
