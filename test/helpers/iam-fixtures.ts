/**
 * The admin API (`/minio/admin/v3/`, madmin's paths, plain JSON bodies) for tests, signed with the
 * independent test signer: calls as any identity (or unsigned), and the users, policies and SDK
 * clients the IAM, bucket-policy and security tests make with it — what `cairn admin user add` and
 * `policy create/attach` do.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { CairnProcess } from './cairn-process.js';
import { type RawResponse, rawRequest } from './raw-http.js';
import { sdkClientFor } from './s3-client.js';

/** A running server as the helpers sign for it (the root user's keys by default). */
export type Server = Pick<CairnProcess, 'port' | 'accessKey' | 'secretKey' | 'region' | 'endpoint'>;

export interface Keys {
  accessKey: string;
  secretKey: string;
}

export interface AdminResponse {
  status: number;
  headers: RawResponse['headers'];
  /** The body as text. */
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

export type AdminCall = (
  method: string,
  path: string,
  query?: Record<string, string>,
  body?: unknown,
) => Promise<AdminResponse>;

export const ADMIN_PATH = '/minio/admin/v3';

/** An admin caller signing as `keys` (root when omitted); `keys: null` sends unsigned requests. */
export function adminAs(cairn: Server, keys?: Keys | null): AdminCall {
  const signer = keys === null || keys === undefined ? cairn : { ...cairn, ...keys };
  return async (method, path, query = {}, body = undefined) => {
    const res = await rawRequest(signer, {
      method,
      path: `${ADMIN_PATH}/${path}`,
      query,
      sign: keys !== null,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    let json: unknown;
    try {
      json = res.body === '' ? undefined : JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, body: res.body, json };
  };
}

/** One admin call as root; throws when the answer is not 2xx. */
export async function adminCall(
  cairn: Server,
  method: string,
  path: string,
  query: Record<string, string> = {},
  body?: unknown,
): Promise<AdminResponse> {
  const res = await adminAs(cairn)(method, path, query, body);
  if (res.status < 200 || res.status > 299) {
    throw new Error(`admin ${method} ${path} answered ${res.status}: ${res.body}`);
  }
  return res;
}

/** Fails unless the call answered `status`; returns the response. */
export async function expectStatus(call: Promise<AdminResponse>, status: number): Promise<AdminResponse> {
  const res = await call;
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${res.body}`);
  return res;
}

/** The admin error code of a response. */
export function codeOf(res: AdminResponse): string | undefined {
  return (res.json as { Code?: string } | undefined)?.Code;
}

/** Adds an enabled user and returns its credentials as a server to sign with. */
export async function addUser(cairn: Server, name: string, secret: string): Promise<Server> {
  await adminCall(cairn, 'PUT', 'add-user', { accessKey: name }, { secretKey: secret, status: 'enabled' });
  return { ...cairn, accessKey: name, secretKey: secret };
}

/** Creates (or replaces) a named policy and attaches it to `user`. */
export async function grantPolicy(cairn: Server, user: string, name: string, policy: unknown): Promise<void> {
  await adminCall(cairn, 'PUT', 'add-canned-policy', { name }, policy);
  await adminCall(cairn, 'POST', 'idp/builtin/policy/attach', {}, { policies: [name], user });
}

/** An SDK client signing as `keys`. */
export function clientAs(cairn: Server, keys: Keys): S3Client {
  return sdkClientFor(
    { endpoint: cairn.endpoint, region: cairn.region, ...keys },
    {
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    },
  );
}

/** A policy document allowing `actions` on `resources`. */
export function allow(actions: string[], resources: string[]): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }] };
}

/** A public-read policy for `bucket`, as the S3 user guide writes it. */
export function publicReadPolicy(bucket: string, prefix = ''): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicRead',
        Effect: 'Allow',
        Principal: '*',
        Action: ['s3:GetObject'],
        Resource: [`arn:aws:s3:::${bucket}/${prefix}*`],
      },
    ],
  };
}
