/**
 * Typed failures of the object layer. The kinds are named after the S3 error codes they become,
 * so the API edge can map them in one table (api/s3/object-error-map.ts).
 */
export type ObjectErrorKind =
  | 'NoSuchBucket'
  | 'BucketAlreadyOwnedByYou'
  | 'BucketNotEmpty'
  | 'NoSuchKey'
  | 'NoSuchVersion'
  | 'NoSuchUpload'
  | 'PreconditionFailed'
  | 'BadDigest'
  | 'ChecksumMismatch'
  | 'IncompleteBody'
  | 'EntityTooLarge'
  | 'InvalidPart'
  | 'InvalidPartOrder'
  | 'EntityTooSmall'
  | 'InvalidRange'
  | 'InvalidArgument'
  | 'InvalidRequest'
  | 'WriteQuorum'
  /** The drives are full, or the instance's capacity limit is reached (the message says which). */
  | 'StorageFull'
  | 'LockTimeout'
  | 'ReadQuorum';

export class ObjectLayerError extends Error {
  override name = 'ObjectLayerError';

  constructor(
    readonly kind: ObjectErrorKind,
    message: string,
  ) {
    super(message);
  }
}
