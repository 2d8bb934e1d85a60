/**
 * The audit webhook's settings: rows of the server's settings table, by MinIO's environment names
 * (`MINIO_AUDIT_WEBHOOK_*`, internal/logger/config.go) with Cairn's `CAIRN_AUDIT_WEBHOOK_*` first,
 * so they come from the environment, the config file or (the key `audit_webhook_endpoint`) a
 * JSON file alike. Only the default target (no `_<ID>` suffix) is read; client certificates
 * (mTLS) are not supported and are refused when set.
 */
import type { AuditWebhookConfig } from '../api/audit/audit-log.js';
import { parseGoDuration } from '../util/go-duration.js';
import { integerType, type SettingType } from '../util/setting-types.js';
import { defineSetting, type ResolvedSettings, type SettingSpec } from '../util/settings.js';
import { ConfigError } from './server-config-error.js';

/** Environment names of `key` (ENDPOINT, QUEUE_DIR, …): Cairn's, then MinIO's. */
function envNames(key: string): string[] {
  return [`CAIRN_AUDIT_WEBHOOK_${key}`, `MINIO_AUDIT_WEBHOOK_${key}`];
}

/** on/true or off/false, as MinIO reads `enable`. */
const enableType: SettingType<boolean> = {
  label: 'on|off',
  parse(text) {
    const t = text.trim().toLowerCase();
    if (t === 'on' || t === 'true') return true;
    if (t === 'off' || t === 'false') return false;
    throw new Error('expected on or off');
  },
  format: (v) => (v ? 'on' : 'off'),
};

/** An http:// or https:// URL, or '' for none. */
const urlType: SettingType<string | undefined> = {
  label: 'URL',
  parse(text) {
    const t = text.trim();
    if (t === '') return undefined;
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      throw new Error('not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error('expected an http:// or https:// URL');
    return url.href;
  },
  format: (v) => v ?? '',
};

/** Text, trimmed; '' for none. */
function optionalText(label: string): SettingType<string | undefined> {
  return { label, parse: (text) => text.trim() || undefined, format: (v) => v ?? '' };
}

/** A Go duration (3s, 500ms, 1m30s) from `minMs` to `maxMs`. */
function durationType(minMs: number, maxMs: number): SettingType<number> {
  return {
    label: 'DURATION',
    parse(text) {
      const ms = parseGoDuration(text);
      if (ms === undefined || ms < minMs || ms > maxMs)
        throw new Error(`expected a duration (such as 3s) from ${minMs / 1000}s to ${maxMs / 1000}s`);
      return ms;
    },
    format: (v) => `${v}ms`,
  };
}

/** A setting Cairn does not support yet: empty, or the server refuses to start. */
const unsupportedType: SettingType<undefined> = {
  label: 'FILE',
  parse(text) {
    if (text.trim() !== '') throw new Error('client certificates are not supported yet');
    return undefined;
  },
  format: () => '',
};

export const AUDIT_WEBHOOK_ENABLE = defineSetting({
  name: 'audit_webhook_enable',
  env: envNames('ENABLE'),
  type: enableType,
  default: 'off',
  dynamic: false,
  description:
    'send a MinIO-shaped audit entry for every S3 request and admin action to audit_webhook_endpoint',
});

export const AUDIT_WEBHOOK_ENDPOINT = defineSetting({
  name: 'audit_webhook_endpoint',
  env: envNames('ENDPOINT'),
  type: urlType,
  default: '',
  dynamic: false,
  description: "the audit webhook's URL (http:// or https://)",
});

export const AUDIT_WEBHOOK_AUTH_TOKEN = defineSetting({
  name: 'audit_webhook_auth_token',
  env: envNames('AUTH_TOKEN'),
  type: optionalText('TOKEN'),
  default: '',
  dynamic: false,
  secret: true,
  description: 'the Authorization header sent with each entry, exactly as given (Bearer …)',
});

export const AUDIT_WEBHOOK_QUEUE_DIR = defineSetting({
  name: 'audit_webhook_queue_dir',
  env: envNames('QUEUE_DIR'),
  type: optionalText('DIR'),
  default: '',
  dynamic: false,
  description:
    'undelivered entries are kept on disk here until the webhook answers 2xx (surviving restarts); empty: in memory',
});

export const AUDIT_WEBHOOK_QUEUE_SIZE = defineSetting({
  name: 'audit_webhook_queue_size',
  env: envNames('QUEUE_SIZE'),
  type: integerType(1),
  default: '100000',
  dynamic: false,
  description: 'at most this many undelivered entries; newer ones are dropped and counted',
});

export const AUDIT_WEBHOOK_BATCH_SIZE = defineSetting({
  name: 'audit_webhook_batch_size',
  env: envNames('BATCH_SIZE'),
  type: integerType(1),
  default: '1',
  dynamic: false,
  description: 'entries per POST (more than one: JSON lines)',
});

export const AUDIT_WEBHOOK_RETRY_INTERVAL = defineSetting({
  name: 'audit_webhook_retry_interval',
  env: envNames('RETRY_INTERVAL'),
  type: durationType(10, 60_000),
  default: '3s',
  dynamic: false,
  description: 'the longest wait between retries of an undelivered batch',
});

export const AUDIT_WEBHOOK_HTTP_TIMEOUT = defineSetting({
  name: 'audit_webhook_http_timeout',
  env: envNames('HTTP_TIMEOUT'),
  type: durationType(1000, 3_600_000),
  default: '5s',
  dynamic: false,
  description: "one POST's deadline",
});

export const AUDIT_WEBHOOK_CLIENT_CERT = defineSetting({
  name: 'audit_webhook_client_cert',
  env: envNames('CLIENT_CERT'),
  type: unsupportedType,
  default: '',
  dynamic: false,
  description: 'not supported yet (client certificates): a server given one refuses to start',
});

export const AUDIT_WEBHOOK_CLIENT_KEY = defineSetting({
  name: 'audit_webhook_client_key',
  env: envNames('CLIENT_KEY'),
  type: unsupportedType,
  default: '',
  dynamic: false,
  description: 'not supported yet (client certificates): a server given one refuses to start',
});

/** The audit rows, in help order. */
export const AUDIT_WEBHOOK_SETTINGS: readonly SettingSpec[] = [
  AUDIT_WEBHOOK_ENABLE,
  AUDIT_WEBHOOK_ENDPOINT,
  AUDIT_WEBHOOK_AUTH_TOKEN,
  AUDIT_WEBHOOK_QUEUE_DIR,
  AUDIT_WEBHOOK_QUEUE_SIZE,
  AUDIT_WEBHOOK_BATCH_SIZE,
  AUDIT_WEBHOOK_RETRY_INTERVAL,
  AUDIT_WEBHOOK_HTTP_TIMEOUT,
  AUDIT_WEBHOOK_CLIENT_CERT,
  AUDIT_WEBHOOK_CLIENT_KEY,
];

/** The audit webhook's configuration, or undefined when it is not enabled. */
export function auditWebhookConfig(settings: ResolvedSettings): AuditWebhookConfig | undefined {
  const enable = settings.resolved(AUDIT_WEBHOOK_ENABLE);
  if (!enable.value) return undefined;
  const endpoint = settings.get(AUDIT_WEBHOOK_ENDPOINT);
  if (endpoint === undefined)
    throw new ConfigError(
      `audit_webhook_enable is on (${enable.origin}) but audit_webhook_endpoint (CAIRN_AUDIT_WEBHOOK_ENDPOINT) is not set: the webhook URL`,
    );
  const config: AuditWebhookConfig = {
    endpoint,
    queueSize: settings.get(AUDIT_WEBHOOK_QUEUE_SIZE),
    batchSize: settings.get(AUDIT_WEBHOOK_BATCH_SIZE),
    retryIntervalMs: settings.get(AUDIT_WEBHOOK_RETRY_INTERVAL),
    httpTimeoutMs: settings.get(AUDIT_WEBHOOK_HTTP_TIMEOUT),
  };
  const token = settings.get(AUDIT_WEBHOOK_AUTH_TOKEN);
  if (token !== undefined) config.authToken = token;
  const dir = settings.get(AUDIT_WEBHOOK_QUEUE_DIR);
  if (dir !== undefined) config.queueDir = dir;
  return config;
}
