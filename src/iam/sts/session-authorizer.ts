/**
 * Authorization of temporary credentials: a session may do what its parent may do right now,
 * and no more. (The session policy narrows that further once policies can be evaluated.)
 */
import type { Authorizer } from '../authorizer.js';

/** `inner`, extended to temporary principals: each request is decided as the parent's. */
export function sessionAuthorizer(inner: Authorizer): Authorizer {
  return {
    authorize(request) {
      const { principal } = request;
      if (principal.kind !== 'temporary') return inner.authorize(request);
      return inner.authorize({ ...request, principal: principal.parent });
    },
  };
}
