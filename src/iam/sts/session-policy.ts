/**
 * Session policies: the optional Policy of an AssumeRole request. An identity policy (no
 * Principal) that can only narrow what the session's parent may do. MinIO's limits apply: a
 * Version is required, and the document, packed (without insignificant whitespace), is at most
 * 2048 characters, as AWS bounds the plain-text session policy.
 */
import { MalformedPolicyError, type Policy, parsePolicy } from '../policy/policy.js';

export const MAX_SESSION_POLICY_CHARS = 2048;

/** The packed session policy is over the limit (AWS: PackedPolicyTooLarge). */
export class SessionPolicyTooLarge extends Error {
  override name = 'SessionPolicyTooLarge';
  constructor(readonly packedLength: number) {
    super(
      `The packed session policy is ${packedLength} characters (${Math.ceil((packedLength / MAX_SESSION_POLICY_CHARS) * 100)}% of the ${MAX_SESSION_POLICY_CHARS} allowed).`,
    );
  }
}

/**
 * Validates a session policy. Returns the packed text a session token carries. Throws
 * MalformedPolicyError naming what is wrong, or SessionPolicyTooLarge.
 */
export function validateSessionPolicy(text: string): string {
  const policy = parsePolicy(text, 'identity');
  if (policy.version === undefined) {
    throw new MalformedPolicyError("Version cannot be empty expecting '2012-10-17'");
  }
  // The document parsed, so it is JSON; packing keeps its meaning and drops only whitespace.
  const packed = JSON.stringify(JSON.parse(text));
  if (packed.length > MAX_SESSION_POLICY_CHARS) throw new SessionPolicyTooLarge(packed.length);
  return packed;
}

/** The compiled form of a packed session policy taken from a genuine token. */
export function compileSessionPolicy(packed: string): Policy {
  return parsePolicy(packed, 'identity');
}
