import { compileActions, isValidAction, servicesFor } from './actions.js';
import { compileCondition } from './conditions.js';
import { MalformedPolicyError, PolicyTooLargeError } from './malformed-policy-error.js';
import { type CompiledStatement, compileResources, type PrincipalMatcher } from './statement.js';

export type PolicyKind = 'identity' | 'resource';

export interface ParsedPolicy {
  readonly version: string | undefined;
  readonly statements: readonly CompiledStatement[];
}

/** S3 refuses bucket policies over 20 KB. */
export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;
/** Identity policies have no AWS-wide limit we follow; this only bounds the work one document costs. */
export const MAX_IDENTITY_POLICY_BYTES = 1024 * 1024;

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

const fail = (message: string): never => {
  throw new MalformedPolicyError(message);
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const decoder = new TextDecoder('utf-8', { fatal: true });

function decode(text: string | Uint8Array): string {
  if (typeof text === 'string') return text;
  try {
    return decoder.decode(text);
  } catch {
    return fail('This policy contains invalid Json');
  }
}

/** A string or a non-empty list of non-empty strings, as Action, Resource and AWS principals are written. */
function stringList(value: unknown, invalid: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(invalid);
  for (const v of list) if (typeof v !== 'string' || v === '') fail(invalid);
  return list as string[];
}

export function parseDocument(
  input: string | Uint8Array,
  kind: PolicyKind,
  bucket: string | undefined,
): ParsedPolicy {
  const text = decode(input);
  const limit = kind === 'resource' ? MAX_BUCKET_POLICY_BYTES : MAX_IDENTITY_POLICY_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > limit) throw new PolicyTooLargeError('Policy exceeds the maximum allowed document size.');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail('This policy contains invalid Json');
  }
  if (!isObject(doc)) return fail('This policy contains invalid Json');
  for (const field of Object.keys(doc)) if (!TOP_LEVEL.has(field)) fail(`Unknown field ${field}`);
  const version = doc.Version;
  if (version !== undefined && (typeof version !== 'string' || !VERSIONS.has(version))) {
    fail('The policy must contain a valid version string');
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') fail('Policy Id must be a string');
  const raw = doc.Statement;
  if (raw === undefined) fail('Missing required field Statement');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) {
    // S3's bucket-policy wording for an empty list differs from IAM's.
    fail(
      kind === 'resource'
        ? 'Could not parse the policy: Statement is empty!'
        : 'Missing required field Statement',
    );
  }
  // Variables are a 2012-10-17 feature: in older (or unversioned) documents `${…}` is literal text.
  const variables = version === '2012-10-17';
  const sids = new Set<string>();
  const statements = list.map((s) => parseStatement(s, kind, bucket, variables, sids));
  // Denies first: the first statement that applies then decides.
  return {
    version: version as string | undefined,
    statements: [...statements].sort((a, b) => +b.deny - +a.deny),
  };
}

function parseStatement(
  s: unknown,
  kind: PolicyKind,
  bucket: string | undefined,
  variables: boolean,
  sids: Set<string>,
): CompiledStatement {
  if (!isObject(s)) return fail('Statement must be an object');
  for (const field of Object.keys(s)) if (!STATEMENT_FIELDS.has(field)) fail(`Unknown field ${field}`);
  let sid: string | undefined;
  if (s.Sid !== undefined) {
    if (typeof s.Sid !== 'string') fail('Statement Sid must be a string');
    sid = s.Sid as string;
    if (sid !== '') {
      if (sids.has(sid)) fail(`Statement IDs (SID) must be unique: ${sid}`);
      sids.add(sid);
    }
  }

  if (s.Effect === undefined) fail('Missing required field Effect');
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') fail(`Invalid effect: ${String(s.Effect)}`);
  const deny = s.Effect === 'Deny';

  if (s.Action !== undefined && s.NotAction !== undefined)
    fail('Statement cannot have both Action and NotAction');
  if (s.Action === undefined && s.NotAction === undefined) fail('Missing required field Action');
  const notAction = s.NotAction !== undefined;
  const actions = stringList(notAction ? s.NotAction : s.Action, 'Policy has invalid action').map((a) =>
    a.toLowerCase(),
  );
  const services = servicesFor(kind);
  for (const a of actions) if (!isValidAction(a, services)) fail('Policy has invalid action');

  if (s.Resource !== undefined && s.NotResource !== undefined) {
    fail('Statement cannot have both Resource and NotResource');
  }
  const notResource = s.NotResource !== undefined;
  const rawResources = notResource ? s.NotResource : s.Resource;
  let resources: CompiledStatement['resources'];
  if (rawResources === undefined) {
    // MinIO's convention: admin, KMS and STS statements need no Resource and apply to any.
    const serviceWide = kind === 'identity' && !notAction && actions.every(isServiceWideAction);
    if (!serviceWide) fail('Missing required field Resource');
  } else {
    const list = stringList(rawResources, 'Policy has invalid resource');
    for (const r of list) if (!isValidResource(r, kind, bucket)) fail('Policy has invalid resource');
    resources = compileResources(list, variables);
  }

  if (s.Principal !== undefined && s.NotPrincipal !== undefined) {
    fail('Statement cannot have both Principal and NotPrincipal');
  }
  const notPrincipal = s.NotPrincipal !== undefined;
  const rawPrincipal = notPrincipal ? s.NotPrincipal : s.Principal;
  let principal: PrincipalMatcher | undefined;
  if (kind === 'identity') {
    if (rawPrincipal !== undefined) fail('Policy document should not specify a principal.');
  } else {
    if (rawPrincipal === undefined) fail('Missing required field Principal');
    principal = parsePrincipal(rawPrincipal);
  }

  const condition = s.Condition === undefined ? undefined : compileCondition(s.Condition, variables);
  return {
    sid,
    deny,
    actions: compileActions(actions),
    notAction,
    resources,
    notResource,
    principal,
    notPrincipal,
    condition,
  };
}

function isServiceWideAction(lowerAction: string): boolean {
  return lowerAction.startsWith('admin:') || lowerAction.startsWith('kms:') || lowerAction.startsWith('sts:');
}

// arn:partition:service:region:account:resource, the resource part not empty.
const ARN = /^arn:[^:]*:[^:]+:[^:]*:[^:]*:.+$/s;

function isValidResource(r: string, kind: PolicyKind, bucket: string | undefined): boolean {
  if (kind === 'identity') return r === '*' || ARN.test(r);
  if (bucket === undefined)
    return r === '*' || (r.startsWith('arn:aws:s3:::') && r.length > 'arn:aws:s3:::'.length);
  const base = `arn:aws:s3:::${bucket}`;
  return r === base || r.startsWith(`${base}/`);
}

/** "*", {"AWS": "*"}, or {"AWS": [identifiers]}; other principal types do not exist here. */
function parsePrincipal(raw: unknown): PrincipalMatcher {
  if (raw === '*') return { all: true, ids: new Set() };
  if (!isObject(raw)) return fail('Invalid principal in policy');
  const ids = new Set<string>();
  let all = false;
  const entries = Object.entries(raw);
  if (entries.length === 0) fail('Invalid principal in policy');
  for (const [type, value] of entries) {
    if (type !== 'AWS') fail('Invalid principal in policy');
    for (const id of stringList(value, 'Invalid principal in policy')) {
      if (id === '*') all = true;
      else if (id.includes('*') || id.includes('?')) fail('Invalid principal in policy');
      else ids.add(id);
    }
  }
  return { all, ids };
}
