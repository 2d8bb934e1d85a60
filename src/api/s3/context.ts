import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Identity, Principal } from '../../iam/authorizer.js';
import type { ObjectLayer, VersionOptions } from '../../object/object-layer.js';
import type { Logger } from '../../util/logger.js';
import type { SignedAuth } from './auth/auth-result.js';
import type { ErrorContext } from './object-error-map.js';

/** The decoded request payload (aws-chunked framing removed, signatures verified as it streams). */
export interface DecodedBody extends Readable {
  /** Payload length when known in advance (Content-Length, or x-amz-decoded-content-length). */
  readonly decodedLength: number | undefined;
  /** Trailing headers (lower-case names); complete once the stream has ended. */
  trailers(): Record<string, string>;
}

/** The canonical owner reported in listings and ACLs: one account, the root credentials. */
export interface Owner {
  id: string;
  displayName: string;
}

/**
 * Everything an operation module gets. The router guarantees `bucket` is non-empty for bucket and
 * object operations and `key` non-empty for object operations.
 */
export interface S3Context {
  requestId: string;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  objects: ObjectLayer;
  region: string;
  owner: Owner;
  /** Who the request acts as (anonymous when unsigned). */
  principal: Principal;
  /**
   * Rejects with AccessDenied unless the principal may perform `action` on the bucket or object:
   * for what an operation touches beyond the routed resource (a copy's source, each key of a
   * multi-object delete).
   */
  authorize(action: string, bucket: string, key?: string): Promise<void>;
  /**
   * Who an access key is, for an operation that authenticates from its body (POST Object's form):
   * with a session token, the temporary credentials' identity (InvalidToken or ExpiredToken when
   * the token is not genuine, not this key's, or expired).
   */
  lookupIdentity(accessKey: string, sessionToken?: string): Identity | undefined;
  /**
   * Makes the request act as the identity its body's signature proved (POST Object's form): from
   * then on `principal`, `authorize`, the condition keys and the completion event name it.
   */
  actAs(auth: SignedAuth, principal: Principal): void;
  /** Opens the decoded request body; call at most once. */
  body(): DecodedBody;
  /** Filled in by operations as they learn more (upload id, checksum algorithm), for error bodies. */
  errorContext: ErrorContext;
  /** Logs with the request id. */
  log: Logger;
}

/**
 * The version a request names with `?versionId=`, as object-layer options; the id also goes into
 * the error context (NoSuchVersion names it).
 */
export function versionOption(ctx: S3Context): VersionOptions {
  const versionId = ctx.query.get('versionId');
  if (versionId === null) return {};
  ctx.errorContext.versionId = versionId;
  return { versionId };
}

/** `versionOption`, for a read of that version: S3 names it back in `x-amz-version-id`. */
export function requestedVersion(ctx: S3Context): VersionOptions {
  const opts = versionOption(ctx);
  if (opts.versionId !== undefined) ctx.res.setHeader('x-amz-version-id', opts.versionId);
  return opts;
}

/** A request header as one string (repeated headers joined by commas), or undefined when absent. */
export function header(ctx: S3Context, name: string): string | undefined {
  const v = ctx.req.headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}
