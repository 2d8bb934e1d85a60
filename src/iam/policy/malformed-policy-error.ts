/**
 * A policy document that cannot be accepted. The message names what is wrong in AWS's words
 * ("Policy has invalid resource"); the S3 API answers it as MalformedPolicy, the admin API as
 * its own malformed-policy error.
 */
export class MalformedPolicyError extends Error {
  override readonly name = 'MalformedPolicyError';
}
