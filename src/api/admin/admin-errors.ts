/**
 * Admin API errors: MinIO's JSON error codes and statuses (cmd/api-errors.go,
 * cmd/admin-handler-utils.go), one table from IAM's error kinds, and the JSON error body.
 */
import { IamError, type IamErrorKind } from '../../iam/iam-errors.js';
import { ObjectLayerError } from '../../object/errors.js';
import { S3Error } from '../s3/errors.js';

export class AdminError extends Error {
  override name = 'AdminError';

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const accessDenied = () => new AdminError('AccessDenied', 403, 'Access Denied.');
export const malformedJson = (detail?: string) =>
  new AdminError(
    'XMinioMalformedJSON',
    400,
    `The JSON you provided was not well-formed or did not validate against our published format.${detail ? ` ${detail}` : ''}`,
  );
export const invalidArgument = (message: string) =>
  new AdminError('XMinioAdminInvalidArgument', 400, message);
export const notImplemented = () =>
  new AdminError('NotImplemented', 501, 'This admin API is not implemented by this server.');

const IAM_CODES: Record<IamErrorKind, [code: string, status: number]> = {
  NoSuchUser: ['XMinioAdminNoSuchUser', 404],
  NoSuchGroup: ['XMinioAdminNoSuchGroup', 404],
  NoSuchPolicy: ['XMinioAdminNoSuchPolicy', 404],
  // MinIO answers a missing service account with this code (ErrAdminServiceAccountNotFound).
  NoSuchServiceAccount: ['XMinioInvalidIAMCredentials', 404],
  GroupNotEmpty: ['XMinioAdminGroupNotEmpty', 400],
  PolicyInUse: ['XMinioIAMPolicyInUse', 400],
  PolicyChangeAlreadyApplied: ['XMinioAdminPolicyChangeAlreadyApplied', 400],
  MalformedPolicy: ['XMinioMalformedIAMPolicy', 400],
  InvalidAccessKey: ['XMinioAdminInvalidAccessKey', 400],
  InvalidSecretKey: ['XMinioAdminInvalidSecretKey', 400],
  InvalidName: ['XMinioInvalidResource', 400],
  InvalidArgument: ['XMinioAdminInvalidArgument', 400],
  CredentialTaken: ['XMinioInvalidIAMCredentials', 403],
  ActionNotAllowed: ['XMinioIAMActionNotAllowed', 403],
};

const OBJECT_CODES: Partial<Record<string, [string, number]>> = {
  WriteQuorum: ['XMinioAdminConfigNoQuorum', 503],
  ReadQuorum: ['XMinioAdminConfigNoQuorum', 503],
  LockTimeout: ['XMinioAdminConfigNoQuorum', 503],
  NoSuchBucket: ['NoSuchBucket', 404],
  StorageFull: ['XMinioStorageFull', 507],
};

/** The admin error `err` answers as; undefined for an unexpected failure (logged, InternalError). */
export function toAdminError(err: unknown): AdminError | undefined {
  if (err instanceof AdminError) return err;
  if (err instanceof IamError) {
    const [code, status] = IAM_CODES[err.kind];
    return new AdminError(code, status, err.message);
  }
  if (err instanceof S3Error) return new AdminError(err.code, err.status, err.message);
  if (err instanceof ObjectLayerError) {
    const mapped = OBJECT_CODES[err.kind];
    if (mapped) return new AdminError(mapped[0], mapped[1], err.message);
  }
  return undefined;
}

/** The JSON error body MinIO's admin API answers with. */
export function errorBody(err: AdminError, resource: string, requestId: string): string {
  return JSON.stringify({ Code: err.code, Message: err.message, Resource: resource, RequestId: requestId });
}
