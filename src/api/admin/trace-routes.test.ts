import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../../util/logger.js';
import { ApiServer } from '../server.js';
import { TraceHub } from '../trace/trace-hub.js';
import { parseTraceFilter, streamTrace, TRACE_MAX_BUFFERED } from './trace-routes.js';

describe('trace stream', () => {
  const server = new ApiServer({
    log: silentLogger,
    mounts: [
      {
        prefix: '/',
        handle: ({ res, facts }) => {
          facts.api = 'Ping';
          res.writeHead(200, { 'content-length': '0' }).end();
        },
      },
    ],
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  let port = 0;
  before(async () => {
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  after(async () => {
    agent.destroy();
    await server.close(100);
  });

  const ping = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/ping', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });

  test('a reader that stops reading holds at most about 1 MiB; what it missed is dropped and counted', async () => {
    const hub = new TraceHub(server, () => 'node');
    let release: (() => void) | undefined;
    let out = '';
    const stalled = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        if (release === null) done();
        else release = done; // hold every write until released
      },
    });
    streamTrace(hub, parseTraceFilter(new URLSearchParams('s3=true')), stalled, 'node');
    const total = 4000;
    let peak = 0;
    for (let i = 0; i < total; i += 16) {
      await Promise.all(Array.from({ length: 16 }, ping));
      peak = Math.max(peak, stalled.writableLength);
    }
    assert.ok(peak <= TRACE_MAX_BUFFERED + 4096, `held ${peak} bytes`);
    // Resume reading: the writes held drain, then the next request reports the drops.
    const held = release;
    release = null as never;
    held?.();
    await new Promise((r) => setImmediate(r));
    await ping();
    await new Promise((r) => setTimeout(r, 50));
    const lines = out
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { funcname: string; custom?: Record<string, string> });
    const notice = lines.find((l) => l.funcname === 'trace.dropped');
    assert.ok(notice, 'a dropped-lines notice was sent');
    const dropped = Number(notice.custom?.dropped);
    const traced = lines.filter((l) => l.funcname === 's3.Ping').length;
    assert.ok(dropped > 0);
    assert.equal(traced + dropped, total + 1, `${traced} traced + ${dropped} dropped`);
    hub.close();
    assert.equal(hub.size, 0, 'closing the hub ends its subscribers');
  });

  test('threshold takes Go durations; anything else is InvalidRequest', () => {
    assert.equal(parseTraceFilter(new URLSearchParams('threshold=1.5s')).thresholdMs, 1500);
    assert.throws(() => parseTraceFilter(new URLSearchParams('threshold=fast')), /threshold fast/);
    assert.equal(parseTraceFilter(new URLSearchParams('')).s3, true, 'a bare request traces S3');
    assert.equal(parseTraceFilter(new URLSearchParams('s3=false&internal=true')).s3, false);
  });
});
