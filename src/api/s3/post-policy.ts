/**
 * The POST policy of a browser form upload: the base64 JSON document a form carries in its `policy`
 * field (`expiration` and `conditions`), and the check of a form against it. AWS: "Creating a POST
 * policy" (sigv4-HTTPPOSTConstructPolicy). A document S3 cannot read is InvalidPolicyDocument
 * (400); a form the document does not allow is AccessDenied (403) "Invalid according to Policy: …";
 * a file outside `content-length-range` is EntityTooSmall / EntityTooLarge, checked while it streams.
 */
import { S3Error } from './errors.js';

/** One condition as parsed; `text` is how S3 names it in "Policy Condition failed: …". */
export type PolicyCondition =
  | { kind: 'eq' | 'starts-with'; field: string; value: string; text: string }
  | { kind: 'content-length-range'; min: number; max: number; text: string }
  /** A condition no form can satisfy (no `$` before the field, an unknown operator, a bound that is no number). */
  | { kind: 'unsatisfiable'; text: string };

export interface PostPolicy {
  expiration: Date;
  conditions: PolicyCondition[];
}

/** The inclusive size range the file must fall in. */
export interface LengthRange {
  min: number;
  max: number;
}

/** A form's fields as the policy sees them: by lower-case name, each with the name as sent and its values. */
export interface PolicyInputs {
  get(name: string): { name: string; values: readonly string[] } | undefined;
  entries(): Iterable<[string, { name: string; values: readonly string[] }]>;
}

function invalid(message: string): S3Error {
  return new S3Error('InvalidPolicyDocument', `Invalid Policy: ${message}`);
}

/** ISO 8601 in UTC, as AWS writes it: `2007-12-01T12:00:00.000Z` (fractional seconds optional). */
const EXPIRATION = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

function parseExpiration(value: unknown): Date {
  if (value === undefined) throw invalid('Policy missing expiration.');
  const m = typeof value === 'string' ? EXPIRATION.exec(value) : null;
  const ms = m
    ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}Z`)
    : NaN;
  // Date.parse rolls impossible days over; a real instant reads back as the same calendar day.
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`) {
    throw invalid(
      `Invalid 'expiration' value: '${typeof value === 'string' ? value : JSON.stringify(value)}'`,
    );
  }
  return new Date(ms);
}

/** How S3 prints a condition: its elements as JSON, comma and space between. */
function conditionText(elements: readonly unknown[]): string {
  return `[${elements.map((e) => JSON.stringify(e) ?? 'null').join(', ')}]`;
}

/** A content-length-range bound: a non-negative integer, as a JSON number or a string of digits. */
function lengthBound(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function parseCondition(raw: unknown): PolicyCondition {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const entries = Object.entries(raw);
    if (entries.length !== 1) {
      throw invalid('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
    }
    const [name, value] = entries[0] as [string, unknown];
    if (typeof value !== 'string') throw invalid('Invalid Simple-Condition: value must be a string.');
    return { kind: 'eq', field: name.toLowerCase(), value, text: conditionText(['eq', `$${name}`, value]) };
  }
  if (!Array.isArray(raw) || raw.length === 0 || typeof raw[0] !== 'string') {
    throw invalid('Invalid condition: each is an object of one field or a list.');
  }
  const operator = raw[0].toLowerCase();
  const text = conditionText(raw);
  if (operator === 'content-length-range') {
    if (raw.length !== 3)
      throw invalid('Invalid content-length-range condition: it takes a minimum and a maximum.');
    const min = lengthBound(raw[1]);
    const max = lengthBound(raw[2]);
    if (min === undefined || max === undefined) return { kind: 'unsatisfiable', text };
    if (min < 0 || max < 0)
      throw invalid('Invalid content-length-range condition: bounds must not be negative.');
    return { kind: 'content-length-range', min, max, text };
  }
  if (operator === 'eq' || operator === 'starts-with') {
    if (raw.length !== 3) throw invalid(`Invalid '${raw[0]}' condition: it takes a field and a value.`);
    const [, field, value] = raw;
    if (typeof field !== 'string' || typeof value !== 'string') {
      throw invalid('Invalid Simple-Condition: value must be a string.');
    }
    if (!field.startsWith('$')) return { kind: 'unsatisfiable', text };
    return { kind: operator, field: field.slice(1).toLowerCase(), value, text };
  }
  return { kind: 'unsatisfiable', text };
}

/**
 * Decodes and parses the `policy` field. Key names are case-sensitive (`EXPIRATION` is not
 * `expiration`), operators and field names in conditions are not.
 */
export function parsePostPolicy(base64: string): PostPolicy {
  let doc: unknown;
  try {
    const bytes = Buffer.from(base64, 'base64');
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid('Invalid JSON.');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalid('Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  const expires = parseExpiration(expiration);
  if (conditions === undefined) throw invalid('Policy missing conditions.');
  if (!Array.isArray(conditions)) throw invalid("Invalid 'conditions' value: must be a list.");
  return { expiration: expires, conditions: conditions.map(parseCondition) };
}

/**
 * Fields whose value may be matched by prefix: `key`, `acl`, the REST headers, the redirect and
 * user metadata. The rest (`bucket`, `success_action_status`, the signature fields and other
 * `x-amz-*`) only match exactly.
 */
function startsWithAllowed(field: string): boolean {
  if (field === 'bucket' || field === 'success_action_status') return false;
  return !field.startsWith('x-amz-') || field.startsWith('x-amz-meta-');
}

function satisfied(
  c: { kind: 'eq' | 'starts-with'; field: string; value: string },
  values: readonly string[],
) {
  // A field sent twice has no one value to compare (MinIO refuses it the same way).
  if (values.length !== 1) return false;
  const value = values[0] as string;
  if (c.kind === 'eq') return value === c.value;
  if (!startsWithAllowed(c.field)) return false;
  // S3: a Content-Type listing several types must have each of them start with the prefix.
  if (c.field === 'content-type') return value.split(',').every((t) => t.trim().startsWith(c.value));
  return value.startsWith(c.value);
}

/**
 * Checks a form against its policy at `now`: not expired, every condition met by the field it
 * names (a condition on a field the form lacks fails), and every field covered by a condition
 * unless `exempt` says it need not be. Returns the content-length-range to enforce on the file,
 * if the policy has one. Throws AccessDenied as S3 words it.
 */
export function checkPostPolicy(
  policy: PostPolicy,
  inputs: PolicyInputs,
  exempt: (field: string) => boolean,
  now: Date = new Date(),
): LengthRange | undefined {
  if (now.getTime() >= policy.expiration.getTime()) {
    throw new S3Error('AccessDenied', 'Invalid according to Policy: Policy expired.');
  }
  const covered = new Set<string>();
  let range: LengthRange | undefined;
  for (const c of policy.conditions) {
    const failed = () =>
      new S3Error('AccessDenied', `Invalid according to Policy: Policy Condition failed: ${c.text}`);
    if (c.kind === 'unsatisfiable') throw failed();
    if (c.kind === 'content-length-range') {
      range =
        range === undefined
          ? { min: c.min, max: c.max }
          : { min: Math.max(range.min, c.min), max: Math.min(range.max, c.max) };
      continue;
    }
    const input = inputs.get(c.field);
    if (input === undefined || !satisfied(c, input.values)) throw failed();
    covered.add(c.field);
  }
  const extra: string[] = [];
  for (const [field, input] of inputs.entries()) {
    if (!covered.has(field) && !exempt(field)) extra.push(input.name);
  }
  if (extra.length > 0) {
    throw new S3Error('AccessDenied', `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  }
  return range;
}
