/**
 * The payload modes a SigV4 request declares in `x-amz-content-sha256`: how the body is protected
 * and how it is framed.
 */
import { S3Error } from '../errors.js';

export type StreamingPayloadMode =
  | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
  | 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
  | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';

export type PayloadMode =
  /** The body is not covered by the signature. */
  | { kind: 'UNSIGNED-PAYLOAD' }
  /** The body must hash to `sha256` (lower-case hex), checked when it has been read. */
  | { kind: 'SHA256'; sha256: string }
  /** aws-chunked framing; see chunked-payload.ts. */
  | { kind: StreamingPayloadMode };

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const STREAMING_MODES: readonly string[] = [
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
];

const ECDSA_MODES: readonly string[] = [
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
];

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

export function parsePayloadMode(value: string): PayloadMode {
  if (value === UNSIGNED_PAYLOAD) return { kind: 'UNSIGNED-PAYLOAD' };
  if (SHA256_HEX.test(value)) return { kind: 'SHA256', sha256: value.toLowerCase() };
  if (STREAMING_MODES.includes(value)) return { kind: value as StreamingPayloadMode };
  if (ECDSA_MODES.includes(value)) {
    throw new S3Error(
      'NotImplemented',
      `x-amz-content-sha256 ${value} (SigV4a streaming) is not implemented.`,
      {
        Header: 'x-amz-content-sha256',
      },
    );
  }
  throw new S3Error(
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.',
    { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value },
  );
}

export function isStreamingMode(mode: PayloadMode): mode is { kind: StreamingPayloadMode } {
  return STREAMING_MODES.includes(mode.kind);
}
