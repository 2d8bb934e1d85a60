import { after, before } from 'node:test';
import {
  type ChecksumAlgorithm,
  type CompletedPart,
  CreateBucketCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
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

export interface TestServer {
  /** The running server (set once the enclosing describe's `before` ran). */
  readonly cairn: CairnProcess;
  /** An SDK client for it with the SDK's defaults (see `defaultSdkClient`). */
  readonly s3: S3Client;
}

/**
 * Starts a server on `drives` drives for the enclosing describe (with `bucket` made, when given)
 * and stops it after.
 */
export function useServer(opts: { drives: number; bucket?: string; extraArgs?: string[] }): TestServer {
  const server = {} as { cairn: CairnProcess; s3: S3Client };
  before(async () => {
    server.cairn = await startCairn({
      drives: opts.drives,
      ...(opts.extraArgs === undefined ? {} : { extraArgs: opts.extraArgs }),
    });
    server.s3 = defaultSdkClient(server.cairn);
    if (opts.bucket !== undefined) await server.s3.send(new CreateBucketCommand({ Bucket: opts.bucket }));
  });
  after(async () => {
    server.s3?.destroy();
    await server.cairn?.stop();
  });
  return server;
}

/**
 * Uploads `parts` (numbered from 1) to an upload, with `algorithm`'s checksum when given, and
 * returns the list CompleteMultipartUpload takes: each part's ETag and, with an algorithm, its
 * checksum as the server answered it.
 */
export async function uploadParts(
  s3: S3Client,
  target: { Bucket: string; Key: string; UploadId: string },
  parts: readonly Buffer[],
  algorithm?: ChecksumAlgorithm,
): Promise<CompletedPart[]> {
  const completed: CompletedPart[] = [];
  for (const [i, Body] of parts.entries()) {
    const out = await s3.send(
      new UploadPartCommand({
        ...target,
        PartNumber: i + 1,
        Body,
        ...(algorithm ? { ChecksumAlgorithm: algorithm } : {}),
      }),
    );
    const part: CompletedPart = { PartNumber: i + 1, ETag: out.ETag };
    if (algorithm) {
      const field = `Checksum${algorithm}` as const;
      part[field] = out[field];
    }
    completed.push(part);
  }
  return completed;
}
