import { actionMatches } from './actions.js';
import type { CompiledStatement } from './statement.js';

/** Distinct action names a policy remembers candidates for; S3 and admin together name a few hundred. */
const MAX_CACHED_ACTIONS = 1024;

/**
 * A policy's statements, with the statements each action can reach remembered per action name:
 * the action test is the same for every request with that action, so it runs once per name, and
 * a request then only tests resources, principals and conditions of the statements that name it.
 */
export class CompiledPolicy {
  private readonly byAction = new Map<string, readonly CompiledStatement[]>();

  /** `statements` in evaluation order: denies first. */
  constructor(readonly statements: readonly CompiledStatement[]) {}

  candidates(action: string): readonly CompiledStatement[] {
    const known = this.byAction.get(action);
    if (known !== undefined) return known;
    const lower = action.toLowerCase();
    const found = this.statements.filter((s) => actionMatches(s.actions, lower) !== s.notAction);
    // Bounded: arbitrary action strings (from a fuzzer, say) must not grow the cache without end.
    if (this.byAction.size < MAX_CACHED_ACTIONS) this.byAction.set(action, found);
    return found;
  }
}
