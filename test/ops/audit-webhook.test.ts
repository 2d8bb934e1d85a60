// The audit log (issue 12, item 3): every S3 request and admin action reaches a real webhook
// receiver process as a MinIO-shaped audit entry, and a receiver that is down — even across a
// restart of the server — loses nothing: the queue on disk delivers everything, in order, when it
// is back.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CairnProcess, freePort, startCairn } from '../helpers/cairn-process.js';
import { addUser, adminCall } from '../helpers/iam-fixtures.js';
import { rawRequest } from '../helpers/raw-http.js';
import { type WebhookReceiver, webhookReceiver } from '../helpers/webhook-process.js';

const TOKEN = 'Bearer audit-token-5f2a';

// biome-ignore lint/suspicious/noExplicitAny: audit entries are free-form JSON read field by field in assertions
type Entry = Record<string, any>;

describe('audit webhook', () => {
  let dir = '';
  let queueDir = '';
  let receiver: WebhookReceiver;
  let cairn: CairnProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-audit-'));
    queueDir = join(dir, 'queue');
    const port = await freePort();
    receiver = webhookReceiver(port, join(dir, 'received.jsonl'), TOKEN);
    await receiver.start();
    cairn = await startCairn({
      drives: 1,
      env: {
        CAIRN_AUDIT_WEBHOOK_ENABLE: 'on',
        CAIRN_AUDIT_WEBHOOK_ENDPOINT: `http://127.0.0.1:${port}/audit`,
        MINIO_AUDIT_WEBHOOK_AUTH_TOKEN: TOKEN, // MinIO's name is read too
        CAIRN_AUDIT_WEBHOOK_QUEUE_DIR: queueDir,
        CAIRN_AUDIT_WEBHOOK_RETRY_INTERVAL: '200ms',
      },
    });
    assert.equal((await rawRequest(cairn, { method: 'PUT', path: '/audited' })).status, 200);
  });
  after(async () => {
    await cairn?.stop();
    await receiver?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const byId = (entries: Entry[], id: unknown) => entries.find((e) => e.requestID === id);

  test('each S3 request and admin action arrives with who, what, result, when, where and its request id', async () => {
    const put = await rawRequest(cairn, {
      method: 'PUT',
      path: '/audited/report.pdf',
      body: 'pdf bytes',
      headers: { 'user-agent': 'audit-test/1.0' },
    });
    const anon = await rawRequest(cairn, { method: 'GET', path: '/audited/report.pdf', sign: false });
    const alice = await addUser(cairn, 'audit-alice', 'alice-secret-1234');
    const denied = await rawRequest(alice, { method: 'DELETE', path: '/audited/report.pdf' });
    const admin = await adminCall(cairn, 'GET', 'list-users');
    const ids = [put, anon, denied, admin].map((r) => r.headers['x-amz-request-id']);
    const entries = (await receiver.waitFor((es) => ids.every((id) => byId(es, id)))) as Entry[];

    const p = byId(entries, ids[0]) as Entry;
    assert.equal(p.version, '1');
    assert.equal(p.trigger, 'incoming');
    assert.match(p.deploymentid, /^[0-9a-f-]{36}$/);
    assert.ok(Math.abs(Date.parse(p.time) - Date.now()) < 60_000);
    assert.deepEqual(
      [p.api.name, p.api.bucket, p.api.object, p.api.statusCode, p.api.status],
      ['PutObject', 'audited', 'report.pdf', 200, 'OK'],
    );
    assert.ok(p.api.rx > 9 && p.api.tx > 0);
    assert.match(p.api.timeToResponse, /^\d+ns$/);
    assert.deepEqual(
      [p.accessKey, p.tags.principalKind, p.remotehost, p.userAgent, p.requestPath, p.requestMethod],
      [cairn.accessKey, 'root', '127.0.0.1', 'audit-test/1.0', '/audited/report.pdf', 'PUT'],
    );
    assert.equal(p._headers['content-type'], 'application/json');

    const a = byId(entries, ids[1]) as Entry;
    assert.deepEqual(
      [a.api.statusCode, a.error, a.accessKey, a.tags.principalKind],
      [403, 'AccessDenied', undefined, 'anonymous'],
    );
    const d = byId(entries, ids[2]) as Entry;
    assert.deepEqual(
      [d.api.name, d.api.statusCode, d.error, d.accessKey, d.tags.principalKind],
      ['DeleteObject', 403, 'AccessDenied', 'audit-alice', 'user'],
    );
    const m = byId(entries, ids[3]) as Entry;
    assert.deepEqual(
      [m.type, m.api.name, m.api.statusCode, m.accessKey],
      ['Admin', 'ListUsers', 200, cairn.accessKey],
    );
  });

  test('a receiver that is down gets every entry, in order, when it is back', async () => {
    await receiver.stop();
    const ids: unknown[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await rawRequest(cairn, { method: 'PUT', path: `/audited/while-down-${i}`, body: `${i}` });
      assert.equal(res.status, 200);
      ids.push(res.headers['x-amz-request-id']);
    }
    // Held on disk meanwhile.
    const held = await waitForFiles(queueDir);
    assert.ok(held.length > 0, 'the queue directory holds the undelivered entries');
    await receiver.start();
    const entries = (await receiver.waitFor((es) => ids.every((id) => byId(es, id)))) as Entry[];
    const order = entries.filter((e) => ids.includes(e.requestID)).map((e) => e.api.object);
    assert.deepEqual(
      order,
      ids.map((_, i) => `while-down-${i}`),
    );
    // Delivered segments are removed.
    await waitUntil(async () => (await readdir(queueDir)).filter((n) => n.endsWith('.jsonl')).length === 0);
  });

  test('entries queued while the receiver is down survive a restart of the server and arrive after it', async () => {
    await receiver.stop();
    const ids: unknown[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await rawRequest(cairn, { method: 'PUT', path: `/audited/across-restart-${i}`, body: 'x' });
      ids.push(res.headers['x-amz-request-id']);
    }
    await cairn.stop({ keepDrives: true });
    assert.ok(
      (await readdir(queueDir)).some((n) => n.endsWith('.jsonl')),
      'entries are on disk after the stop',
    );
    await cairn.restart();
    await receiver.start();
    const entries = (await receiver.waitFor((es) => ids.every((id) => byId(es, id)))) as Entry[];
    assert.deepEqual(
      entries.filter((e) => ids.includes(e.requestID)).map((e) => e.api.object),
      ids.map((_, i) => `across-restart-${i}`),
    );
  });
});

async function waitUntil(cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitForFiles(dir: string): Promise<string[]> {
  let files: string[] = [];
  await waitUntil(async () => {
    files = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
    return files.length > 0;
  });
  return files;
}
