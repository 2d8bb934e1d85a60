/**
 * The Authorizer of a multi-user Cairn, deciding as AWS documents policy evaluation: an explicit
 * Deny in any applicable policy (identity or bucket) denies; otherwise an Allow from an identity
 * policy or from the bucket policy allows; otherwise the request is denied.
 *
 * - root: everything.
 * - a user: the union of its attached policies and those of its enabled groups.
 * - a service account: its parent's rights (root's: everything), intersected with its inline
 *   policy when it has one — the inline policy must allow too, whichever policy granted.
 * - anonymous: the bucket policy alone.
 *
 * Compiled policies are cached: identity policy sets per user until IAM changes (the store's
 * generation), bucket policies per stored document (the bucket configuration store hands back the
 * same Buffer until the document changes).
 */
import type { AuthorizationRequest, Authorizer, Principal } from './authorizer.js';
import type { IamStore } from './iam-store.js';
import { evaluatePolicy, MalformedPolicyError, type Policy, parsePolicy } from './policy/policy.js';

type Verdict = 'allow' | 'deny' | 'none';

/** Where the authorizer finds a bucket's policy document (ObjectLayer.getBucketConfig(bucket, 'policy')). */
export type BucketPolicySource = (bucket: string) => Promise<Buffer | undefined>;

const S3_ARN = 'arn:aws:s3:::';
const NO_PRINCIPALS: readonly string[] = [];

/** The bucket a resource ARN names; undefined for `*` and other services' resources. */
function bucketOf(resource: string): string | undefined {
  if (!resource.startsWith(S3_ARN)) return undefined;
  const slash = resource.indexOf('/', S3_ARN.length);
  const bucket = slash < 0 ? resource.slice(S3_ARN.length) : resource.slice(S3_ARN.length, slash);
  return bucket === '' ? undefined : bucket;
}

/** Folds a policy's verdict into the running one: deny sticks, allow beats none. */
function fold(acc: Verdict, v: Verdict): Verdict {
  return acc === 'deny' || v === 'deny' ? 'deny' : acc === 'allow' || v === 'allow' ? 'allow' : 'none';
}

export class IamAuthorizer implements Authorizer {
  private readonly userPolicies = new Map<
    string,
    { generation: number; policies: Policy[]; principals: string[] }
  >();
  private readonly bucketPolicies = new WeakMap<Buffer, Policy | null>();

  constructor(
    private readonly store: IamStore,
    private readonly bucketPolicy: BucketPolicySource,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  authorize(request: AuthorizationRequest): boolean | Promise<boolean> {
    const p = request.principal;
    if (p.kind === 'root') return true;
    const bucket = bucketOf(request.resource);
    const identity = this.identityVerdict(p, request);
    if (identity === 'deny') return false;
    if (bucket === undefined) return identity === 'allow' && this.inlineAllows(p, request);
    return this.withBucketPolicy(p, request, bucket, identity);
  }

  /**
   * Whether the principal's identity policies allow an action that involves no bucket policy (the
   * admin API's `admin:*` actions, ListAllMyBuckets). `denyOnly`: only an explicit Deny refuses
   * (MinIO's rule for a user managing their own service accounts).
   */
  allowsIdentity(request: AuthorizationRequest, denyOnly = false): boolean {
    const p = request.principal;
    if (p.kind === 'root') return true;
    const v = this.identityVerdict(p, request);
    if (v === 'deny') return false;
    if (denyOnly) return this.inlineVerdict(p, request) !== 'deny';
    return v === 'allow' && this.inlineAllows(p, request);
  }

  private async withBucketPolicy(
    p: Principal,
    request: AuthorizationRequest,
    bucket: string,
    identity: Verdict,
  ): Promise<boolean> {
    const policy = await this.compiledBucketPolicy(bucket);
    const fromBucket: Verdict = policy
      ? evaluatePolicy(policy, { ...request, principals: this.principalsOf(p) })
      : 'none';
    if (fromBucket === 'deny') return false;
    if (identity !== 'allow' && fromBucket !== 'allow') return false;
    return this.inlineAllows(p, request);
  }

  /** The verdict of the identity's own policies (the parent's, for a service account). */
  private identityVerdict(p: Principal, request: AuthorizationRequest): Verdict {
    if (p.kind === 'anonymous') return 'none';
    if (p.kind === 'serviceAccount' && p.parentIsRoot) return 'allow';
    const name = p.kind === 'user' ? p.name : p.kind === 'serviceAccount' ? p.parent : undefined;
    if (name === undefined) return 'none';
    let v: Verdict = 'none';
    const evalReq = { ...request, principals: NO_PRINCIPALS };
    for (const policy of this.policiesOf(name).policies) {
      v = fold(v, evaluatePolicy(policy, evalReq));
      if (v === 'deny') return v;
    }
    return v;
  }

  private inlineVerdict(p: Principal, request: AuthorizationRequest): Verdict {
    if (p.kind !== 'serviceAccount') return 'none';
    const inline = this.store.serviceAccounts.inlinePolicy(p.accessKey);
    return inline ? evaluatePolicy(inline, { ...request, principals: NO_PRINCIPALS }) : 'none';
  }

  /** A service account's inline policy, when it has one, must allow: it only narrows. */
  private inlineAllows(p: Principal, request: AuthorizationRequest): boolean {
    if (p.kind !== 'serviceAccount') return true;
    const inline = this.store.serviceAccounts.inlinePolicy(p.accessKey);
    return (
      inline === undefined || evaluatePolicy(inline, { ...request, principals: NO_PRINCIPALS }) === 'allow'
    );
  }

  /** How a bucket policy's Principal element can name this principal. */
  private principalsOf(p: Principal): readonly string[] {
    if (p.kind === 'user') return this.policiesOf(p.name).principals;
    if (p.kind === 'serviceAccount' && !p.parentIsRoot) return this.policiesOf(p.parent).principals;
    return NO_PRINCIPALS;
  }

  private policiesOf(user: string): { policies: Policy[]; principals: string[] } {
    const generation = this.store.generation;
    const hit = this.userPolicies.get(user);
    if (hit && hit.generation === generation) return hit;
    const names = new Set(this.store.userRecord(user)?.policies ?? []);
    for (const g of this.store.enabledGroupsOf(user)) for (const n of g.policies) names.add(n);
    const policies: Policy[] = [];
    for (const n of names) {
      const compiled = this.store.policies.compiledPolicy(n);
      if (compiled) policies.push(compiled);
    }
    const entry = { generation, policies, principals: [`arn:aws:iam:::user/${user}`, user] };
    this.userPolicies.set(user, entry);
    return entry;
  }

  private async compiledBucketPolicy(bucket: string): Promise<Policy | undefined> {
    let doc: Buffer | undefined;
    try {
      doc = await this.bucketPolicy(bucket);
    } catch {
      return undefined; // no such bucket: no bucket policy (the operation answers NoSuchBucket if allowed)
    }
    if (doc === undefined) return undefined;
    const hit = this.bucketPolicies.get(doc);
    if (hit !== undefined) return hit ?? undefined;
    let policy: Policy | null = null;
    try {
      policy = parsePolicy(doc.toString('utf8'), 'resource', { bucket });
    } catch (err) {
      // PutBucketPolicy refuses malformed documents; one that fails now grants nothing.
      if (!(err instanceof MalformedPolicyError)) throw err;
      this.log(`the policy of bucket ${bucket} does not parse (${err.message}); it grants nothing`);
    }
    this.bucketPolicies.set(doc, policy);
    return policy ?? undefined;
  }
}
