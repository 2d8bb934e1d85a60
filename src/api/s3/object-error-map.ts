import { type ObjectErrorKind, ObjectLayerError } from '../../object/errors.js';
import type { ChecksumAlgorithm } from '../../object/object-layer.js';
import { isS3Error, S3Error, type S3ErrorCode } from './errors.js';

/** What the failing request was about, so the S3 error can name it. */
export interface ErrorContext {
  bucket?: string | undefined;
  key?: string | undefined;
  uploadId?: string | undefined;
  versionId?: string | undefined;
  /** The checksum algorithm the request carried, for BadDigest messages. */
  checksumAlgorithm?: ChecksumAlgorithm | undefined;
}

/**
 * The one place storage failures become S3 errors. Quorum failures answer 503 SlowDown, which every
 * AWS SDK (and boto, rclone, minio-js) treats as retryable; MinIO answers the same status with its own
 * SlowDownRead/SlowDownWrite codes, which clients only retry because of the status.
 */
const KIND_TO_CODE: Record<ObjectErrorKind, S3ErrorCode> = {
  NoSuchBucket: 'NoSuchBucket',
  BucketAlreadyOwnedByYou: 'BucketAlreadyOwnedByYou',
  BucketNotEmpty: 'BucketNotEmpty',
  NoSuchKey: 'NoSuchKey',
  NoSuchVersion: 'NoSuchVersion',
  NoSuchUpload: 'NoSuchUpload',
  PreconditionFailed: 'PreconditionFailed',
  BadDigest: 'BadDigest',
  ChecksumMismatch: 'BadDigest',
  IncompleteBody: 'IncompleteBody',
  EntityTooLarge: 'EntityTooLarge',
  InvalidPart: 'InvalidPart',
  InvalidPartOrder: 'InvalidPartOrder',
  EntityTooSmall: 'EntityTooSmall',
  InvalidRange: 'InvalidRange',
  InvalidArgument: 'InvalidArgument',
  InvalidRequest: 'InvalidRequest',
  WriteQuorum: 'SlowDown',
  // MinIO's answer when drives are full: 507, which no SDK retries (a retry cannot succeed).
  StorageFull: 'XMinioStorageFull',
  ReadQuorum: 'SlowDown',
  LockTimeout: 'SlowDown',
};

function messageFor(err: ObjectLayerError, ctx: ErrorContext): string | undefined {
  switch (err.kind) {
    case 'ChecksumMismatch':
      return ctx.checksumAlgorithm === undefined
        ? 'The checksum you specified did not match the calculated checksum.'
        : `The ${ctx.checksumAlgorithm} you specified did not match the calculated checksum.`;
    case 'WriteQuorum':
      return 'Resource requested is unwritable, please reduce your request rate';
    case 'ReadQuorum':
      return 'Resource requested is unreadable, please reduce your request rate';
    case 'LockTimeout':
      return 'A timeout occurred while trying to lock a resource, please reduce your request rate';
    case 'InvalidArgument':
    case 'InvalidRequest':
    case 'StorageFull':
      return err.message;
    default:
      return undefined; // the table's AWS wording
  }
}

function detailsFor(code: S3ErrorCode, ctx: ErrorContext): Record<string, string> {
  const details: Record<string, string> = {};
  if (code === 'NoSuchBucket' || code === 'BucketNotEmpty' || code === 'BucketAlreadyOwnedByYou') {
    if (ctx.bucket !== undefined) details.BucketName = ctx.bucket;
  } else if (code === 'NoSuchKey') {
    if (ctx.key !== undefined) details.Key = ctx.key;
  } else if (code === 'NoSuchVersion') {
    if (ctx.key !== undefined) details.Key = ctx.key;
    if (ctx.versionId !== undefined) details.VersionId = ctx.versionId;
  } else if (code === 'NoSuchUpload') {
    if (ctx.uploadId !== undefined) details.UploadId = ctx.uploadId;
  }
  return details;
}

/**
 * Turns anything a handler threw into the S3 error to answer: S3 errors pass through, object-layer
 * errors map by kind, and anything else is undefined (the caller logs it and answers InternalError).
 */
export function toS3Error(err: unknown, ctx: ErrorContext): S3Error | undefined {
  if (isS3Error(err)) return err;
  if (err instanceof ObjectLayerError) {
    const code = KIND_TO_CODE[err.kind];
    return new S3Error(code, messageFor(err, ctx), detailsFor(code, ctx));
  }
  return undefined;
}
