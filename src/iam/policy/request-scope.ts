import type { ConditionContext } from '../authorizer.js';

/**
 * Condition key names are case-insensitive (`aws:SourceIp` = `AWS:sourceip`), but what follows a
 * `/` is a tag key or similar and keeps its case (`s3:ExistingObjectTag/Project`).
 */
export function normalizeKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key.toLowerCase() : key.slice(0, slash).toLowerCase() + key.slice(slash);
}

/**
 * One request's condition keys, asked for at most once and only when a statement needs them
 * (a condition to test or a variable to substitute); most requests are decided without them.
 */
export class RequestScope {
  private keys: Map<string, readonly string[]> | undefined;

  constructor(private readonly source: () => ConditionContext) {}

  /** The values of `key` (already normalized); undefined or empty when the request lacks it. */
  values(key: string): readonly string[] | undefined {
    if (this.keys === undefined) {
      this.keys = new Map();
      const context = this.source();
      for (const k of Object.keys(context)) {
        const v = context[k];
        if (v !== undefined) this.keys.set(normalizeKey(k), v);
      }
    }
    return this.keys.get(key);
  }

  /**
   * A policy variable's value: the key's single value. A key that is absent, or that has several
   * values (which a variable cannot stand for), leaves the variable without a value.
   */
  readonly variable = (key: string): string | undefined => {
    const v = this.values(normalizeKey(key));
    return v !== undefined && v.length === 1 ? v[0] : undefined;
  };
}
