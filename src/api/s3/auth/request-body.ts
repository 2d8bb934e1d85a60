/**
 * The request body as the object layer should see it: decoded from aws-chunked framing when the
 * client used it, checked against the signed payload hash or chunk signatures, and failing (never
 * ending cleanly) when the client disconnects before sending all of it.
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import { S3Error } from '../errors.js';
import type { AuthResult } from './auth-result.js';
import { AwsChunkedDecoder } from './chunked-payload.js';
import { isStreamingMode, type PayloadMode, parsePayloadMode } from './payload-mode.js';
import { Sha256VerifyingStream } from './sha256-payload.js';

export interface RequestBody extends Readable {
  /** x-amz-decoded-content-length for aws-chunked bodies, else Content-Length; undefined when the client sent neither. */
  readonly decodedLength: number | undefined;
  /** Trailers by lower-case name (e.g. `x-amz-checksum-crc32`); complete only after 'end'. */
  trailers(): Record<string, string>;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseLength(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!/^\d{1,15}$/.test(trimmed)) {
    throw new S3Error('InvalidArgument', `${name} must be a non-negative integer.`, {
      ArgumentName: name,
      ArgumentValue: value,
    });
  }
  return Number(trimmed);
}

function payloadModeOf(req: IncomingMessage, auth: AuthResult): PayloadMode {
  if (auth.kind === 'signed') return auth.payload;
  // Anonymous writes (public buckets) may still use the unsigned modes; signed ones need a key.
  const value = header(req, 'x-amz-content-sha256');
  const mode = value === undefined ? ({ kind: 'UNSIGNED-PAYLOAD' } as const) : parsePayloadMode(value);
  if (
    mode.kind === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' ||
    mode.kind === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
  ) {
    throw new S3Error('AccessDenied', 'A signed streaming payload requires a signed request.');
  }
  return mode;
}

function declaredTrailers(req: IncomingMessage): string[] {
  const value = header(req, 'x-amz-trailer');
  if (value === undefined) return [];
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/**
 * Wraps `req` in the decoder its payload mode calls for. Throws S3Error synchronously for header
 * problems; body problems arrive later as the returned stream's 'error'.
 */
export function openRequestBody(req: IncomingMessage, auth: AuthResult): RequestBody {
  const mode = payloadModeOf(req, auth);
  const trailers = declaredTrailers(req);
  let stream: Transform & { trailers?: () => Record<string, string> };
  let decodedLength: number | undefined;

  if (isStreamingMode(mode)) {
    decodedLength = parseLength(header(req, 'x-amz-decoded-content-length'), 'x-amz-decoded-content-length');
    const withTrailers = mode.kind !== 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
    if (!withTrailers && trailers.length > 0) {
      throw new S3Error('InvalidRequest', `x-amz-trailer requires a trailer payload mode, not ${mode.kind}.`);
    }
    stream = new AwsChunkedDecoder({
      ...(auth.kind === 'signed' &&
      auth.signatureVersion === 4 &&
      mode.kind !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
        ? {
            signing: {
              signingKey: auth.signingKey,
              amzDate: auth.amzDate,
              scope: auth.scope,
              seedSignature: auth.seedSignature,
            },
          }
        : {}),
      trailers: withTrailers,
      declaredTrailers: trailers,
      ...(decodedLength !== undefined ? { decodedLength } : {}),
    });
  } else {
    if (trailers.length > 0) {
      // The body would be aws-chunked framing that we would otherwise store verbatim.
      throw new S3Error(
        'InvalidRequest',
        'x-amz-trailer requires a STREAMING-*-TRAILER x-amz-content-sha256.',
      );
    }
    decodedLength = parseLength(header(req, 'content-length'), 'Content-Length');
    stream = mode.kind === 'SHA256' ? new Sha256VerifyingStream(mode.sha256) : new PassThrough();
  }

  const body = Object.assign(stream, {
    decodedLength,
    trailers: stream.trailers ? stream.trailers.bind(stream) : () => ({}),
  }) as RequestBody & Transform;
  pipeWithAbort(req, body);
  return body;
}

/**
 * req.pipe (not pipeline): a body error must not destroy the socket, or the S3 error response could
 * never be sent. A client that goes away mid-body must error the stream rather than leave it hanging.
 */
function pipeWithAbort(req: IncomingMessage, body: Transform): void {
  const incomplete = () => {
    if (!req.complete) body.destroy(new S3Error('IncompleteBody'));
  };
  req.once('aborted', incomplete);
  req.once('close', incomplete);
  req.once('error', () => body.destroy(new S3Error('IncompleteBody')));
  if (req.destroyed && !req.complete) {
    process.nextTick(incomplete);
    return;
  }
  req.pipe(body);
}
