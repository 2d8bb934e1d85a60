import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidBucketName } from './bucket-name.js';

describe('bucket names', () => {
  it('accepts lower-case names of 3 to 63 letters, digits, dots and hyphens', () => {
    for (const name of ['abc', 'my-bucket.2024', 'a'.repeat(63), '123'])
      assert.ok(isValidBucketName(name), name);
  });

  it('refuses the names S3 refuses', () => {
    for (const name of [
      'ab',
      'a'.repeat(64),
      'MyBucket',
      '-abc',
      'abc-',
      'a..b',
      'a.-b',
      '192.168.1.1',
      'xn--abc',
      'abc-s3alias',
      'a_b',
      'a b',
    ]) {
      assert.ok(!isValidBucketName(name), name);
    }
  });
});
