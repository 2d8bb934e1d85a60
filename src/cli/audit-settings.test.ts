import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAuditWebhook } from './audit-settings.js';
import { ConfigError } from './server-config.js';

test('the audit webhook is off unless enabled', () => {
  assert.equal(parseAuditWebhook({}), undefined);
  assert.equal(
    parseAuditWebhook({ CAIRN_AUDIT_WEBHOOK_ENABLE: 'off', CAIRN_AUDIT_WEBHOOK_ENDPOINT: 'x' }),
    undefined,
  );
});

test("MinIO's variable names configure it, Cairn's win, and MinIO's defaults apply", () => {
  const c = parseAuditWebhook({
    MINIO_AUDIT_WEBHOOK_ENABLE: 'on',
    MINIO_AUDIT_WEBHOOK_ENDPOINT: 'http://minio-name.example/audit',
    CAIRN_AUDIT_WEBHOOK_ENDPOINT: 'https://logs.example/audit',
    MINIO_AUDIT_WEBHOOK_AUTH_TOKEN: 'Bearer t0k',
    MINIO_AUDIT_WEBHOOK_QUEUE_DIR: '/var/cairn/audit',
  });
  assert.deepEqual(c, {
    endpoint: 'https://logs.example/audit',
    authToken: 'Bearer t0k',
    queueDir: '/var/cairn/audit',
    queueSize: 100_000,
    batchSize: 1,
    retryIntervalMs: 3000,
    httpTimeoutMs: 5000,
  });
});

test('bad values are refused at start with the setting named', () => {
  const on = { CAIRN_AUDIT_WEBHOOK_ENABLE: 'on', CAIRN_AUDIT_WEBHOOK_ENDPOINT: 'http://h/a' };
  for (const [env, pattern] of [
    [{ CAIRN_AUDIT_WEBHOOK_ENABLE: 'on' }, /ENDPOINT/],
    [{ ...on, CAIRN_AUDIT_WEBHOOK_ENDPOINT: 'ftp://h/a' }, /http/],
    [{ ...on, CAIRN_AUDIT_WEBHOOK_QUEUE_SIZE: '0' }, /QUEUE_SIZE/],
    [{ ...on, CAIRN_AUDIT_WEBHOOK_BATCH_SIZE: 'ten' }, /BATCH_SIZE/],
    [{ ...on, CAIRN_AUDIT_WEBHOOK_RETRY_INTERVAL: '5m' }, /RETRY_INTERVAL/],
    [{ ...on, CAIRN_AUDIT_WEBHOOK_ENABLE: 'yes' }, /ENABLE/],
    [{ ...on, MINIO_AUDIT_WEBHOOK_CLIENT_CERT: '/c.pem' }, /not supported/],
  ] as const) {
    assert.throws(
      () => parseAuditWebhook(env),
      (err: unknown) => err instanceof ConfigError && pattern.test(err.message),
    );
  }
});
