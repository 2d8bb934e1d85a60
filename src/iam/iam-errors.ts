/**
 * Typed failures of the IAM store. Kinds name what went wrong; the admin API maps each to MinIO's
 * admin error code and status in one table (api/admin/admin-errors.ts).
 */
export type IamErrorKind =
  | 'NoSuchUser'
  | 'NoSuchGroup'
  | 'NoSuchPolicy'
  | 'NoSuchServiceAccount'
  | 'GroupNotEmpty'
  | 'PolicyInUse'
  | 'PolicyChangeAlreadyApplied'
  | 'MalformedPolicy'
  | 'InvalidAccessKey'
  | 'InvalidSecretKey'
  | 'InvalidName'
  | 'InvalidArgument'
  /** A user named as root, or an access key that another identity already has. */
  | 'CredentialTaken'
  /** What the request asks of this identity is not something IAM allows (a built-in policy's removal). */
  | 'ActionNotAllowed';

export class IamError extends Error {
  override name = 'IamError';

  constructor(
    readonly kind: IamErrorKind,
    message: string,
  ) {
    super(message);
  }
}
