import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { s3UrlEncode } from './listing.js';
import { decodeContinuationToken, encodeContinuationToken } from './ops/list-objects-v2.js';

describe('listing codecs', () => {
  it('url-encodes keys as S3 does: slashes kept, spaces as +, plus and specials escaped', () => {
    assert.equal(s3UrlEncode('a b/c+d&e=f☺'), 'a+b/c%2Bd%26e%3Df%E2%98%BA');
    assert.equal(s3UrlEncode("x*y(z)!'"), 'x%2Ay%28z%29%21%27');
    assert.equal(s3UrlEncode('a-b_c.d~e'), 'a-b_c.d~e');
  });

  it('round-trips continuation tokens and refuses forged ones', () => {
    for (const key of ['a', 'dir/ü/€ key', 'x'.repeat(1024)]) {
      assert.equal(decodeContinuationToken(encodeContinuationToken(key)), key);
    }
    assert.throws(() => decodeContinuationToken('not base64!'));
    assert.throws(() => decodeContinuationToken(''));
  });
});
