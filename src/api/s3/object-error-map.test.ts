import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ObjectLayerError } from '../../object/errors.js';
import { S3Error } from './errors.js';
import { toS3Error } from './object-error-map.js';

describe('object error map', () => {
  it('names the algorithm in BadDigest for a checksum mismatch, as AWS words it', () => {
    const err = toS3Error(new ObjectLayerError('ChecksumMismatch', 'x'), { checksumAlgorithm: 'CRC32C' });
    assert.equal(err?.code, 'BadDigest');
    assert.equal(err?.status, 400);
    assert.equal(err?.message, 'The CRC32C you specified did not match the calculated checksum.');
  });

  it('answers quorum loss with 503 SlowDown, which clients retry', () => {
    for (const kind of ['WriteQuorum', 'ReadQuorum'] as const) {
      const err = toS3Error(new ObjectLayerError(kind, 'x'), {});
      assert.equal(err?.code, 'SlowDown');
      assert.equal(err?.status, 503);
    }
  });

  it('adds the bucket, key or upload id the error is about', () => {
    const ctx = { bucket: 'b', key: 'k', uploadId: 'u' };
    assert.deepEqual(toS3Error(new ObjectLayerError('NoSuchBucket', 'x'), ctx)?.details, { BucketName: 'b' });
    assert.deepEqual(toS3Error(new ObjectLayerError('NoSuchKey', 'x'), ctx)?.details, { Key: 'k' });
    assert.deepEqual(toS3Error(new ObjectLayerError('NoSuchUpload', 'x'), ctx)?.details, { UploadId: 'u' });
  });

  it('passes S3 errors through and leaves unknown errors to the caller', () => {
    const s3 = new S3Error('AccessDenied');
    assert.equal(toS3Error(s3, {}), s3);
    assert.equal(toS3Error(new Error('boom'), {}), undefined);
  });
});
