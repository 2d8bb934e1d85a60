// Live trace (issue 12, item 3): `GET /minio/admin/v3/trace` streams one madmin TraceInfo JSON line
// per completed request that passes the caller's filter, and `cairn admin trace` prints them, both
// against a real server process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCairn, serverNode } from '../helpers/cairn-process.js';
import { rawRequest } from '../helpers/raw-http.js';
import { openTrace } from '../helpers/trace-stream.js';
import { useServer } from '../s3/fixture.js';

const CAIRN_BIN = join(resolve(import.meta.dirname, '../../..'), 'bin', 'cairn.js');

describe('live trace', () => {
  const server = useServer({ drives: 1, bucket: 'traced' });
  let configDir = '';

  before(async () => {
    const { cairn } = server;
    assert.equal((await rawRequest(cairn, { method: 'PUT', path: '/other' })).status, 200);
    configDir = await mkdtemp(join(tmpdir(), 'cairn-trace-cli-'));
    const set = await runCairn(
      ['admin', 'alias', 'set', 'local', cairn.endpoint, cairn.accessKey, cairn.secretKey],
      { env: { CAIRN_CONFIG_DIR: configDir } },
    );
    assert.equal(set.code, 0, set.stderr);
  });
  after(async () => {
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  test('a trace stream carries each request: API, path, method, status, duration, bytes, client, access key, request id', async () => {
    const { cairn } = server;
    const trace = await openTrace(cairn, { s3: 'true' });
    assert.equal(trace.status, 200);
    assert.match(String(trace.headers['content-type']), /text\/event-stream/);
    const put = await rawRequest(cairn, { method: 'PUT', path: '/traced/photo.jpg', body: 'x'.repeat(5000) });
    assert.equal(put.status, 200);
    const requestId = String(put.headers['x-amz-request-id']);
    const rec = await trace.waitFor((r) => r.custom.requestID === requestId);
    assert.equal(rec.type, 4);
    assert.equal(rec.funcname, 's3.PutObject');
    assert.equal(rec.path, '/traced/photo.jpg');
    assert.ok(typeof rec.dur === 'number' && rec.dur > 0, 'duration in nanoseconds');
    assert.equal(rec.http.request.method, 'PUT');
    assert.equal(rec.http.request.client, '127.0.0.1');
    assert.equal(rec.http.response.statuscode, 200);
    assert.ok(rec.http.stats.inputbytes > 5000, `rx ${rec.http.stats.inputbytes}`);
    assert.ok(rec.http.stats.outputbytes > 0);
    assert.deepEqual(
      [rec.custom.api, rec.custom.bucket, rec.custom.object, rec.custom.accessKey],
      ['PutObject', 'traced', 'photo.jpg', cairn.accessKey],
    );
    // An anonymous refusal: no access key, the error code named.
    const anon = await rawRequest(cairn, { method: 'GET', path: '/traced/photo.jpg', sign: false });
    const denied = await trace.waitFor((r) => r.custom.requestID === anon.headers['x-amz-request-id']);
    assert.equal(denied.http.response.statuscode, 403);
    assert.equal(denied.error, 'AccessDenied');
    assert.equal(denied.custom.accessKey, undefined);
    trace.close();
  });

  test('filters: api and bucket select requests, err=true keeps only errors, threshold drops fast ones', async () => {
    const { cairn } = server;
    const byApi = await openTrace(cairn, { s3: 'true', api: 'PutObject', bucket: 'traced' });
    const errors = await openTrace(cairn, { s3: 'true', err: 'true' });
    const slowOnly = await openTrace(cairn, { s3: 'true', threshold: '1h' });
    await rawRequest(cairn, { method: 'PUT', path: '/other/a', body: 'a' }); // other bucket
    await rawRequest(cairn, { method: 'GET', path: '/traced/photo.jpg' }); // other API, 200
    await rawRequest(cairn, { method: 'GET', path: '/traced/missing' }); // 404
    const last = await rawRequest(cairn, { method: 'PUT', path: '/traced/b', body: 'b' });
    const lastId = last.headers['x-amz-request-id'];

    await byApi.waitFor((r) => r.custom.requestID === lastId);
    await errors.waitFor((r) => r.custom.object === 'missing');
    // The streams are ordered: the last request reached every subscriber by now.
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(
      byApi.records.map((r) => `${r.funcname} ${r.path}`),
      ['s3.PutObject /traced/b'],
    );
    assert.ok(errors.records.length >= 1);
    for (const r of errors.records) assert.ok(r.http.response.statuscode >= 400, JSON.stringify(r));
    assert.deepEqual(slowOnly.records, []);
    for (const t of [byApi, errors, slowOnly]) t.close();
  });

  test('a bad threshold is refused with InvalidRequest, and trace needs admin:ServerTrace', async () => {
    const { cairn } = server;
    const bad = await rawRequest(cairn, {
      method: 'GET',
      path: '/minio/admin/v3/trace',
      query: { threshold: 'soon' },
    });
    assert.equal(bad.status, 400, bad.body);
    assert.equal(JSON.parse(bad.body).Code, 'InvalidRequest');
    const anon = await rawRequest(cairn, { method: 'GET', path: '/minio/admin/v3/trace', sign: false });
    assert.equal(anon.status, 403);
  });

  test('`cairn admin trace ALIAS --bucket` prints one line per request until Ctrl-C, then exits 0', async () => {
    const { cairn } = server;
    const proc = spawn(serverNode(), [CAIRN_BIN, 'admin', 'trace', 'local', '--bucket', 'traced'], {
      env: { ...process.env, CAIRN_CONFIG_DIR: configDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    const deadline = Date.now() + 15_000;
    // Until the command is subscribed, requests are not traced: repeat until one shows up.
    while (!out.includes('/traced/cli-object') && Date.now() < deadline) {
      await rawRequest(cairn, { method: 'PUT', path: '/traced/cli-object', body: 'hello' });
      await new Promise((r) => setTimeout(r, 200));
    }
    await rawRequest(cairn, { method: 'PUT', path: '/other/not-shown', body: 'x' });
    await rawRequest(cairn, { method: 'GET', path: '/traced/cli-missing' });
    while (!out.includes('cli-missing') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    proc.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 0, `exit ${code}\n${out}\n${err}`);
    const line = out.split('\n').find((l) => l.includes('/traced/cli-object'));
    assert.ok(line, out);
    assert.match(
      line,
      /\bPUT\s+\/traced\/cli-object\s+200\s+\S+s\s+↑\S+ B ↓\S+ B\s+127\.0\.0\.1\s+PutObject\s+cairntestadmin/,
    );
    assert.match(out, /GET\s+\/traced\/cli-missing\s+404 NoSuchKey/);
    assert.ok(!out.includes('not-shown'), out);
  });
});
