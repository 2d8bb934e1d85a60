/**
 * The rules names and keys must follow, as MinIO applies them (internal/auth/credentials.go,
 * cmd/admin-handlers-users.go, madmin-go's service-account validation), with the upper bounds
 * this project sets: access keys 3–128 characters, secrets 8–40.
 */
import { IamError } from './iam-errors.js';

export const ACCESS_KEY_MIN = 3;
export const ACCESS_KEY_MAX = 128;
export const SECRET_KEY_MIN = 8;
export const SECRET_KEY_MAX = 40;
const NAME_MAX = 256;
const SA_NAME_MAX = 32;
const SA_DESCRIPTION_MAX = 256;

// Control characters would end up in logs and headers; no identity needs them.
const CONTROL = /[\u0000-\u001f\u007f]/;

function wellFormed(s: string): boolean {
  return Buffer.from(s, 'utf8').toString('utf8') === s;
}

/** MinIO refuses names that begin or end with a space (XMinioInvalidResource). */
function checkSpaces(what: string, s: string): void {
  if (s.trim() !== s) throw new IamError('InvalidName', `${what} may not begin or end with space characters`);
}

/** An access key (a user's name, or a service account's key). */
export function checkAccessKey(accessKey: string): void {
  if (accessKey.length < ACCESS_KEY_MIN || accessKey.length > ACCESS_KEY_MAX)
    throw new IamError(
      'InvalidAccessKey',
      `access key length should be between ${ACCESS_KEY_MIN} and ${ACCESS_KEY_MAX}`,
    );
  if (/[=,]/.test(accessKey))
    throw new IamError('InvalidAccessKey', "access key contains one of reserved characters '=' or ','");
  if (!wellFormed(accessKey) || CONTROL.test(accessKey))
    throw new IamError('InvalidAccessKey', 'access key contains invalid characters');
  checkSpaces('an access key', accessKey);
}

export function checkSecretKey(secretKey: string): void {
  if (secretKey.length < SECRET_KEY_MIN || secretKey.length > SECRET_KEY_MAX)
    throw new IamError(
      'InvalidSecretKey',
      `secret key length should be between ${SECRET_KEY_MIN} and ${SECRET_KEY_MAX}`,
    );
  if (!wellFormed(secretKey))
    throw new IamError('InvalidSecretKey', 'secret key contains invalid characters');
}

function checkName(what: string, name: string): void {
  if (name === '' || name.length > NAME_MAX)
    throw new IamError('InvalidName', `${what} must be 1 to ${NAME_MAX} characters`);
  if (name.includes(',')) throw new IamError('InvalidName', `${what} may not contain a comma`);
  if (!wellFormed(name) || CONTROL.test(name))
    throw new IamError('InvalidName', `${what} contains invalid characters`);
  checkSpaces(what, name);
}

export function checkGroupName(name: string): void {
  checkName('a group name', name);
}

export function checkPolicyName(name: string): void {
  checkName('a policy name', name);
}

/** A service account's display name: as madmin-go, a letter then letters, digits, `_` or `-`. */
export function checkServiceAccountName(name: string): void {
  if (name.length > SA_NAME_MAX)
    throw new IamError('InvalidArgument', `name must not be longer than ${SA_NAME_MAX} characters`);
  if (name !== '' && !/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(name))
    throw new IamError(
      'InvalidArgument',
      'name must contain only ASCII letters, digits, underscores and hyphens and must start with a letter',
    );
}

export function checkServiceAccountDescription(description: string): void {
  if (Buffer.byteLength(description) > SA_DESCRIPTION_MAX)
    throw new IamError('InvalidArgument', `description must be at most ${SA_DESCRIPTION_MAX} bytes long`);
}

/** An expiry given as ISO 8601: a time in the future; undefined (or the epoch) means none. */
export function parseExpiration(value: unknown, now = Date.now()): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new IamError('InvalidArgument', 'expiration must be an ISO 8601 time');
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new IamError('InvalidArgument', 'expiration must be an ISO 8601 time');
  if (ms <= 0) return undefined; // Go's zero time and the Unix epoch both mean "never" to madmin
  if (ms <= now) throw new IamError('InvalidArgument', 'the expiration time should be in the future');
  // MinIO keeps expiry to the second.
  return Math.floor(ms / 1000) * 1000;
}
