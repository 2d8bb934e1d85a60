import { type ActionMatcher, actionMatches } from './actions.js';
import type { CompiledCondition } from './conditions.js';
import type { RequestScope } from './request-scope.js';
import { compilePattern, globMatches, literalOf, type Pattern, resolvePattern } from './wildcard.js';

/** Resources compiled for matching: literal ARNs in a set, the rest as patterns. */
export interface ResourceMatcher {
  readonly all: boolean;
  readonly exact: ReadonlySet<string>;
  readonly patterns: readonly Pattern[];
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
  return { all, exact, patterns };
}

/**
 * Requests for service-wide actions (ListAllMyBuckets, admin calls) carry the resource `*`; they
 * match a Resource that covers every resource of the service, as `arn:aws:s3:::*` does.
 */
const SERVICE_WIDE = 'arn:aws:s3:::';

/** True or false; undefined when no pattern matched and one could not be resolved (a variable lacked a value). */
function resourceMatches(m: ResourceMatcher, resource: string, scope: RequestScope): boolean | undefined {
  if (m.all) return true;
  const r = resource === '*' ? SERVICE_WIDE : resource;
  if (m.exact.has(r)) return true;
  let unresolved = false;
  for (const p of m.patterns) {
    const g = resolvePattern(p, scope.variable);
    if (g === undefined) unresolved = true;
    else if (globMatches(g, r)) return true;
  }
  return unresolved ? undefined : false;
}

function principalMatches(m: PrincipalMatcher, principals: readonly string[]): boolean {
  if (m.all) return true;
  for (const p of principals) if (m.ids.has(p)) return true;
  return false;
}

/**
 * Whether the statement applies to the request. Cheap tests first: the action, then the resource,
 * then the principal; the condition (which may build the request's condition keys) last.
 * A Resource or NotResource whose variable has no value makes the statement not apply.
 */
export function statementApplies(
  s: CompiledStatement,
  lowerAction: string,
  resource: string,
  principals: readonly string[],
  scope: RequestScope,
): boolean {
  if (actionMatches(s.actions, lowerAction) === s.notAction) return false;
  if (s.resources !== undefined) {
    const hit = resourceMatches(s.resources, resource, scope);
    if (hit === undefined || hit === s.notResource) return false;
  }
  if (s.principal !== undefined && principalMatches(s.principal, principals) === s.notPrincipal) return false;
  return s.condition === undefined || s.condition.test(scope);
}
