/**
 * One traced request as MinIO's madmin `TraceInfo` (what `mc admin trace --json` prints and
 * madmin's decoder reads): type S3, `funcname` `s3.<API>` (`admin.<API>` on the admin API), the
 * start time, path, duration in nanoseconds, and an `http` block with the method, client, status
 * and bytes. Cairn adds the request id, access key, API, bucket and object under `custom`. The query
 * string is never included: presigned URLs carry credentials there.
 */
import type { RequestCompletion } from '../server.js';

/** madmin.TraceS3 (1 << 2). */
export const TRACE_TYPE_S3 = 4;

const ADMIN_PATH = '/minio/admin/';

export interface TraceRecord {
  type: number;
  nodename: string;
  funcname: string;
  time: string;
  path: string;
  /** Nanoseconds, as Go encodes a time.Duration. */
  dur: number;
  error?: string;
  custom: Record<string, string>;
  http: {
    request: { time: string; method: string; path: string; client: string };
    response: { time: string; statuscode: number };
    stats: { inputbytes: number; outputbytes: number; timetofirstbyte: number };
  };
}

export function traceRecord(c: RequestCompletion, nodeName: string): TraceRecord {
  const start = c.time.toISOString();
  const end = new Date(c.time.getTime() + c.durationMs).toISOString();
  const api = c.api || 'Unknown';
  const custom: Record<string, string> = { requestID: c.requestId, api };
  if (c.principal !== undefined) custom.accessKey = c.principal;
  if (c.bucket !== undefined) custom.bucket = c.bucket;
  if (c.object !== undefined) custom.object = c.object;
  if (c.canceled) custom.canceled = 'true';
  const record: TraceRecord = {
    type: TRACE_TYPE_S3,
    nodename: nodeName,
    funcname: `${c.path.startsWith(ADMIN_PATH) ? 'admin' : 's3'}.${api}`,
    time: start,
    path: c.path,
    dur: Math.round(c.durationMs * 1e6),
    custom,
    http: {
      request: { time: start, method: c.method, path: c.path, client: c.remoteAddress ?? '' },
      response: { time: end, statuscode: c.status },
      stats: { inputbytes: c.bytesIn, outputbytes: c.bytesOut, timetofirstbyte: 0 },
    },
  };
  if (c.errorCode !== undefined) record.error = c.errorCode;
  return record;
}
