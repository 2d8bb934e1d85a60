/**
 * How the S3 front answers a failure: an S3 XML error (bodiless for HEAD) that keeps the common
 * headers and drops those the operation had set, the body left unread drained or the connection
 * closed, and a response already under way cut instead of ended cleanly.
 */
import type { ApiRequest } from '../server.js';
import type { DecodedBody } from './context.js';
import { S3Error } from './errors.js';
import { type ErrorContext, toS3Error } from './object-error-map.js';
import { writeError } from './response.js';

/** Headers set before an operation runs; an error response keeps them and drops everything else. */
const COMMON_HEADERS = new Set(['x-amz-request-id', 'x-amz-id-2', 'server']);

/** Bodies larger than this that an error left unread are not drained: the connection is closed. */
const MAX_DRAIN_BYTES = 1024 * 1024;

export interface FailedRequest {
  method: string;
  /** The resource named in the error body. */
  resource: string;
  errorContext: ErrorContext;
  /** The decoded body, when the operation opened it. */
  body: DecodedBody | undefined;
}

export function answerS3Error(r: ApiRequest, failed: FailedRequest, err: unknown): void {
  const { req, res } = r;
  if (res.destroyed || req.socket?.destroyed) return; // the client went away: nobody to answer
  let s3 = toS3Error(err, failed.errorContext);
  if (s3 === undefined) {
    r.log.error('request failed', { method: failed.method, resource: failed.resource, err });
    s3 = new S3Error('InternalError');
  }
  r.facts.errorCode = s3.code;
  if (res.headersSent) {
    // Mid-body failure: the status is gone, so cut the connection rather than end it cleanly.
    r.log.warn('request failed after headers were sent', {
      method: failed.method,
      resource: failed.resource,
      code: s3.code,
      error: s3.message,
    });
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) {
    if (!COMMON_HEADERS.has(name)) res.removeHeader(name);
  }
  const extra: Record<string, string> = {};
  if (s3.code === 'InvalidRange' && s3.details.ActualObjectSize !== undefined) {
    extra['Content-Range'] = `bytes */${s3.details.ActualObjectSize}`;
  }
  if (s3.details.Region !== undefined) extra['x-amz-bucket-region'] = s3.details.Region;
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const length = chunked ? Number.NaN : Number(req.headers['content-length'] ?? 0);
  if ((chunked || length > 0) && !req.readableEnded) {
    // The body was not (fully) read. Small remainders are drained to keep the connection;
    // large or unknown ones close it after the answer instead of reading gigabytes for nothing.
    const { body } = failed;
    if (body !== undefined || !(length <= MAX_DRAIN_BYTES)) extra.Connection = 'close';
    if (body !== undefined) {
      req.unpipe();
      body.destroy();
    }
    req.resume();
  }
  writeError(res, failed.method, s3, failed.resource, r.id, extra);
}
