/** Records who a request acts as in its completion facts (trace, audit and metrics read them). */
import type { Principal } from '../iam/authorizer.js';
import type { RequestFacts } from './server.js';

/** Sets the facts' principal (the access key), its kind and, for delegated credentials, its parent user. */
export function recordPrincipal(facts: RequestFacts, principal: Principal): void {
  if (principal.kind === 'anonymous') return;
  facts.principal = principal.accessKey;
  facts.principalKind = principal.kind;
  if (principal.kind === 'serviceAccount') facts.parentUser = principal.parent;
  else if (principal.kind === 'temporary')
    facts.parentUser = principal.parent.kind === 'user' ? principal.parent.name : principal.parent.accessKey;
}
