import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type {
  Authorizer,
  ConditionContext,
  Identity,
  IdentityStore,
  Principal,
} from '../../iam/authorizer.js';
import type { ObjectLayer } from '../../object/object-layer.js';
import { recordPrincipal } from '../principal-facts.js';
import type { ApiRequest, Mount } from '../server.js';
import { temporaryIdentity } from '../sts/session-identity.js';
import { isStsRequest, type StsOptions, serveSts } from '../sts/sts-handler.js';
import { bucketFromHost, parseTarget } from './addressing.js';
import { openRequestBody } from './auth/request-body.js';
import { type AuthResult, authenticate, type SignedAuth } from './auth/sigv4.js';
import type { DecodedBody, Owner, S3Context } from './context.js';
import { answerS3Error, type FailedRequest } from './error-answer.js';
import { S3Error } from './errors.js';
import { ANONYMOUS, authorizeAction, conditionContext, routeAction } from './request-authorization.js';
import { setCommonHeaders } from './response.js';
import { type Route, route } from './router.js';

export interface S3HandlerOptions {
  objects: ObjectLayer;
  /** Who an access key is (and its secret, for signature checks). */
  identities: IdentityStore;
  /** Whether a principal may perform an action on a bucket or object. */
  authorizer: Authorizer;
  /** The canonical owner reported in listings and ACLs. */
  owner: Owner;
  /** Domains for virtual-host-style addressing: Host `<bucket>.<domain>` names a bucket. */
  domains: string[];
  region: string;
  /**
   * Refuse requests signed for another region (AWS behaviour). Off when the operator named no
   * region: then, as with MinIO, any region a client signs with is accepted.
   */
  enforceRegion?: boolean;
  /** STS (AssumeRole) on this endpoint, and the temporary credentials it issues; absent: neither. */
  sts?: StsOptions;
}

/** The canonical owner of everything while the root user owns everything: derived from its key. */
export function ownerFor(accessKey: string): Owner {
  return {
    id: createHash('sha256').update(`cairn-owner:${accessKey}`).digest('hex'),
    displayName: accessKey,
  };
}

/** Operations S3 answers whatever region the request was signed for (clients use them to find it). */
const ANY_REGION = new Set(['ListBuckets', 'GetBucketLocation']);

function checkRegion(auth: SignedAuth, op: Route, region: string): void {
  if (auth.signatureVersion === 2) return; // V2 signs no region
  if (auth.region === region || ANY_REGION.has(op.name)) return;
  const problem = `the region '${auth.region}' is wrong; expecting '${region}'`;
  throw auth.presigned
    ? new S3Error(
        'AuthorizationQueryParametersError',
        `Error parsing the X-Amz-Credential parameter; ${problem}`,
        {
          Region: region,
        },
      )
    : new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${problem}`, {
        Region: region,
      });
}

/**
 * Sends `100 Continue` when the operation first reads the body, so that everything it checks before
 * (headers, whether the bucket or upload exists) is answered before the client uploads anything.
 * A Readable calls _read only when a consumer asks for data.
 */
function continueOnFirstRead(body: Readable, res: ServerResponse): void {
  const read = body._read;
  body._read = function (this: Readable, size: number) {
    body._read = read;
    if (!res.headersSent) res.writeContinue();
    read.call(this, size);
  };
}

/**
 * The S3 front, mounted at `/`: addressing, authentication, routing, authorization, then one
 * operation module. Every response carries a request id; every failure is an S3 XML error
 * (bodiless for HEAD); unexpected failures are logged with the request id and answered
 * InternalError. It never throws. With `continuePending` (Expect: 100-continue, nothing sent yet)
 * the `100 Continue` waits until the request is authenticated, routed and authorized and its
 * operation starts reading the body.
 */
export function s3Mount(opts: S3HandlerOptions): Mount {
  /** Who signed: long-term keys, or temporary credentials with their session token. */
  const lookupIdentity = (accessKey: string, sessionToken: string | undefined): Identity | undefined =>
    sessionToken === undefined
      ? opts.identities.lookup(accessKey)
      : temporaryIdentity(opts.sts?.sessions, accessKey, sessionToken);
  const handle = (r: ApiRequest): void => {
    const { req, res } = r;
    const failed: FailedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      resource: '/',
      errorContext: {},
      body: undefined,
    };
    const fail = (err: unknown) => answerS3Error(r, failed, err);
    const method = failed.method;
    try {
      setCommonHeaders(res, r.id);
      const hostBucket = bucketFromHost(req.headers.host, opts.domains);
      if (opts.sts !== undefined && isStsRequest(method, req.url ?? '/', req.headers, hostBucket)) {
        serveSts(r, opts.sts);
        return;
      }
      const target = parseTarget(req.url ?? '/', req.headers.host, opts.domains);
      failed.resource = target.resource;
      failed.errorContext = { bucket: target.bucket, key: target.key };
      if (target.bucket !== undefined) r.facts.bucket = target.bucket;
      if (target.key !== undefined && target.key !== '') r.facts.object = target.key;
      // The identity the signature was checked against is the one the request acts as.
      let identity: Identity | undefined;
      let auth: AuthResult = authenticate(
        {
          method,
          rawUrl: req.url ?? '/',
          headers: req.headers,
          // Node rebuilds headersDistinct from the raw lines on every access, and it tells more
          // than `headers` only when some header name repeats.
          ...(req.rawHeaders.length !== 2 * Object.keys(req.headers).length
            ? { headersDistinct: req.headersDistinct }
            : {}),
          virtualHostBucket: hostBucket,
        },
        (accessKey, sessionToken) => {
          identity = lookupIdentity(accessKey, sessionToken);
          return identity?.secretKey;
        },
      );
      const principal: Principal = auth.kind === 'signed' && identity ? identity.principal : ANONYMOUS;
      if (auth.kind === 'signed') {
        r.facts.principal = auth.accessKey;
        if (identity) recordPrincipal(r.facts, identity.principal);
      }
      let op: Route;
      try {
        op = route({
          method,
          bucket: target.bucket,
          key: target.key,
          query: target.query,
          headers: req.headers,
        });
      } catch (err) {
        // An anonymous caller learns nothing about what is routable: it is refused first.
        if (principal.kind === 'anonymous') throw new S3Error('AccessDenied');
        throw err;
      }
      r.facts.api = op.name;
      if (opts.enforceRegion && auth.kind === 'signed') checkRegion(auth, op, opts.region);
      // Who the request acts as: a form upload's signature may name it later (ctx.actAs).
      let acting = principal;
      // Built once, and only when a policy's Condition asks.
      let context: ConditionContext | undefined;
      const conditions = () => {
        context ??= conditionContext(req, auth, target.query, acting);
        return context;
      };
      // Operations that touch many keys (DeleteObjects) authorize each key themselves; a form
      // upload (POST Object) authorizes the identity its form's own signature proves.
      const decided =
        op.perObject || op.formAuth
          ? undefined
          : authorizeAction(
              opts.authorizer,
              principal,
              routeAction(op, target.query),
              target.bucket,
              target.key,
              conditions,
            );
      const ctx: S3Context = {
        requestId: r.id,
        req,
        res,
        method,
        bucket: target.bucket ?? '',
        key: target.key ?? '',
        query: target.query,
        objects: opts.objects,
        region: opts.region,
        owner: opts.owner,
        principal,
        authorize: async (action, bucket, key) =>
          authorizeAction(opts.authorizer, acting, action, bucket, key, conditions),
        lookupIdentity,
        actAs: (signed, who) => {
          auth = signed;
          acting = who;
          ctx.principal = who;
          context = undefined;
          r.facts.principal = signed.accessKey;
          recordPrincipal(r.facts, who);
        },
        errorContext: failed.errorContext,
        // A getter: the request's logger is made only if something logs.
        get log() {
          return r.log;
        },
        body: () => {
          if (failed.body !== undefined) throw new Error('request body opened twice');
          const body: DecodedBody = openRequestBody(req, auth);
          failed.body = body;
          if (r.continuePending) continueOnFirstRead(body, res);
          // Consumers attach their own listeners; this one keeps an unconsumed body's late error
          // (client gone) from becoming an uncaught exception.
          body.on('error', () => {});
          return body;
        },
      };
      // Root is decided synchronously: no promise on its path.
      if (decided === undefined) op.handler(ctx).catch(fail);
      else decided.then(() => op.handler(ctx)).catch(fail);
    } catch (err) {
      fail(err);
    }
  };
  return { prefix: '/', handle, bandwidthLimited: true };
}
