import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalQueryString, canonicalUri, parseQuery, splitRawUrl } from './canonical-request.js';

describe('canonical request pieces', () => {
  it('re-encodes each path segment the way SDK signers encode it', () => {
    assert.equal(canonicalUri('/bucket/a%20b/%c3%bc'), '/bucket/a%20b/%C3%BC');
    assert.equal(canonicalUri("/bucket/it's(1)*!"), '/bucket/it%27s%281%29%2A%21');
    assert.equal(canonicalUri('/bucket/a+b/~x'), '/bucket/a%2Bb/~x');
    assert.equal(canonicalUri('/bucket/a%2Fb'), '/bucket/a%2Fb');
  });

  it('keeps empty segments and dot segments, since S3 does not normalise paths', () => {
    assert.equal(canonicalUri('/bucket//a/./b/../c'), '/bucket//a/./b/../c');
    assert.equal(canonicalUri('/'), '/');
  });

  it('keeps a stray percent sign as a literal %25', () => {
    assert.equal(canonicalUri('/bucket/100%'), '/bucket/100%25');
    assert.equal(canonicalUri('/bucket/%zz'), '/bucket/%25zz');
  });

  it('sorts query parameters by key then value and gives valueless keys an empty value', () => {
    const params = parseQuery('uploads&prefix=b&prefix=a&X-Amz-Signature=sig&max-keys=2');
    assert.equal(canonicalQueryString(params), 'X-Amz-Signature=sig&max-keys=2&prefix=a&prefix=b&uploads=');
    assert.equal(canonicalQueryString(params, 'X-Amz-Signature'), 'max-keys=2&prefix=a&prefix=b&uploads=');
  });

  it('decodes + in the query as a space and re-encodes it as %20', () => {
    assert.equal(canonicalQueryString(parseQuery('prefix=a+b%2bc')), 'prefix=a%20b%2Bc');
    assert.equal(parseQuery('prefix=a+b%2bc')[0]?.value, 'a b+c');
  });

  it('splits origin-form and absolute-form request targets', () => {
    assert.deepEqual(splitRawUrl('/b/k?acl'), { rawPath: '/b/k', rawQuery: 'acl' });
    assert.deepEqual(splitRawUrl('http://host:9000/b/k?x=1'), { rawPath: '/b/k', rawQuery: 'x=1' });
    assert.deepEqual(splitRawUrl('http://host:9000'), { rawPath: '/', rawQuery: '' });
  });
});
