/**
 * STS on the S3 endpoint, as MinIO serves it: a SigV4-signed (service `sts`) form POST to `/`.
 * AssumeRole is served; the other STS actions answer NotImplemented. The caller (the root user or
 * an IAM user; not temporary credentials or service accounts, as in MinIO) receives temporary
 * credentials acting for itself, narrowed by an optional session policy.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Identity, IdentityStore } from '../../iam/authorizer.js';
import { MalformedPolicyError } from '../../iam/policy/policy.js';
import { SessionPolicyTooLarge, validateSessionPolicy } from '../../iam/sts/session-policy.js';
import type { SessionParentPrincipal, TemporaryCredentials } from '../../iam/sts/temporary-credentials.js';
import { recordPrincipal } from '../principal-facts.js';
import { authenticate } from '../s3/auth/sigv4.js';
import { isS3Error } from '../s3/errors.js';
import type { ApiRequest } from '../server.js';
import { checkAction, sessionDuration, sessionPolicyText } from './assume-role-form.js';
import { StsError } from './sts-errors.js';
import { assumeRoleResponseXml, stsErrorXml } from './sts-xml.js';

export interface StsOptions {
  /** Who the caller is. */
  identities: IdentityStore;
  sessions: TemporaryCredentials;
  region: string;
  /** Refuse requests signed for another region (as the S3 front does when a region is configured). */
  enforceRegion?: boolean;
}

/** STS form bodies are small: parameters and a session policy of at most 2048 packed characters. */
const MAX_FORM_BYTES = 64 * 1024;

/**
 * Whether a request on the S3 endpoint is an STS call (MinIO's rule): a POST of a form to `/`
 * with no query string and no bucket in the Host. No S3 operation has that shape.
 */
export function isStsRequest(
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
  hostBucket: string | undefined,
): boolean {
  return (
    method === 'POST' &&
    rawUrl === '/' &&
    hostBucket === undefined &&
    (headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')
  );
}

/** Answers an STS request. Never throws: every failure is an STS XML error. */
export function serveSts(r: ApiRequest, opts: StsOptions): void {
  r.facts.api = 'STS';
  assumeRole(r, opts).catch((err: unknown) => answerError(r, err));
}

async function assumeRole(r: ApiRequest, opts: StsOptions): Promise<void> {
  const body = await readForm(r);
  const form = new URLSearchParams(body.toString('utf8'));
  r.facts.api = checkAction(form);
  const caller = authenticateCaller(r, opts, body);
  recordPrincipal(r.facts, caller.principal);
  const policy = sessionPolicy(form);
  const duration = sessionDuration(form);
  const credentials = opts.sessions.issue(caller.principal, caller.secretKey, duration, policy);
  send(r, 200, assumeRoleResponseXml(credentials, r.id));
}

/** The packed session policy, when the form has one: MalformedPolicyDocument or PackedPolicyTooLarge otherwise. */
function sessionPolicy(form: URLSearchParams): string | undefined {
  const text = sessionPolicyText(form);
  if (text === undefined) return undefined;
  try {
    return validateSessionPolicy(text);
  } catch (err) {
    if (err instanceof MalformedPolicyError) throw new StsError('MalformedPolicyDocument', err.message);
    if (err instanceof SessionPolicyTooLarge) throw new StsError('PackedPolicyTooLarge', err.message);
    throw err;
  }
}

/** The caller, when the request is signed for STS by a principal that may assume a role. */
function authenticateCaller(
  r: ApiRequest,
  opts: StsOptions,
  body: Buffer,
): { principal: SessionParentPrincipal; secretKey: string } {
  const { req } = r;
  const authorization = req.headers.authorization;
  // MinIO serves AssumeRole only to SigV4 header-signed requests.
  if (typeof authorization !== 'string' || !authorization.startsWith('AWS4-HMAC-SHA256')) {
    throw new StsError('AccessDenied');
  }
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const sentHash = req.headers['x-amz-content-sha256'];
  if (sentHash !== undefined && sentHash !== payloadHash) {
    // The signature must cover these very parameters: an unsigned or mismatched body is refused.
    throw new StsError(
      'AccessDenied',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  let identity: Identity | undefined;
  let auth: ReturnType<typeof authenticate>;
  try {
    auth = authenticate(
      {
        method: 'POST',
        rawUrl: req.url ?? '/',
        headers: req.headers,
        ...(req.rawHeaders.length !== 2 * Object.keys(req.headers).length
          ? { headersDistinct: req.headersDistinct }
          : {}),
        service: 'sts',
        payloadHash,
      },
      (accessKey, sessionToken) => {
        // Temporary credentials cannot make further temporary credentials (MinIO).
        if (sessionToken !== undefined) throw new StsError('AccessDenied');
        identity = opts.identities.lookup(accessKey);
        return identity?.secretKey;
      },
    );
  } catch (err) {
    // As MinIO: an authentication failure is AccessDenied, in the words of the S3 error.
    if (isS3Error(err)) throw new StsError('AccessDenied', err.message);
    throw err;
  }
  if (auth.kind !== 'signed' || identity === undefined) throw new StsError('AccessDenied');
  if (opts.enforceRegion && auth.signatureVersion === 4 && auth.region !== opts.region) {
    throw new StsError(
      'AccessDenied',
      `The authorization header is malformed; the region '${auth.region}' is wrong; expecting '${opts.region}'`,
    );
  }
  const { principal, secretKey } = identity;
  // Service accounts and temporary credentials cannot assume a role (MinIO).
  if (principal.kind !== 'root' && principal.kind !== 'user') throw new StsError('AccessDenied');
  return { principal, secretKey };
}

function readForm(r: ApiRequest): Promise<Buffer> {
  const { req, res } = r;
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_FORM_BYTES) return Promise.reject(new StsError('RequestEntityTooLarge'));
  if (r.continuePending) res.writeContinue();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= MAX_FORM_BYTES) {
        chunks.push(chunk);
        return;
      }
      // Stop keeping the body but leave the stream alone, so the answer can still be sent.
      req.off('data', onData);
      req.off('end', onEnd);
      reject(new StsError('RequestEntityTooLarge'));
    };
    const onEnd = () => resolve(Buffer.concat(chunks, total));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

function send(r: ApiRequest, status: number, xml: string, extra: Record<string, string> = {}): void {
  const body = Buffer.from(xml, 'utf8');
  r.res.statusCode = status;
  for (const [name, value] of Object.entries(extra)) r.res.setHeader(name, value);
  r.res.setHeader('Content-Type', 'text/xml');
  r.res.setHeader('Content-Length', body.length);
  r.res.end(body);
}

function answerError(r: ApiRequest, err: unknown): void {
  const { req, res } = r;
  if (res.destroyed || req.socket?.destroyed || res.headersSent) return;
  let sts: StsError;
  if (err instanceof StsError) {
    sts = err;
  } else {
    r.log.error('STS request failed', { err });
    sts = new StsError('InternalError');
  }
  r.facts.errorCode = sts.code;
  // A body left unread (refused before or while reading it) is not drained: the connection closes.
  const extra: Record<string, string> = req.readableEnded ? {} : { Connection: 'close' };
  if (!req.readableEnded) req.resume();
  send(r, sts.status, stsErrorXml(sts, r.id), extra);
}
