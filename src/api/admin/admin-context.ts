/** What an admin route sees of its request, and the shape of its answer. */

import type { ServerResponse } from 'node:http';
import type { Principal } from '../../iam/authorizer.js';
import type { IamAuthorizer } from '../../iam/iam-authorizer.js';
import type { IamStore } from '../../iam/iam-store.js';
import type { TemporaryCredentials } from '../../iam/sts/temporary-credentials.js';
import type { ObjectLayer } from '../../object/object-layer.js';
import type { RuntimeSettings } from '../../util/runtime-settings.js';
import type { TraceHub } from '../trace/trace-hub.js';
import { invalidArgument } from './admin-errors.js';

export interface AdminServices {
  iam: IamStore;
  authorizer: IamAuthorizer;
  objects: ObjectLayer;
  region: string;
  /** Cairn's version, reported by `info`. */
  version: string;
  startedAt: Date;
  /** The address clients reach this server at, reported as the server's endpoint. */
  endpoint: () => string;
  /** Temporary credentials (STS, console sessions); absent: a session token is InvalidToken. */
  sessions?: TemporaryCredentials;
  /** Live request trace (`GET trace`); absent: that route answers NotImplemented. */
  trace?: TraceHub;
  /** Dynamic settings (get-config-kv, set-config-kv). */
  settings?: RuntimeSettings;
}

export interface AdminContext {
  services: AdminServices;
  query: URLSearchParams;
  /** For a route with `subpaths`: the path after the route's own, URL-decoded (`bucket/prefix`). */
  subpath: string;
  /** The client's address, as the connection reports it. */
  remoteAddress: string;
  principal: Principal;
  /**
   * The user the caller acts for: a user's name, a service account's parent, the root user's access
   * key (MinIO's "requestor parent user").
   */
  self: string;
  /** Throws AccessDenied unless the caller may perform the `admin:` action; `denyOnly`: only an explicit Deny refuses. */
  authorize(action: string, denyOnly?: boolean): void;
  /** The request body parsed as JSON (XMinioMalformedJSON when it is not). */
  json(): Promise<unknown>;
  /** The request body as text. */
  text(): Promise<string>;
}

/**
 * 200 with `body` as JSON (or no body), unless `status` says otherwise; or, with `stream`, a 200
 * event stream whose body `stream` writes (and ends) itself.
 */
export interface AdminAnswer {
  status?: number;
  body?: unknown;
  stream?: (res: ServerResponse) => void;
}

export interface AdminRoute {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** The path below `/minio/admin/v3/`. */
  path: string;
  /** The API name reported in the request's completion event (MinIO's handler name). */
  api: string;
  /**
   * The `admin:` action checked before the handler runs; absent when the handler decides itself
   * (a user managing their own service accounts needs no admin right).
   */
  action?: string;
  /** The route also serves the paths below its own (`heal/bucket/prefix`): MinIO's path variables. */
  subpaths?: boolean;
  handle(ctx: AdminContext): Promise<AdminAnswer | undefined>;
}

/** A query parameter that must be present and non-empty. */
export function required(ctx: AdminContext, name: string): string {
  const v = ctx.query.get(name);
  if (v === null || v === '') throw invalidArgument(`the ${name} query parameter is required`);
  return v;
}

/** Narrows parsed JSON to an object, or refuses the body. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
