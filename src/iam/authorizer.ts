/**
 * The authorization step. The API layer authenticates a request (SigV4/SigV2, or none), finds who
 * it is with an IdentityStore, routes it to an operation whose row names its IAM action, and then
 * asks an Authorizer whether that principal may perform that action on that resource. Anonymous
 * requests reach it too: bucket policies will allow some. Users, groups, policies and bucket
 * policies come with the access-control issue; they implement these interfaces.
 */

/**
 * Who is asking. Every signed kind carries the access key it signed with; new kinds (temporary STS
 * credentials) add a member here and a case to the Authorizer.
 */
export type Principal =
  | { kind: 'root'; accessKey: string }
  | { kind: 'anonymous' }
  /** An IAM user: its access key is its name. */
  | { kind: 'user'; accessKey: string; name: string }
  /** A service account of `parent` (a user's name, or the root user's access key). */
  | { kind: 'serviceAccount'; accessKey: string; parent: string; parentIsRoot: boolean };

/** An access key's secret and the principal it authenticates as. */
export interface Identity {
  secretKey: string;
  principal: Principal;
}

export interface IdentityStore {
  /** The identity of `accessKey`; undefined for a key nobody owns (InvalidAccessKeyId). */
  lookup(accessKey: string): Identity | undefined;
}

/**
 * Request facts a policy's Condition block can test (`aws:SourceIp`, `aws:SecureTransport`,
 * `s3:prefix`, …), by condition key. Values are lists, as IAM evaluates them.
 */
export type ConditionContext = Record<string, string[]>;

export interface AuthorizationRequest {
  principal: Principal;
  /** An IAM action as AWS's service authorization reference names it: `s3:GetObject`. */
  action: string;
  /** `arn:aws:s3:::bucket`, `arn:aws:s3:::bucket/key`, or `*` for service-wide actions. */
  resource: string;
  /** Built only when a policy asks, since most requests are decided without it. */
  conditions: () => ConditionContext;
}

export interface Authorizer {
  /**
   * True when the request is allowed; the caller answers AccessDenied otherwise. A promise when
   * the decision needs a document that is not in memory yet (a bucket policy's first read).
   */
  authorize(request: AuthorizationRequest): boolean | Promise<boolean>;
}

/** The resource ARN an S3 action applies to. */
export function s3Resource(bucket?: string, key?: string): string {
  if (bucket === undefined || bucket === '') return '*';
  return key === undefined || key === '' ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}

/** The one identity there is until the access-control issue: the root user. */
export function rootIdentityStore(credentials: { accessKey: string; secretKey: string }): IdentityStore {
  const identity: Identity = {
    secretKey: credentials.secretKey,
    principal: { kind: 'root', accessKey: credentials.accessKey },
  };
  return { lookup: (accessKey) => (accessKey === credentials.accessKey ? identity : undefined) };
}

/** Today's policy: root may do everything, anyone else (anonymous included) nothing. */
export const rootOnlyAuthorizer: Authorizer = {
  authorize: (request) => request.principal.kind === 'root',
};
