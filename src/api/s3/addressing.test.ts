import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketFromHost, parseTarget } from './addressing.js';
import { S3Error } from './errors.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof S3Error ? err.code : 'not-s3';
  }
  return undefined;
}

describe('request addressing', () => {
  it('reads bucket and key path-style, decoding the key and keeping its slashes', () => {
    const t = parseTarget('/photos/2024/a%20b%2Bc//d.jpg?uploads', 'localhost:9000', []);
    assert.equal(t.bucket, 'photos');
    assert.equal(t.key, '2024/a b+c//d.jpg');
    assert.ok(t.query.has('uploads'));
    assert.equal(t.resource, '/photos/2024/a b+c//d.jpg');
  });

  it('treats / as the service and /bucket and /bucket/ as the bucket', () => {
    assert.equal(parseTarget('/', undefined, []).bucket, undefined);
    const b = parseTarget('/bkt/', undefined, []);
    assert.equal(b.bucket, 'bkt');
    assert.equal(b.key, undefined);
  });

  it('reads the bucket from a virtual-host Host header for a configured domain', () => {
    const t = parseTarget('/dir/file.txt', 'my.bucket.s3.example.com:9000', ['s3.example.com']);
    assert.equal(t.bucket, 'my.bucket');
    assert.equal(t.key, 'dir/file.txt');
    assert.equal(bucketFromHost('s3.example.com', ['s3.example.com']), undefined);
    assert.equal(bucketFromHost('other.org', ['s3.example.com']), undefined);
  });

  it('decodes UTF-8 keys, percent-encoded or raw', () => {
    assert.equal(parseTarget('/b/%E2%98%BA', undefined, []).key, '☺');
    assert.equal(parseTarget(`/b/${Buffer.from('☺').toString('latin1')}`, undefined, []).key, '☺');
  });

  it('answers InvalidURI for bad escapes and invalid UTF-8', () => {
    assert.equal(
      code(() => parseTarget('/b/%zz', undefined, [])),
      'InvalidURI',
    );
    assert.equal(
      code(() => parseTarget('/b/%C3%28', undefined, [])),
      'InvalidURI',
    );
  });

  it('answers KeyTooLongError past 1024 bytes of UTF-8', () => {
    assert.equal(parseTarget(`/b/${'k'.repeat(1024)}`, undefined, []).key?.length, 1024);
    assert.equal(
      code(() => parseTarget(`/b/${encodeURIComponent('é'.repeat(513))}`, undefined, [])),
      'KeyTooLongError',
    );
  });
});
