import type { S3Client } from '@aws-sdk/client-s3';
import type { CairnProcess } from '../helpers/cairn-process.js';
import { sdkClientFor } from '../helpers/s3-client.js';

/** The S3 front is exercised on a single drive and on an erasure-coded set of four. */
export const DRIVE_COUNTS = [1, 4] as const;

/**
 * An AWS SDK v3 client with the SDK's default integrity behaviour (CRC32 on uploads, trailers for
 * streams, response checksum validation), path-style and without retries, so each test sees the
 * first answer exactly as a default-configured application would.
 */
export function defaultSdkClient(
  cairn: Pick<CairnProcess, 'endpoint' | 'accessKey' | 'secretKey' | 'region'>,
): S3Client {
  return sdkClientFor(cairn);
}

/** The S3 error code and status of a rejected SDK call (fails the test when the call succeeded). */
export async function sdkError(
  promise: Promise<unknown>,
): Promise<{ code: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.Code ?? e.name ?? 'Unknown', status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
