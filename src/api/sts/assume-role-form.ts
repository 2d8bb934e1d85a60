/**
 * The form of an STS request (AWS Query protocol: `application/x-www-form-urlencoded` POST body):
 * which action it asks for, and AssumeRole's parameters. RoleArn and RoleSessionName are accepted
 * and ignored, as MinIO does: there are no roles, a caller assumes its own rights.
 */
import {
  DEFAULT_SESSION_SECONDS,
  MAX_SESSION_SECONDS,
  MIN_SESSION_SECONDS,
} from '../../iam/sts/temporary-credentials.js';
import { StsError } from './sts-errors.js';

export const STS_API_VERSION = '2011-06-15';

/** STS actions AWS has that Cairn does not serve: answered NotImplemented, not InvalidAction. */
const UNIMPLEMENTED_ACTIONS = new Set([
  'AssumeRoleWithWebIdentity',
  'AssumeRoleWithSAML',
  'AssumeRoleWithClientGrants',
  'AssumeRoleWithLDAPIdentity',
  'AssumeRoleWithCertificate',
  'AssumeRoleWithCustomToken',
  'AssumeRoot',
  'DecodeAuthorizationMessage',
  'GetAccessKeyInfo',
  'GetCallerIdentity',
  'GetDelegatedAccessToken',
  'GetFederationToken',
  'GetSessionToken',
  'GetWebIdentityToken',
]);

/** Checks Version and Action; returns the action, which is AssumeRole (the one served). */
export function checkAction(form: URLSearchParams): 'AssumeRole' {
  const version = form.get('Version') ?? '';
  if (version !== STS_API_VERSION) {
    // MinIO's answer, for a missing Version as for another one.
    throw new StsError(
      'MissingParameter',
      `Invalid STS API version ${version}, expecting ${STS_API_VERSION}`,
    );
  }
  const action = form.get('Action') ?? '';
  if (action === 'AssumeRole') return action;
  if (UNIMPLEMENTED_ACTIONS.has(action)) {
    throw new StsError('NotImplemented', `${action} is not implemented.`);
  }
  throw new StsError('InvalidAction', `Could not find operation ${action} for version ${STS_API_VERSION}`);
}

/** DurationSeconds: 900 s – 12 h, 1 h when absent, as AWS's AssumeRole takes it. */
export function sessionDuration(form: URLSearchParams): number {
  const value = form.get('DurationSeconds');
  if (value === null || value === '') return DEFAULT_SESSION_SECONDS;
  if (!/^-?\d{1,15}$/.test(value)) {
    throw new StsError('ValidationError', `Value '${value}' at 'durationSeconds' is not a valid integer`);
  }
  const seconds = Number(value);
  const violation =
    seconds < MIN_SESSION_SECONDS
      ? `greater than or equal to ${MIN_SESSION_SECONDS}`
      : seconds > MAX_SESSION_SECONDS
        ? `less than or equal to ${MAX_SESSION_SECONDS}`
        : undefined;
  if (violation !== undefined) {
    throw new StsError(
      'ValidationError',
      `1 validation error detected: Value '${value}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${violation}`,
    );
  }
  return seconds;
}

/** The session policy text, when the form carries a non-empty one (validated by the caller). */
export function sessionPolicyText(form: URLSearchParams): string | undefined {
  const policy = form.get('Policy');
  return policy === null || policy === '' ? undefined : policy;
}
