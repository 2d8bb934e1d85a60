/** How the S3 front finds who a request signed with temporary credentials is. */
import type { Identity } from '../../iam/authorizer.js';
import { SessionTokenError } from '../../iam/sts/session-token.js';
import type { TemporaryCredentials } from '../../iam/sts/temporary-credentials.js';
import { S3Error } from '../s3/errors.js';

/**
 * The identity of `accessKey` presenting `sessionToken`, as the S3 API answers it: a token that
 * is not genuine or not this key's is InvalidToken (also when the key is a long-term one, as
 * MinIO refuses tokens there), an expired one ExpiredToken; undefined when the session's parent
 * is gone or disabled (InvalidAccessKeyId).
 */
export function temporaryIdentity(
  sessions: TemporaryCredentials | undefined,
  accessKey: string,
  sessionToken: string,
): Identity | undefined {
  if (sessions === undefined) throw new S3Error('InvalidToken');
  try {
    return sessions.identify(accessKey, sessionToken);
  } catch (err) {
    if (err instanceof SessionTokenError) throw new S3Error(err.problem);
    throw err;
  }
}
