import type { ConditionContext } from '../authorizer.js';
import type { ConditionClause } from './conditions.js';
import { type PolicyKind, parseDocument } from './parse.js';
import { RequestScope } from './request-scope.js';
import { type CompiledStatement, statementApplies } from './statement.js';

export { MalformedPolicyError } from './malformed-policy-error.js';
export type { PolicyKind } from './parse.js';

/** A parsed, validated and compiled policy document. */
export interface Policy {
  readonly kind: PolicyKind;
  /** The document as given; what GetBucketPolicy and the admin API hand back. */
  readonly text: string;
  /** "2012-10-17", "2008-10-17", or undefined when the document names none. */
  readonly version: string | undefined;
  /** Deny statements first, then Allow statements. */
  readonly statements: readonly CompiledStatement[];
}

/**
 * Parses, validates and compiles. For 'resource' (an S3 bucket policy) every statement needs a
 * Principal; with opts.bucket, every Resource must lie within that bucket. Throws
 * MalformedPolicyError naming what is wrong.
 */
export function parsePolicy(text: string | Uint8Array, kind: PolicyKind, opts?: { bucket?: string }): Policy {
  const parsed = parseDocument(text, kind, opts?.bucket);
  const source = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  return { kind, text: source, version: parsed.version, statements: parsed.statements };
}

/** Explicit Allow, explicit Deny, or no statement applied. */
export type Decision = 'allow' | 'deny' | 'none';

export interface EvaluationRequest {
  /** 's3:GetObject', 'admin:CreateUser', 'sts:AssumeRole'. */
  action: string;
  /** 'arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/key', or '*' for service-wide actions. */
  resource: string;
  /**
   * For resource policies: the identifiers the requester matches in a Principal element, e.g.
   * ['arn:aws:iam:::user/alice', 'alice']; [] for anonymous. "*" matches everyone, anonymous too.
   */
  principals?: readonly string[];
  /** Condition keys (also the source of ${aws:username}-style variables); called only when needed. */
  conditions: () => ConditionContext;
}

const NO_PRINCIPALS: readonly string[] = [];

/** Deny beats Allow within one policy; a request no statement applies to gets 'none'. */
export function evaluatePolicy(policy: Policy, request: EvaluationRequest): Decision {
  const lowerAction = request.action.toLowerCase();
  const principals = request.principals ?? NO_PRINCIPALS;
  const scope = new RequestScope(request.conditions);
  // Statements are sorted denies first, so the first that applies decides.
  for (const s of policy.statements) {
    if (statementApplies(s, lowerAction, request.resource, principals, scope))
      return s.deny ? 'deny' : 'allow';
  }
  return 'none';
}

/**
 * Condition keys that, tested for fixed values, limit a grant to "*" to known callers (S3's
 * "meaning of public"). aws:SourceIp narrows through IpAddress, the others through fixed strings or ARNs.
 */
const NARROWING_KEYS = new Set([
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  'aws:userid',
]);
const FIXED_VALUE_OPERATORS = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'ArnEquals',
  'ArnLike',
  'StringLike',
]);

function narrows(c: ConditionClause): boolean {
  // A clause a request without the key passes (…IfExists, ForAllValues) narrows nothing.
  if (c.ifExists || c.qualifier === 'ForAllValues') return false;
  const key = c.key.toLowerCase();
  if (key === 'aws:sourceip') return c.base === 'IpAddress' && c.values.every((v) => !/\/0+$/.test(v));
  if (!NARROWING_KEYS.has(key) || !FIXED_VALUE_OPERATORS.has(c.base)) return false;
  return c.values.every((v) => {
    if (v.includes('${') || v.includes('*') || v.includes('?')) return false;
    return key !== 'aws:userid' || !v.startsWith('AROLEID:');
  });
}

/**
 * GetBucketPolicyStatus: public when some Allow statement grants to everyone ("*" or a NotPrincipal)
 * without a condition that fixes the caller's source (aws:SourceIp CIDRs, aws:SourceArn, aws:SourceVpc,
 * aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, the KMS key id, aws:userid).
 */
export function isPublicPolicy(policy: Policy): boolean {
  for (const s of policy.statements) {
    if (s.deny || s.principal === undefined) continue;
    const everyone = s.notPrincipal || s.principal.all;
    if (!everyone) continue;
    if (s.condition === undefined || !s.condition.clauses.some(narrows)) return true;
  }
  return false;
}
