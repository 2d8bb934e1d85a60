import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SettingError } from '../util/settings.js';
import { ConfigError, parseServerConfig } from './server-config.js';

/** The audit webhook `cairn server` would start with this environment (read through the settings table). */
const parseAuditWebhook = (env: NodeJS.ProcessEnv) => parseServerConfig(['/d'], env).audit;

test('the audit webhook is off unless enabled', () => {
  assert.equal(parseAuditWebhook({}), undefined);
  assert.equal(
    parseAuditWebhook({ CAIRN_AUDIT_WEBHOOK_ENABLE: 'off', CAIRN_AUDIT_WEBHOOK_ENDPOINT: 'http://h/a' }),
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
    [{ ...on, CAIRN_AUDIT_WEBHOOK_HTTP_TIMEOUT: '10ms' }, /HTTP_TIMEOUT/],
  ] as const) {
    assert.throws(
      () => parseAuditWebhook(env),
      (err: unknown) =>
        (err instanceof ConfigError || err instanceof SettingError) && pattern.test(err.message),
    );
  }
});

test('a config file sets the webhook by its keys (JSON) or its environment names (env file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-audit-'));
  try {
    const json = join(dir, 'cairn.json');
    await writeFile(
      json,
      JSON.stringify({
        audit_webhook_enable: true,
        audit_webhook_endpoint: 'http://h/a',
        audit_webhook_batch_size: 5,
      }),
    );
    assert.deepEqual(parseAuditWebhook({ CAIRN_CONFIG_FILE: json }), {
      endpoint: 'http://h/a',
      queueSize: 100_000,
      batchSize: 5,
      retryIntervalMs: 3000,
      httpTimeoutMs: 5000,
    });
    const envFile = join(dir, 'minio.env');
    await writeFile(envFile, 'MINIO_AUDIT_WEBHOOK_ENABLE=on\nMINIO_AUDIT_WEBHOOK_ENDPOINT="http://h/b"\n');
    assert.equal(parseAuditWebhook({ CAIRN_CONFIG_FILE: envFile })?.endpoint, 'http://h/b');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
