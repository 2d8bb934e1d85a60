import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { ObjectLayer } from '../../object/object-layer.js';
import { bucketFromHost, parseTarget } from './addressing.js';
import { openRequestBody } from './auth/request-body.js';
import { type AuthResult, authenticate, type SignedAuth } from './auth/sigv4.js';
import type { DecodedBody, Owner, S3Context } from './context.js';
import { S3Error } from './errors.js';
import { type ErrorContext, toS3Error } from './object-error-map.js';
import { newRequestId, setCommonHeaders, writeError } from './response.js';
import { type Route, route } from './router.js';

export interface S3HandlerOptions {
  objects: ObjectLayer;
  credentials: { accessKey: string; secretKey: string };
  /** Domains for virtual-host-style addressing: Host `<bucket>.<domain>` names a bucket. */
  domains: string[];
  region: string;
  /**
   * Refuse requests signed for another region (AWS behaviour). Off when the operator named no
   * region: then, as with MinIO, any region a client signs with is accepted.
   */
  enforceRegion?: boolean;
  log?: (msg: string) => void;
}

/** Operations S3 answers whatever region the request was signed for (clients use them to find it). */
const ANY_REGION = new Set(['ListBuckets', 'GetBucketLocation']);

/** Headers set before an operation runs; an error response keeps them and drops everything else. */
const COMMON_HEADERS = new Set(['x-amz-request-id', 'x-amz-id-2', 'server']);

/** Bodies larger than this that an error left unread are not drained: the connection is closed. */
const MAX_DRAIN_BYTES = 1024 * 1024;

function checkRegion(auth: SignedAuth, op: Route, region: string): void {
  if (auth.signatureVersion === 2) return; // V2 signs no region
  if (auth.region === region || ANY_REGION.has(op.name)) return;
  const problem = `the region '${auth.region}' is wrong; expecting '${region}'`;
  throw auth.presigned
    ? new S3Error(
        'AuthorizationQueryParametersError',
        `Error parsing the X-Amz-Credential parameter; ${problem}`,
        {
          Region: region,
        },
      )
    : new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${problem}`, {
        Region: region,
      });
}

/**
 * Sends `100 Continue` when the operation first reads the body, so that everything it checks before
 * (headers, whether the bucket or upload exists) is answered before the client uploads anything.
 * A Readable calls _read only when a consumer asks for data.
 */
function continueOnFirstRead(body: Readable, res: ServerResponse): void {
  const read = body._read;
  body._read = function (this: Readable, size: number) {
    body._read = read;
    if (!res.headersSent) res.writeContinue();
    read.call(this, size);
  };
}

/**
 * The S3 front: addressing, authentication, routing, then one operation module. Every response
 * carries a request id; every failure is an S3 XML error (bodiless for HEAD); unexpected failures
 * are logged with the request id and answered InternalError. It never throws. With
 * `continuePending` (Expect: 100-continue, nothing sent yet) the `100 Continue` waits until the
 * request is authenticated and routed and its operation starts reading the body.
 */
export function createS3Handler(
  opts: S3HandlerOptions,
): (req: IncomingMessage, res: ServerResponse, continuePending?: boolean) => void {
  const log = opts.log ?? (() => {});
  const owner: Owner = {
    id: createHash('sha256').update(`cairn-owner:${opts.credentials.accessKey}`).digest('hex'),
    displayName: opts.credentials.accessKey,
  };
  const lookupSecret = (accessKey: string) =>
    accessKey === opts.credentials.accessKey ? opts.credentials.secretKey : undefined;

  return (req, res, continuePending = false) => {
    const requestId = newRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    let resource = '/';
    let errorContext: ErrorContext = {};
    let body: DecodedBody | undefined;

    const fail = (err: unknown) => {
      if (res.destroyed || req.socket?.destroyed) return; // the client went away: nobody to answer
      let s3 = toS3Error(err, errorContext);
      if (s3 === undefined) {
        log(
          `${requestId} ${method} ${resource}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
        s3 = new S3Error('InternalError');
      }
      if (res.headersSent) {
        // Mid-body failure: the status is gone, so cut the connection rather than end it cleanly.
        log(`${requestId} ${method} ${resource}: failed after headers were sent: ${s3.code} ${s3.message}`);
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
        if (body !== undefined || !(length <= MAX_DRAIN_BYTES)) extra.Connection = 'close';
        if (body !== undefined) {
          req.unpipe();
          body.destroy();
        }
        req.resume();
      }
      writeError(res, method, s3, resource, requestId, extra);
    };

    try {
      setCommonHeaders(res, requestId);
      const target = parseTarget(req.url ?? '/', req.headers.host, opts.domains);
      resource = target.resource;
      errorContext = { bucket: target.bucket, key: target.key };
      const auth: AuthResult = authenticate(
        {
          method,
          rawUrl: req.url ?? '/',
          headers: req.headers,
          // Node rebuilds headersDistinct from the raw lines on every access, and it tells more
          // than `headers` only when some header name repeats.
          ...(req.rawHeaders.length !== 2 * Object.keys(req.headers).length
            ? { headersDistinct: req.headersDistinct }
            : {}),
          virtualHostBucket: bucketFromHost(req.headers.host, opts.domains),
        },
        lookupSecret,
      );
      if (auth.kind === 'anonymous') throw new S3Error('AccessDenied');
      const op = route({
        method,
        bucket: target.bucket,
        key: target.key,
        query: target.query,
        headers: req.headers,
      });
      if (opts.enforceRegion) checkRegion(auth, op, opts.region);
      const ctx: S3Context = {
        requestId,
        req,
        res,
        method,
        bucket: target.bucket ?? '',
        key: target.key ?? '',
        query: target.query,
        objects: opts.objects,
        region: opts.region,
        owner,
        errorContext,
        log,
        body: () => {
          if (body !== undefined) throw new Error('request body opened twice');
          body = openRequestBody(req, auth);
          if (continuePending) continueOnFirstRead(body, res);
          // Consumers attach their own listeners; this one keeps an unconsumed body's late error
          // (client gone) from becoming an uncaught exception.
          body.on('error', () => {});
          return body;
        },
      };
      op.handler(ctx).catch(fail);
    } catch (err) {
      fail(err);
    }
  };
}
