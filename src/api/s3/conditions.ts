import { S3Error } from './errors.js';

/** The four conditional headers of a GET/HEAD (or their x-amz-copy-source-* forms on a copy). */
export interface Conditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
  ifUnmodifiedSince?: string | undefined;
}

/** What the conditions decided: go on, 304 Not Modified, or 412 Precondition Failed. */
export type ConditionOutcome = 'proceed' | 'not-modified' | 'precondition-failed';

function stripEtag(tag: string): string {
  let t = tag.trim();
  if (t.startsWith('W/')) t = t.slice(2);
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1);
  return t;
}

/** True when the header's list (`*`, or comma-separated, quoted or bare ETags) names `etag`. */
export function etagMatches(headerValue: string, etag: string): boolean {
  return headerValue.split(',').some((candidate) => {
    const t = candidate.trim();
    return t === '*' || stripEtag(t) === etag;
  });
}

/** HTTP dates compare at one-second resolution; an unparsable date makes its header ignored. */
function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * Evaluates the conditions in the order RFC 9110 and S3 use: If-Match (else If-Unmodified-Since) can
 * fail the request with 412; then If-None-Match (else If-Modified-Since) yields 304. So If-Match true
 * with If-Unmodified-Since false proceeds, and If-None-Match false with If-Modified-Since true is 304.
 */
export function evaluateConditions(c: Conditions, etag: string, lastModified: Date): ConditionOutcome {
  const modified = Math.floor(lastModified.getTime() / 1000);
  if (c.ifMatch !== undefined) {
    if (!etagMatches(c.ifMatch, etag)) return 'precondition-failed';
  } else {
    const since = parseHttpDate(c.ifUnmodifiedSince);
    if (since !== undefined && modified > since) return 'precondition-failed';
  }
  if (c.ifNoneMatch !== undefined) {
    if (etagMatches(c.ifNoneMatch, etag)) return 'not-modified';
  } else {
    const since = parseHttpDate(c.ifModifiedSince);
    if (since !== undefined && modified <= since) return 'not-modified';
  }
  return 'proceed';
}

/** Throws the S3 error for a failed outcome (GET/HEAD form: 304 or 412). */
export function enforceConditions(c: Conditions, etag: string, lastModified: Date): void {
  const outcome = evaluateConditions(c, etag, lastModified);
  if (outcome === 'precondition-failed') {
    throw new S3Error('PreconditionFailed', undefined, {
      Condition: c.ifMatch !== undefined ? 'If-Match' : 'If-Unmodified-Since',
    });
  }
  if (outcome === 'not-modified') throw new S3Error('NotModified');
}

/** Copy-source conditions: every failure, including the "not modified" ones, is 412. */
export function enforceCopySourceConditions(c: Conditions, etag: string, lastModified: Date): void {
  const outcome = evaluateConditions(c, etag, lastModified);
  if (outcome === 'proceed') return;
  let condition: string;
  if (outcome === 'precondition-failed') {
    condition =
      c.ifMatch !== undefined ? 'x-amz-copy-source-If-Match' : 'x-amz-copy-source-If-Unmodified-Since';
  } else {
    condition =
      c.ifNoneMatch !== undefined ? 'x-amz-copy-source-If-None-Match' : 'x-amz-copy-source-If-Modified-Since';
  }
  throw new S3Error('PreconditionFailed', undefined, { Condition: condition });
}
