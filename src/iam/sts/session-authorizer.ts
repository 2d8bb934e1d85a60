/**
 * Authorization of temporary credentials: a session may do what its parent may do right now,
 * and, when it has a session policy, only what that policy also allows (AWS: the effective
 * permissions are the intersection of the identity's policies and the session policy; an explicit
 * Deny in either denies).
 */
import type { Authorizer } from '../authorizer.js';
import { evaluatePolicy } from '../policy/policy.js';

const NO_PRINCIPALS: readonly string[] = [];

/** `inner`, extended to temporary principals: each request is decided as the parent's, then narrowed. */
export function sessionAuthorizer(inner: Authorizer): Authorizer {
  return {
    authorize(request) {
      const { principal } = request;
      if (principal.kind !== 'temporary') return inner.authorize(request);
      // The session policy first: it is in memory, while the parent's decision may need a bucket
      // policy read.
      if (
        principal.sessionPolicy !== undefined &&
        evaluatePolicy(principal.sessionPolicy, { ...request, principals: NO_PRINCIPALS }) !== 'allow'
      ) {
        return false;
      }
      return inner.authorize({ ...request, principal: principal.parent });
    },
  };
}
