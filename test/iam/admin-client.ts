/**
 * Signed admin API requests for the IAM tests (madmin's paths under /minio/admin/v3/), signed with
 * the independent test signer, and SDK clients for the identities the tests create.
 */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CairnProcess } from '../helpers/cairn-process.js';
import { sdkClientFor } from '../helpers/s3-client.js';
import { signRequest, uriEncode } from '../helpers/sigv4-signer.js';

export interface Keys {
  accessKey: string;
  secretKey: string;
}

export interface AdminResponse {
  status: number;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

export type AdminCall = (
  method: string,
  path: string,
  query?: Record<string, string>,
  body?: unknown,
) => Promise<AdminResponse>;

/** An admin caller signing as `keys` (root when omitted); `keys: null` sends unsigned requests. */
export function adminAs(cairn: CairnProcess, keys?: Keys | null): AdminCall {
  const who = keys === undefined ? { accessKey: cairn.accessKey, secretKey: cairn.secretKey } : keys;
  return async (method, path, query = {}, body = undefined) => {
    const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const fullPath = `/minio/admin/v3/${path}`;
    const url = new URL(cairn.endpoint);
    const qs = Object.entries(query)
      .map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`)
      .join('&');
    let headers: Record<string, string> = { host: url.host };
    if (who !== null)
      headers = signRequest({
        method,
        path: fullPath,
        query,
        headers,
        payloadHash: createHash('sha256').update(payload).digest('hex'),
        accessKey: who.accessKey,
        secretKey: who.secretKey,
        region: cairn.region,
      });
    delete headers.host;
    const res = await fetch(`${cairn.endpoint}${fullPath}${qs ? `?${qs}` : ''}`, {
      method,
      headers,
      ...(payload === '' ? {} : { body: payload }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  };
}

/** Fails unless the call answered `status`; returns the response. */
export async function expectStatus(call: Promise<AdminResponse>, status: number): Promise<AdminResponse> {
  const res = await call;
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${res.text}`);
  return res;
}

/** The admin error code of a response. */
export function codeOf(res: AdminResponse): string | undefined {
  return (res.json as { Code?: string } | undefined)?.Code;
}

export function clientAs(cairn: CairnProcess, keys: Keys): S3Client {
  return sdkClientFor(
    { endpoint: cairn.endpoint, region: cairn.region, ...keys },
    {
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    },
  );
}

/** A policy document allowing `actions` on `resources`. */
export function allow(actions: string[], resources: string[]): object {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }] };
}
