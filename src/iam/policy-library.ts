/**
 * Named identity policies: the built-ins (readonly, readwrite, writeonly, diagnostics,
 * consoleAdmin), which always exist and cannot be changed or removed, and the ones administrators
 * create, kept as documents. Each is parsed once and kept compiled until it changes.
 */
import { IamError } from './iam-errors.js';
import type { IamState } from './iam-state.js';
import { now } from './iam-state.js';
import { checkPolicyName } from './iam-validation.js';
import { BUILTIN_POLICIES } from './policy/builtin-policies.js';
import { MalformedPolicyError, type Policy, parsePolicy } from './policy/policy.js';

export interface PolicyInfo {
  /** The document as stored (built-ins: as the policy module defines them). */
  text: string;
  createDate?: string;
  updateDate?: string;
  builtin: boolean;
}

/** Parses an identity policy, turning the parser's complaint into an IamError the admin API maps. */
export function compileIdentityPolicy(text: string): Policy {
  try {
    return parsePolicy(text, 'identity');
  } catch (err) {
    if (err instanceof MalformedPolicyError) throw new IamError('MalformedPolicy', err.message);
    throw err;
  }
}

export class PolicyLibrary {
  /** Compiled policies by name, with the text they were compiled from (a change recompiles). */
  private readonly compiled = new Map<string, { text: string; policy: Policy }>();

  constructor(private readonly state: IamState) {}

  isBuiltin(name: string): boolean {
    return BUILTIN_POLICIES.has(name);
  }

  /** Throws NoSuchPolicy unless the policy exists. */
  require(name: string): void {
    if (!this.isBuiltin(name) && !this.state.policies.has(name))
      throw new IamError('NoSuchPolicy', 'The canned policy does not exist.');
  }

  /** Creates or replaces a policy after checking its document. */
  add(name: string, text: string): Promise<void> {
    checkPolicyName(name);
    if (this.isBuiltin(name))
      throw new IamError('ActionNotAllowed', `${name} is a built-in policy and cannot be changed`);
    compileIdentityPolicy(text);
    return this.state.change(async () => {
      const prev = this.state.policies.get(name);
      const time = now();
      await this.state.save('policies', name, {
        policy: text,
        createDate: prev?.createDate ?? time,
        updateDate: time,
      });
    });
  }

  info(name: string): PolicyInfo {
    const builtin = BUILTIN_POLICIES.get(name);
    if (builtin !== undefined) return { text: builtin.text, builtin: true };
    const rec = this.state.policies.get(name);
    if (!rec) throw new IamError('NoSuchPolicy', 'The canned policy does not exist.');
    return { text: rec.policy, createDate: rec.createDate, updateDate: rec.updateDate, builtin: false };
  }

  /** Every policy by name: built-ins and created ones, sorted. */
  names(): string[] {
    return [...new Set([...BUILTIN_POLICIES.keys(), ...this.state.policies.keys()])].sort();
  }

  /** The compiled policy named `name`; undefined when there is none (a dangling attachment). */
  compiledPolicy(name: string): Policy | undefined {
    const builtin = BUILTIN_POLICIES.get(name);
    if (builtin !== undefined) return builtin;
    const text = this.state.policies.get(name)?.policy;
    if (text === undefined) return undefined;
    const hit = this.compiled.get(name);
    if (hit && hit.text === text) return hit.policy;
    const policy = compileIdentityPolicy(text);
    this.compiled.set(name, { text, policy });
    return policy;
  }
}
