/**
 * The audit webhook's settings, by MinIO's environment names (`MINIO_AUDIT_WEBHOOK_*`, internal/
 * logger/config.go) with Cairn's `CAIRN_AUDIT_WEBHOOK_*` first. Only the default target (no
 * `_<ID>` suffix) is read; client certificates (mTLS) are not supported and are refused when set.
 */
import type { AuditWebhookConfig } from '../api/audit/audit-log.js';
import { parseGoDuration } from '../util/go-duration.js';
import { ConfigError } from './server-config.js';

function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[`CAIRN_AUDIT_WEBHOOK_${name}`] ?? env[`MINIO_AUDIT_WEBHOOK_${name}`];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = setting(env, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`CAIRN_AUDIT_WEBHOOK_${name}=${text}: expected a positive whole number`);
  return n;
}

function duration(
  env: NodeJS.ProcessEnv,
  name: string,
  fallbackMs: number,
  min: number,
  max: number,
): number {
  const text = setting(env, name);
  if (text === undefined) return fallbackMs;
  const ms = parseGoDuration(text);
  if (ms === undefined || ms < min || ms > max)
    throw new ConfigError(
      `CAIRN_AUDIT_WEBHOOK_${name}=${text}: expected a duration (such as 3s) from ${min / 1000}s to ${max / 1000}s`,
    );
  return ms;
}

/** The audit webhook's configuration, or undefined when it is not enabled. */
export function parseAuditWebhook(env: NodeJS.ProcessEnv): AuditWebhookConfig | undefined {
  const enable = setting(env, 'ENABLE')?.toLowerCase();
  if (enable === undefined || enable === 'off' || enable === 'false') return undefined;
  if (enable !== 'on' && enable !== 'true')
    throw new ConfigError(`CAIRN_AUDIT_WEBHOOK_ENABLE=${enable}: expected on or off`);
  const endpoint = setting(env, 'ENDPOINT');
  if (endpoint === undefined)
    throw new ConfigError(
      'CAIRN_AUDIT_WEBHOOK_ENABLE=on needs CAIRN_AUDIT_WEBHOOK_ENDPOINT (the webhook URL)',
    );
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(`CAIRN_AUDIT_WEBHOOK_ENDPOINT=${endpoint}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`CAIRN_AUDIT_WEBHOOK_ENDPOINT=${endpoint}: expected an http:// or https:// URL`);
  if (setting(env, 'CLIENT_CERT') !== undefined || setting(env, 'CLIENT_KEY') !== undefined)
    throw new ConfigError(
      'CAIRN_AUDIT_WEBHOOK_CLIENT_CERT/CLIENT_KEY: client certificates are not supported yet',
    );
  const config: AuditWebhookConfig = {
    endpoint: url.href,
    queueSize: positiveInt(env, 'QUEUE_SIZE', 100_000),
    batchSize: positiveInt(env, 'BATCH_SIZE', 1),
    retryIntervalMs: duration(env, 'RETRY_INTERVAL', 3000, 10, 60_000),
    httpTimeoutMs: duration(env, 'HTTP_TIMEOUT', 5000, 1000, 3_600_000),
  };
  const token = setting(env, 'AUTH_TOKEN');
  if (token !== undefined) config.authToken = token;
  const dir = setting(env, 'QUEUE_DIR');
  if (dir !== undefined) config.queueDir = dir;
  return config;
}
