import { S3Client, type S3ClientConfig, S3ServiceException } from '@aws-sdk/client-s3';
import type { CairnProcess } from './cairn-process.js';

type Endpoint = Pick<CairnProcess, 'endpoint' | 'accessKey' | 'secretKey' | 'region'>;

/**
 * An AWS SDK client for a test server: path-style, loopback, no retries (a test must see the
 * first answer, not the third), with `extra` on top.
 */
export function sdkClientFor(cairn: Endpoint, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: cairn.endpoint,
    region: cairn.region,
    forcePathStyle: true,
    credentials: { accessKeyId: cairn.accessKey, secretAccessKey: cairn.secretKey },
    maxAttempts: 1,
    ...extra,
  });
}

/**
 * A client that sends checksums only when an operation requires them, so a test about storage is
 * not also a test of checksum trailers (test/s3 and test/e2e cover those with the SDK's defaults
 * and awscli).
 */
export function s3Client(cairn: Endpoint): S3Client {
  return sdkClientFor(cairn, {
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The S3 error code and HTTP status of a failed SDK call, for assertions. */
export function s3ErrorOf(err: unknown): { code: string; status: number | undefined; message: string } {
  if (err instanceof S3ServiceException) {
    return { code: err.name, status: err.$metadata.httpStatusCode, message: err.message };
  }
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return {
    code: e.name ?? 'Unknown',
    status: e.$metadata?.httpStatusCode,
    message: e.message ?? String(err),
  };
}

/** Reads a whole SDK body stream into a Buffer. */
export async function bodyBytes(body: unknown): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
