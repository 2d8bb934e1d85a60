import { compileCidrs, parseBase64, parseDate, parseNumber } from './condition-values.js';
import { MalformedPolicyError } from './malformed-policy-error.js';
import { normalizeKey, type RequestScope } from './request-scope.js';
import { compilePattern, type Glob, globMatches, type Pattern, resolvePattern } from './wildcard.js';

/** True when a request satisfies a whole Condition block. */
export type ConditionTest = (scope: RequestScope) => boolean;

/** One operator-key pair of a Condition block, kept for isPublicPolicy. */
export interface ConditionClause {
  readonly operator: string;
  readonly base: string;
  readonly qualifier: 'ForAnyValue' | 'ForAllValues' | undefined;
  readonly ifExists: boolean;
  readonly key: string;
  readonly values: readonly string[];
}

export interface CompiledCondition {
  readonly test: ConditionTest;
  readonly clauses: readonly ConditionClause[];
}

/**
 * Tests one request value against all of a clause's policy values (true when any matches, the
 * positive form of the operator). Undefined from a Resolver: a policy variable had no value.
 */
type ValueTest = (value: string) => boolean;
type Resolver = (scope: RequestScope) => ValueTest | undefined;

interface BaseOperator {
  /** StringNotEquals, NotIpAddress, …: the clause holds when no policy value matches. */
  readonly negated: boolean;
  compile(values: readonly string[], variables: boolean): Resolver;
}

const always =
  (test: ValueTest): Resolver =>
  () =>
    test;

/** String and ARN operators take wildcards and variables, so their values compile to patterns. */
function patternOperator(opts: {
  wildcards: boolean;
  lower: boolean;
  arn: boolean;
}): BaseOperator['compile'] {
  return (values, variables) => {
    if (!variables && !opts.wildcards && !opts.arn) {
      const set = new Set(opts.lower ? values.map((v) => v.toLowerCase()) : values);
      return always(opts.lower ? (v) => set.has(v.toLowerCase()) : (v) => set.has(v));
    }
    const compile = (s: string) =>
      compilePattern(s, { variables, wildcards: opts.wildcards, lower: opts.lower });
    // ARNs match segment by segment: a `*` never spans a colon of the six-part form.
    const patterns: Pattern[][] = values.map((v) => {
      const parts = opts.arn ? splitArn(v) : undefined;
      return parts === undefined ? [compile(v)] : parts.map(compile);
    });
    return (scope) => {
      const globs: Glob[][] = [];
      for (const parts of patterns) {
        const resolved: Glob[] = [];
        for (const p of parts) {
          const g = resolvePattern(p, scope.variable);
          if (g === undefined) return undefined;
          resolved.push(g);
        }
        globs.push(resolved);
      }
      return (raw) => {
        const v = opts.lower ? raw.toLowerCase() : raw;
        const arnParts = opts.arn ? splitArn(v) : undefined;
        for (const g of globs) {
          if (
            g.length === 1
              ? globMatches(g[0]!, v)
              : arnParts !== undefined && g.every((s, i) => globMatches(s, arnParts[i]!))
          )
            return true;
        }
        return false;
      };
    };
  };
}

function splitArn(arn: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

function compareOperator(
  parse: (s: string) => number | undefined,
  what: string,
  cmp: (request: number, policy: number) => boolean,
): BaseOperator['compile'] {
  return (values) => {
    const numbers = values.map((v) => {
      const n = parse(v);
      if (n === undefined) throw new MalformedPolicyError(`Invalid ${what} in condition: ${v}`);
      return n;
    });
    return always((raw) => {
      const n = parse(raw);
      return n !== undefined && numbers.some((p) => cmp(n, p));
    });
  };
}

const eq = (a: number, b: number) => a === b;
const lt = (a: number, b: number) => a < b;
const le = (a: number, b: number) => a <= b;
const gt = (a: number, b: number) => a > b;
const ge = (a: number, b: number) => a >= b;

const op = (negated: boolean, compile: BaseOperator['compile']): BaseOperator => ({ negated, compile });
const str = (wildcards: boolean, lower: boolean) => patternOperator({ wildcards, lower, arn: false });
const arn = patternOperator({ wildcards: true, lower: false, arn: true });
const num = (cmp: (a: number, b: number) => boolean) => compareOperator(parseNumber, 'number', cmp);
const date = (cmp: (a: number, b: number) => boolean) => compareOperator(parseDate, 'date', cmp);

const OPERATORS: ReadonlyMap<string, BaseOperator> = new Map([
  ['StringEquals', op(false, str(false, false))],
  ['StringNotEquals', op(true, str(false, false))],
  ['StringEqualsIgnoreCase', op(false, str(false, true))],
  ['StringNotEqualsIgnoreCase', op(true, str(false, true))],
  ['StringLike', op(false, str(true, false))],
  ['StringNotLike', op(true, str(true, false))],
  ['NumericEquals', op(false, num(eq))],
  ['NumericNotEquals', op(true, num(eq))],
  ['NumericLessThan', op(false, num(lt))],
  ['NumericLessThanEquals', op(false, num(le))],
  ['NumericGreaterThan', op(false, num(gt))],
  ['NumericGreaterThanEquals', op(false, num(ge))],
  ['DateEquals', op(false, date(eq))],
  ['DateNotEquals', op(true, date(eq))],
  ['DateLessThan', op(false, date(lt))],
  ['DateLessThanEquals', op(false, date(le))],
  ['DateGreaterThan', op(false, date(gt))],
  ['DateGreaterThanEquals', op(false, date(ge))],
  ['Bool', op(false, compileBool)],
  ['BinaryEquals', op(false, compileBinary)],
  ['IpAddress', op(false, (values) => always(compileCidrs(values)))],
  ['NotIpAddress', op(true, (values) => always(compileCidrs(values)))],
  ['ArnEquals', op(false, arn)],
  ['ArnLike', op(false, arn)],
  ['ArnNotEquals', op(true, arn)],
  ['ArnNotLike', op(true, arn)],
]);

function compileBool(values: readonly string[]): Resolver {
  const set = new Set<string>(
    values.map((v) => {
      const b = v.toLowerCase();
      if (b !== 'true' && b !== 'false') throw new MalformedPolicyError(`Invalid boolean in condition: ${v}`);
      return b;
    }),
  );
  return always((v) => set.has(v.toLowerCase()));
}

function compileBinary(values: readonly string[]): Resolver {
  const buffers = values.map((v) => {
    const b = parseBase64(v);
    if (b === undefined) throw new MalformedPolicyError(`Invalid base64 value in condition: ${v}`);
    return b;
  });
  return always((raw) => {
    const b = parseBase64(raw);
    return b !== undefined && buffers.some((p) => p.equals(b));
  });
}

const QUALIFIERS = ['ForAnyValue', 'ForAllValues'] as const;

/** Splits `ForAnyValue:StringLikeIfExists` into its parts; undefined for an unknown operator. */
function parseOperator(name: string) {
  let rest = name;
  let qualifier: ConditionClause['qualifier'];
  for (const q of QUALIFIERS) {
    if (rest.startsWith(`${q}:`)) {
      qualifier = q;
      rest = rest.slice(q.length + 1);
    }
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  if (rest === 'Null') return ifExists ? undefined : { base: rest, qualifier, ifExists, operator: undefined };
  const operator = OPERATORS.get(rest);
  return operator === undefined ? undefined : { base: rest, qualifier, ifExists, operator };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A condition value as a string: JSON numbers and booleans are accepted as their text. */
function valueList(raw: unknown, operator: string, key: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new MalformedPolicyError(`Condition ${operator} has no value for key ${key}`);
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new MalformedPolicyError(`Invalid Condition value for key ${key}`);
  });
}

const CONDITION_KEY = /^[A-Za-z0-9-]+:[^\s]+$/;

/** Compiles a statement's Condition block; every clause must hold (AND), values within one OR. */
export function compileCondition(block: unknown, variables: boolean): CompiledCondition {
  if (!isObject(block)) throw new MalformedPolicyError('Condition must be an object');
  const clauses: ConditionClause[] = [];
  const tests: ConditionTest[] = [];
  for (const [name, keys] of Object.entries(block)) {
    const parsed = parseOperator(name);
    if (parsed === undefined) throw new MalformedPolicyError(`Invalid Condition type : ${name}`);
    if (!isObject(keys))
      throw new MalformedPolicyError(`Condition ${name} must map condition keys to values`);
    for (const [key, raw] of Object.entries(keys)) {
      if (!CONDITION_KEY.test(key))
        throw new MalformedPolicyError(`Policy has an invalid condition key: ${key}`);
      const values = valueList(raw, name, key);
      clauses.push({
        operator: name,
        base: parsed.base,
        qualifier: parsed.qualifier,
        ifExists: parsed.ifExists,
        key,
        values,
      });
      const normalized = normalizeKey(key);
      if (parsed.operator === undefined) tests.push(compileNull(normalized, values));
      else
        tests.push(
          compileClause(normalized, values, parsed.operator, parsed.qualifier, parsed.ifExists, variables),
        );
    }
  }
  const test: ConditionTest =
    tests.length === 1
      ? tests[0]!
      : (scope) => {
          for (const t of tests) if (!t(scope)) return false;
          return true;
        };
  return { test, clauses };
}

/** Null: "true" holds when the key is absent from the request, "false" when it is present. */
function compileNull(key: string, values: readonly string[]): ConditionTest {
  const wanted = values.map((v) => {
    const b = v.toLowerCase();
    if (b !== 'true' && b !== 'false') throw new MalformedPolicyError(`Invalid boolean in condition: ${v}`);
    return b === 'true';
  });
  return (scope) => {
    const v = scope.values(key);
    const absent = v === undefined || v.length === 0;
    return wanted.includes(absent);
  };
}

/**
 * AWS's semantics. An absent key (or an empty set of values): …IfExists holds; ForAllValues holds
 * (vacuously); ForAnyValue fails; otherwise a negated operator holds and a positive one fails.
 * Present values: without a qualifier the clause holds when any request value matches (for a
 * negated operator: when none does); ForAnyValue needs one value satisfying the operator,
 * ForAllValues every value.
 */
function compileClause(
  key: string,
  values: readonly string[],
  operator: BaseOperator,
  qualifier: ConditionClause['qualifier'],
  ifExists: boolean,
  variables: boolean,
): ConditionTest {
  const resolver = operator.compile(values, variables);
  const negated = operator.negated;
  const whenAbsent = ifExists || qualifier === 'ForAllValues' || (qualifier === undefined && negated);
  return (scope) => {
    const requestValues = scope.values(key);
    if (requestValues === undefined || requestValues.length === 0) return whenAbsent;
    const test = resolver(scope);
    if (test === undefined) return false;
    if (qualifier === 'ForAllValues') {
      for (const v of requestValues) if (test(v) === negated) return false;
      return true;
    }
    if (qualifier === 'ForAnyValue') {
      for (const v of requestValues) if (test(v) !== negated) return true;
      return false;
    }
    for (const v of requestValues) if (test(v)) return !negated;
    return negated;
  };
}
