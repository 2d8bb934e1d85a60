import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { CairnProcess } from './cairn-process.js';

/**
 * An AWS SDK client for a test server: path-style, loopback, no retries (a test must see the
 * first answer, not the third). Checksums are sent only when an operation requires them, so a
 * test about storage is not also a test of checksum trailers (test/e2e covers those with awscli).
 */
export function s3Client(
  cairn: Pick<CairnProcess, 'endpoint' | 'accessKey' | 'secretKey' | 'region'>,
): S3Client {
  return new S3Client({
    endpoint: cairn.endpoint,
    region: cairn.region,
    forcePathStyle: true,
    credentials: { accessKeyId: cairn.accessKey, secretAccessKey: cairn.secretKey },
    maxAttempts: 1,
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
