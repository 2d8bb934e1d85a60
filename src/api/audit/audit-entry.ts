/**
 * One audit entry per request, in MinIO's shape (madmin-go `logger/audit.Entry`, version "1"), so
 * receivers built for MinIO's audit webhook read it: who (`accessKey`, `parentUser`, and Cairn's
 * principal kind in `tags`), what (`api.name`, `api.bucket`, `api.object`, `requestPath`), the
 * result (`api.statusCode`, `api.status`, `error`), when (`time`, `api.timeToResponse`), and from
 * where (`remotehost`, `userAgent`). Unlike MinIO it never copies request headers or the query
 * string: they carry signatures, session tokens and presigned credentials.
 */
import { STATUS_CODES } from 'node:http';
import type { RequestCompletion } from '../server.js';

export interface AuditEntry {
  version: '1';
  deploymentid: string;
  time: string;
  event: string;
  type: 'S3' | 'Admin' | 'STS';
  trigger: 'incoming';
  api: {
    name: string;
    bucket?: string;
    object?: string;
    status: string;
    statusCode: number;
    rx: number;
    tx: number;
    timeToResponse: string;
    timeToResponseInNS: string;
  };
  remotehost?: string;
  requestID: string;
  userAgent?: string;
  requestPath: string;
  requestMethod: string;
  accessKey?: string;
  parentUser?: string;
  tags?: Record<string, string>;
  error?: string;
}

const ADMIN_PATH = '/minio/admin/';

export function auditEntry(c: RequestCompletion, deploymentId: string): AuditEntry {
  const ns = String(Math.round(c.durationMs * 1e6));
  const type = c.path.startsWith(ADMIN_PATH) ? 'Admin' : c.api === 'AssumeRole' ? 'STS' : 'S3';
  const entry: AuditEntry = {
    version: '1',
    deploymentid: deploymentId,
    time: c.time.toISOString(),
    event: 'incoming',
    type,
    trigger: 'incoming',
    api: {
      name: c.api || 'Unknown',
      status: STATUS_CODES[c.status] ?? String(c.status),
      statusCode: c.status,
      rx: c.bytesIn,
      tx: c.bytesOut,
      timeToResponse: `${ns}ns`,
      timeToResponseInNS: ns,
    },
    requestID: c.requestId,
    requestPath: c.path,
    requestMethod: c.method,
  };
  if (c.bucket !== undefined) entry.api.bucket = c.bucket;
  if (c.object !== undefined) entry.api.object = c.object;
  if (c.remoteAddress !== undefined) entry.remotehost = c.remoteAddress;
  if (c.userAgent !== undefined) entry.userAgent = c.userAgent;
  if (c.principal !== undefined) entry.accessKey = c.principal;
  if (c.parentUser !== undefined) entry.parentUser = c.parentUser;
  const tags: Record<string, string> = {};
  tags.principalKind = c.principalKind ?? (c.principal === undefined ? 'anonymous' : 'unknown');
  if (c.canceled) tags.canceled = 'true';
  entry.tags = tags;
  if (c.errorCode !== undefined) entry.error = c.errorCode;
  return entry;
}
