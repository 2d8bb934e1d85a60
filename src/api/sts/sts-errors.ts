/**
 * STS errors, answered in STS's own form (not S3's): `<ErrorResponse><Error><Type/><Code/>
 * <Message/></Error><RequestId/></ErrorResponse>` in the STS namespace. Codes and statuses are
 * AWS's (AssumeRole's documented errors, the common ValidationError/InvalidAction) and, for the
 * parts AWS has no equivalent of, MinIO's (AccessDenied for refused callers).
 */
const STS_ERRORS = {
  AccessDenied: [403, 'Generating temporary credentials not allowed for this request.'],
  InvalidAction: [
    400,
    'The action or operation requested is invalid. Verify that the action is typed correctly.',
  ],
  InvalidParameterValue: [400, 'An invalid or out-of-range value was supplied for the input parameter.'],
  MissingParameter: [400, 'A required parameter for the specified action is not supplied.'],
  MalformedPolicyDocument: [400, 'The request was rejected because the policy document was malformed.'],
  PackedPolicyTooLarge: [400, 'The request was rejected because the policy document was too large.'],
  ValidationError: [400, 'The input fails to satisfy the constraints specified by an AWS service.'],
  RequestEntityTooLarge: [413, 'The request body is too large.'],
  InternalError: [500, 'We encountered an internal error generating credentials, please try again.'],
  NotImplemented: [501, 'The requested action is not implemented.'],
} as const satisfies Record<string, readonly [number, string]>;

export type StsErrorCode = keyof typeof STS_ERRORS;

export class StsError extends Error {
  override name = 'StsError';
  readonly status: number;

  constructor(
    readonly code: StsErrorCode,
    message?: string,
  ) {
    const [status, defaultMessage] = STS_ERRORS[code];
    super(message ?? defaultMessage);
    this.status = status;
  }

  /** AWS's fault type: `Receiver` for the server's own failures, `Sender` for the caller's. */
  get type(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}
