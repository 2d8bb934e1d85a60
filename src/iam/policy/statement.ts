import type { ActionMatcher } from './actions.js';
import type { CompiledCondition } from './conditions.js';
import type { RequestScope } from './request-scope.js';
import { compilePattern, globMatches, literalOf, type Pattern, resolvePattern } from './wildcard.js';

/** Resources compiled for matching: literal ARNs in a set, the rest as patterns. */
export interface ResourceMatcher {
  readonly all: boolean;
  readonly exact: ReadonlySet<string>;
  readonly patterns: readonly Pattern[];
  /** Some pattern names a policy variable: all must resolve before any may match. */
  readonly hasVariables: boolean;
}

/** The identifiers of a Principal element; `all` for "*" / {"AWS": "*"}. */
export interface PrincipalMatcher {
  readonly all: boolean;
  readonly ids: ReadonlySet<string>;
}

/** One statement, compiled once when the policy is parsed. */
export interface CompiledStatement {
  readonly sid: string | undefined;
  readonly deny: boolean;
  readonly actions: ActionMatcher;
  readonly notAction: boolean;
  /** Undefined: the statement has no Resource (admin-only statements) and matches any. */
  readonly resources: ResourceMatcher | undefined;
  readonly notResource: boolean;
  /** Undefined in identity policies, which name no principal. */
  readonly principal: PrincipalMatcher | undefined;
  readonly notPrincipal: boolean;
  readonly condition: CompiledCondition | undefined;
}

export function compileResources(resources: readonly string[], variables: boolean): ResourceMatcher {
  const exact = new Set<string>();
  const patterns: Pattern[] = [];
  let all = false;
  for (const r of resources) {
    if (r === '*') {
      all = true;
      continue;
    }
    const p = compilePattern(r, { variables, wildcards: true, lower: false });
    const literal = literalOf(p);
    if (literal !== undefined) exact.add(literal);
    else patterns.push(p);
  }
  return { all, exact, patterns, hasVariables: patterns.some((p) => p.glob === undefined) };
}

/**
 * Requests for service-wide actions (ListAllMyBuckets, admin calls) carry the resource `*`; they
 * match a Resource that covers every resource of the service, as `arn:aws:s3:::*` does.
 */
const SERVICE_WIDE = 'arn:aws:s3:::';

/**
 * True or false; undefined when a pattern names a variable the request has no value for. AWS
 * then treats the whole statement as not applying, so neither Resource nor NotResource matches.
 */
function resourceMatches(m: ResourceMatcher, resource: string, scope: RequestScope): boolean | undefined {
  if (m.all) return true;
  const r = resource === '*' ? SERVICE_WIDE : resource;
  if (m.exact.has(r) && !m.hasVariables) return true;
  let hit = m.exact.has(r);
  for (const p of m.patterns) {
    const g = resolvePattern(p, scope.variable);
    if (g === undefined) return undefined;
    if (!hit && globMatches(g, r)) {
      hit = true;
      if (!m.hasVariables) return true;
    }
  }
  return hit;
}

function principalMatches(m: PrincipalMatcher, principals: readonly string[]): boolean {
  if (m.all) return true;
  for (const p of principals) if (m.ids.has(p)) return true;
  return false;
}

/**
 * Whether a statement whose action element matched applies to the request: the resource, then
 * the principal, then the condition (which may build the request's condition keys) last.
 * A Resource or NotResource whose variable has no value makes the statement not apply.
 */
export function statementApplies(
  s: CompiledStatement,
  resource: string,
  principals: readonly string[],
  scope: RequestScope,
): boolean {
  if (s.resources !== undefined) {
    const hit = resourceMatches(s.resources, resource, scope);
    if (hit === undefined || hit === s.notResource) return false;
  }
  if (s.principal !== undefined && principalMatches(s.principal, principals) === s.notPrincipal) return false;
  return s.condition === undefined || s.condition.test(scope);
}
