/** What authentication reads from a request and what it concludes, shared by SigV4 and SigV2. */
import type { IncomingHttpHeaders } from 'node:http';
import type { PayloadMode } from './payload-mode.js';

export interface AuthRequest {
  method: string;
  /** Path and query exactly as received on the request line. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  /** Pass IncomingMessage.headersDistinct when available: repeated headers then canonicalise exactly. */
  headersDistinct?: NodeJS.Dict<string[]>;
  /**
   * The bucket named by the Host header (virtual-host style), if any. SigV2 signs `/bucket/key`
   * whichever addressing style carried the bucket; SigV4 signs the path as sent and ignores this.
   */
  virtualHostBucket?: string | undefined;
  /**
   * The service the credential scope must name: `s3` (the default) or `sts` for an STS request
   * served on the S3 endpoint, so a signature made for one service never passes for the other.
   */
  service?: 's3' | 'sts';
  /**
   * The body's SHA-256 (hex) when the caller has read it already: STS clients sign the body
   * without sending x-amz-content-sha256. Used only when that header is absent.
   */
  payloadHash?: string;
}

/** A request verified with Signature Version 4, by header or presigned query. */
export interface SignedV4Auth {
  kind: 'signed';
  signatureVersion: 4;
  accessKey: string;
  region: string;
  payload: PayloadMode;
  /** The request signature: the first link of the aws-chunked signature chain. */
  seedSignature: string;
  signingKey: Buffer;
  amzDate: string;
  scope: string;
  presigned: boolean;
  /** Authenticated by a browser form's signed POST policy (IAM's s3:authType `POST`). */
  form?: true;
}

/**
 * A request verified with Signature Version 2. V2 signs neither the body nor a region, so the
 * payload is always unsigned and there is no region to check.
 */
export interface SignedV2Auth {
  kind: 'signed';
  signatureVersion: 2;
  accessKey: string;
  payload: { kind: 'UNSIGNED-PAYLOAD' };
  presigned: boolean;
  /** Authenticated by a browser form's signed POST policy (IAM's s3:authType `POST`). */
  form?: true;
}

export type SignedAuth = SignedV4Auth | SignedV2Auth;

export type AuthResult = { kind: 'anonymous' } | SignedAuth;

/**
 * The secret of `accessKey`, or undefined when no such key exists (InvalidAccessKeyId).
 * `sessionToken` is the request's x-amz-security-token, when it carries one: temporary
 * credentials are found through it; the lookup throws the S3 error for a token it refuses.
 */
export type SecretLookup = (accessKey: string, sessionToken: string | undefined) => string | undefined;
