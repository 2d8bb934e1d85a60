import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { etagMatches, evaluateConditions } from './conditions.js';

const etag = 'd41d8cd98f00b204e9800998ecf8427e';
const modified = new Date('2024-05-01T12:00:00.500Z');
const before = 'Wed, 01 May 2024 11:00:00 GMT';
const same = 'Wed, 01 May 2024 12:00:00 GMT';
const after = 'Wed, 01 May 2024 13:00:00 GMT';

describe('conditional requests', () => {
  it('matches quoted, bare, weak, listed and wildcard ETags', () => {
    assert.ok(etagMatches(`"${etag}"`, etag));
    assert.ok(etagMatches(etag, etag));
    assert.ok(etagMatches(`W/"${etag}"`, etag));
    assert.ok(etagMatches(`"x", "${etag}"`, etag));
    assert.ok(etagMatches('*', etag));
    assert.ok(!etagMatches('"other"', etag));
  });

  it('fails If-Match on another ETag and If-Unmodified-Since on a later change', () => {
    assert.equal(evaluateConditions({ ifMatch: '"other"' }, etag, modified), 'precondition-failed');
    assert.equal(evaluateConditions({ ifUnmodifiedSince: before }, etag, modified), 'precondition-failed');
    assert.equal(evaluateConditions({ ifUnmodifiedSince: same }, etag, modified), 'proceed');
  });

  it('answers not-modified for a matching If-None-Match or an unchanged If-Modified-Since', () => {
    assert.equal(evaluateConditions({ ifNoneMatch: `"${etag}"` }, etag, modified), 'not-modified');
    assert.equal(evaluateConditions({ ifModifiedSince: same }, etag, modified), 'not-modified');
    assert.equal(evaluateConditions({ ifModifiedSince: before }, etag, modified), 'proceed');
  });

  it('follows S3 precedence: If-Match true wins over If-Unmodified-Since false', () => {
    assert.equal(
      evaluateConditions({ ifMatch: `"${etag}"`, ifUnmodifiedSince: before }, etag, modified),
      'proceed',
    );
  });

  it('follows S3 precedence: If-None-Match false with If-Modified-Since true proceeds', () => {
    assert.equal(
      evaluateConditions({ ifNoneMatch: '"other"', ifModifiedSince: after }, etag, modified),
      'proceed',
    );
  });

  it('ignores unparsable dates', () => {
    assert.equal(evaluateConditions({ ifModifiedSince: 'yesterday' }, etag, modified), 'proceed');
  });
});
