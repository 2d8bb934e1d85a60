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

export type SecretLookup = (accessKey: string) => string | undefined;
