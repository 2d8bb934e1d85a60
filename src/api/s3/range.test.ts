import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Error } from './errors.js';
import { resolveCopySourceRange, resolveRange } from './range.js';

const invalidRange = (err: unknown) => err instanceof S3Error && err.code === 'InvalidRange';

describe('Range header', () => {
  it('resolves first-last, open-ended and suffix ranges', () => {
    assert.deepEqual(resolveRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(resolveRange('bytes=90-', 100), { start: 90, end: 99 });
    assert.deepEqual(resolveRange('bytes=-10', 100), { start: 90, end: 99 });
  });

  it('clamps a last byte past the end and a suffix longer than the object', () => {
    assert.deepEqual(resolveRange('bytes=50-1000', 100), { start: 50, end: 99 });
    assert.deepEqual(resolveRange('bytes=-1000', 100), { start: 0, end: 99 });
  });

  it('ignores absent, malformed and multi-range headers (the whole object is served)', () => {
    for (const v of [undefined, 'bytes=', 'items=0-1', 'bytes=5-2', 'bytes=0-1,5-6', 'bytes=a-b']) {
      assert.equal(resolveRange(v, 100), undefined, String(v));
    }
  });

  it('refuses ranges that start past the end, zero suffixes and any range of an empty object', () => {
    assert.throws(() => resolveRange('bytes=100-', 100), invalidRange);
    assert.throws(() => resolveRange('bytes=-0', 100), invalidRange);
    assert.throws(() => resolveRange('bytes=0-', 0), invalidRange);
  });

  it('requires copy-source ranges to be complete and inside the source', () => {
    assert.deepEqual(resolveCopySourceRange('bytes=0-4', 10), { start: 0, end: 4 });
    assert.deepEqual(resolveCopySourceRange('bytes=9-9', 10), { start: 9, end: 9 });
  });

  it('calls a copy-source range malformed unless it is one range with both ends, first <= last', () => {
    for (const v of [
      '0-2',
      'bytes=0',
      'bytes=0-',
      'bytes=-5',
      'bytes=hello-world',
      'bytes=0-bar',
      'bytes=hello-',
      'bytes=0-2,3-5',
      'byte=1-2',
      'bytes=5-2',
    ]) {
      assert.throws(
        () => resolveCopySourceRange(v, 10),
        (err: unknown) =>
          err instanceof S3Error &&
          err.code === 'InvalidArgument' &&
          err.message.startsWith('The x-amz-copy-source-range value must be of the form bytes=first-last') &&
          err.details.ArgumentValue === v,
        v,
      );
    }
  });

  it('refuses a copy-source range past the source with 416 InvalidRange naming its size', () => {
    for (const v of ['bytes=5-10', 'bytes=10-12', 'bytes=0-21', 'bytes=0-0']) {
      const size = v === 'bytes=0-0' ? 0 : 10;
      assert.throws(
        () => resolveCopySourceRange(v, size),
        (err: unknown) =>
          err instanceof S3Error &&
          err.code === 'InvalidRange' &&
          err.status === 416 &&
          err.message === `Range specified is not valid for source object of size: ${size}`,
        v,
      );
    }
  });
});
