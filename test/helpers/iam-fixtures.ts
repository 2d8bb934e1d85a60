/**
 * Users and policies for tests, made through the admin API (`/minio/admin/v3/`, plain JSON bodies)
 * of a running server, signed as root: what `cairn admin user add` and `policy create/attach` do.
 */
import type { CairnProcess } from './cairn-process.js';
import { type RawResponse, rawRequest } from './raw-http.js';

type Server = Pick<CairnProcess, 'port' | 'accessKey' | 'secretKey' | 'region' | 'endpoint'>;

export const ADMIN_PATH = '/minio/admin/v3';

/** One signed admin call; throws when the answer is not 2xx. */
export async function adminCall(
  cairn: Server,
  method: string,
  path: string,
  query: Record<string, string> = {},
  body?: unknown,
): Promise<RawResponse> {
  const res = await rawRequest(cairn, {
    method,
    path: `${ADMIN_PATH}/${path}`,
    query,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  if (res.status < 200 || res.status > 299) {
    throw new Error(`admin ${method} ${path} answered ${res.status}: ${res.body}`);
  }
  return res;
}

/** Adds an enabled user and returns its credentials as an endpoint to sign with. */
export async function addUser(cairn: Server, name: string, secret: string): Promise<Server> {
  await adminCall(cairn, 'PUT', 'add-user', { accessKey: name }, { secretKey: secret, status: 'enabled' });
  return { ...cairn, accessKey: name, secretKey: secret };
}

/** Creates (or replaces) a named policy and attaches it to `user`. */
export async function grantPolicy(cairn: Server, user: string, name: string, policy: unknown): Promise<void> {
  await adminCall(cairn, 'PUT', 'add-canned-policy', { name }, policy);
  await adminCall(cairn, 'POST', 'idp/builtin/policy/attach', {}, { policies: [name], user });
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
