// GetObjectAttributes as the AWS SDK calls it, answered as S3 does: only the requested attributes,
// ObjectParts listed part by part only for COMPOSITE checksums, S3's errors for a bad header.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import {
  type ChecksumType,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  type GetObjectAttributesCommandInput,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { assertS3Error, parseS3Error, rawRequest } from '../helpers/raw-http.js';
import { s3ErrorOf } from '../helpers/s3-client.js';
import { defaultSdkClient, sdkError } from './fixture.js';

const MiB = 1024 * 1024;

/** base64 of the big-endian CRC32, the S3 wire form. */
function crc32Of(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString('base64');
}

describe('GetObjectAttributes', () => {
  let cairn: CairnProcess;
  let s3: S3Client;
  const Bucket = 'attrs';
  const composite = [randomBytes(5 * MiB), randomBytes(5 * MiB + 7), randomBytes(10)];
  const ALL = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;

  const attributes = (Key: string, extra: Partial<GetObjectAttributesCommandInput> = {}) =>
    s3.send(new GetObjectAttributesCommand({ Bucket, Key, ObjectAttributes: [...ALL], ...extra }));

  /** A CRC32 multipart upload of `parts` with the given checksum type, completed. */
  async function crc32Multipart(Key: string, type: ChecksumType, parts: Buffer[]): Promise<void> {
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: 'CRC32', ChecksumType: type }),
    );
    const completed: CompletedPart[] = [];
    for (const [i, Body] of parts.entries()) {
      const out = await s3.send(
        new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: 'CRC32' }),
      );
      completed.push({ PartNumber: i + 1, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32 });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: completed } }),
    );
  }

  before(async () => {
    cairn = await startCairn({ drives: 4 });
    s3 = defaultSdkClient(cairn);
    await s3.send(new CreateBucketCommand({ Bucket }));
    await crc32Multipart('composite.bin', 'COMPOSITE', composite);
  });
  after(async () => {
    s3?.destroy();
    await cairn?.stop();
  });

  test('a single-part object answers its unquoted ETag, checksum, size and storage class, and no ObjectParts', async () => {
    const Body = Buffer.from('attributes of a small object');
    const sha = createHash('sha256').update(Body).digest('base64');
    await s3.send(new PutObjectCommand({ Bucket, Key: 'small.txt', Body, ChecksumSHA256: sha }));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'small.txt' }));

    const out = await attributes('small.txt');
    assert.equal(out.ETag, createHash('md5').update(Body).digest('hex'));
    assert.deepEqual(out.Checksum, { ChecksumSHA256: sha, ChecksumType: 'FULL_OBJECT' });
    assert.equal(out.ObjectSize, Body.length);
    assert.equal(out.StorageClass, 'STANDARD');
    assert.equal(out.ObjectParts, undefined);
    assert.equal(out.LastModified?.getTime(), head.LastModified?.getTime());
    assert.equal(out.VersionId, undefined);
  });

  test('only the requested attributes appear, in S3 order whatever the order asked', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'only.txt', Body: 'x', ChecksumAlgorithm: 'CRC32' }));
    const out = await s3.send(
      new GetObjectAttributesCommand({ Bucket, Key: 'only.txt', ObjectAttributes: ['ObjectSize'] }),
    );
    assert.equal(out.ObjectSize, 1);
    assert.equal(out.ETag, undefined);
    assert.equal(out.Checksum, undefined);
    assert.equal(out.StorageClass, undefined);

    // Spaces after commas (newer SDKs write them) and repeated names are accepted.
    const raw = await rawRequest(cairn, {
      method: 'GET',
      path: `/${Bucket}/only.txt`,
      query: { attributes: '' },
      headers: { 'x-amz-object-attributes': 'ObjectSize, StorageClass,ETag, ObjectSize' },
    });
    assert.equal(raw.status, 200, raw.body);
    assert.match(
      raw.body,
      /<GetObjectAttributesResponse xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><ETag>[0-9a-f]{32}<\/ETag><StorageClass>STANDARD<\/StorageClass><ObjectSize>1<\/ObjectSize><\/GetObjectAttributesResponse>/,
    );
    assert.ok(raw.headers['last-modified']);
  });

  test('a COMPOSITE multipart object lists its parts with their checksums and the checksum without -N', async () => {
    const out = await attributes('composite.bin');
    const digests = Buffer.concat(composite.map((p) => Buffer.from(crc32Of(p), 'base64')));
    assert.deepEqual(out.Checksum, { ChecksumCRC32: crc32Of(digests), ChecksumType: 'COMPOSITE' });
    assert.match(out.ETag ?? '', /^[0-9a-f]{32}-3$/);
    assert.equal(out.ObjectSize, 10 * MiB + 17);
    assert.deepEqual(out.ObjectParts, {
      TotalPartsCount: 3,
      PartNumberMarker: '0',
      NextPartNumberMarker: '3',
      MaxParts: 1000,
      IsTruncated: false,
      Parts: composite.map((p, i) => ({ PartNumber: i + 1, Size: p.length, ChecksumCRC32: crc32Of(p) })),
    });
  });

  test('ObjectParts pages with MaxParts and PartNumberMarker', async () => {
    const first = await attributes('composite.bin', { ObjectAttributes: ['ObjectParts'], MaxParts: 2 });
    assert.equal(first.ObjectParts?.TotalPartsCount, 3);
    assert.equal(first.ObjectParts?.MaxParts, 2);
    assert.equal(first.ObjectParts?.IsTruncated, true);
    assert.equal(first.ObjectParts?.NextPartNumberMarker, '2');
    assert.deepEqual(
      first.ObjectParts?.Parts?.map((p) => p.PartNumber),
      [1, 2],
    );

    const rest = await attributes('composite.bin', {
      ObjectAttributes: ['ObjectParts'],
      MaxParts: 2,
      PartNumberMarker: first.ObjectParts?.NextPartNumberMarker,
    });
    assert.equal(rest.ObjectParts?.PartNumberMarker, '2');
    assert.equal(rest.ObjectParts?.IsTruncated, false);
    assert.equal(rest.ObjectParts?.NextPartNumberMarker, '3');
    assert.deepEqual(rest.ObjectParts?.Parts, [
      { PartNumber: 3, Size: 10, ChecksumCRC32: crc32Of(composite[2] as Buffer) },
    ]);

    // Past the last part: no Part entries, nothing more to fetch.
    const past = await attributes('composite.bin', {
      ObjectAttributes: ['ObjectParts'],
      PartNumberMarker: '10',
    });
    assert.equal(past.ObjectParts?.TotalPartsCount, 3);
    assert.equal(past.ObjectParts?.IsTruncated, false);
    assert.equal(past.ObjectParts?.NextPartNumberMarker, '0');
    assert.equal(past.ObjectParts?.Parts, undefined);

    // S3 ignores a max-parts that is not a number instead of rejecting the request.
    const raw = await rawRequest(cairn, {
      method: 'GET',
      path: `/${Bucket}/composite.bin`,
      query: { attributes: '' },
      headers: { 'x-amz-object-attributes': 'ObjectParts', 'x-amz-max-parts': 'many' },
    });
    assert.equal(raw.status, 200, raw.body);
    assert.match(raw.body, /<ObjectParts><PartsCount>3<\/PartsCount>.*<MaxParts>1000<\/MaxParts>/);
  });

  test('a FULL_OBJECT multipart object answers the part count only', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(100)];
    await crc32Multipart('full.bin', 'FULL_OBJECT', parts);
    const out = await attributes('full.bin');
    assert.deepEqual(out.Checksum, {
      ChecksumCRC32: crc32Of(Buffer.concat(parts)),
      ChecksumType: 'FULL_OBJECT',
    });
    assert.deepEqual(out.ObjectParts, { TotalPartsCount: 2 });
  });

  test('a multipart object uploaded without a checksum algorithm answers the part count only', async () => {
    const Key = 'plain-mp.bin';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: Buffer.from('one part') }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    const out = await attributes(Key, { ObjectAttributes: ['ObjectParts', 'ObjectSize'] });
    assert.deepEqual(out.ObjectParts, { TotalPartsCount: 1 });
    assert.equal(out.ObjectSize, 8);
  });

  test('no attributes named is InvalidRequest; an unknown name is InvalidArgument naming it', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'errs.txt', Body: 'e' }));
    const empty = await s3
      .send(new GetObjectAttributesCommand({ Bucket, Key: 'errs.txt', ObjectAttributes: [] }))
      .then(
        () => assert.fail('expected an error'),
        (err: unknown) => s3ErrorOf(err),
      );
    assert.deepEqual(empty, {
      code: 'InvalidRequest',
      status: 400,
      message:
        'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
    });

    for (const value of [undefined, '', ' , ']) {
      const res = await rawRequest(cairn, {
        method: 'GET',
        path: `/${Bucket}/errs.txt`,
        query: { attributes: '' },
        headers: value === undefined ? {} : { 'x-amz-object-attributes': value },
      });
      assertS3Error(res, 400, 'InvalidRequest', `header ${JSON.stringify(value)}`);
    }

    const bad = await rawRequest(cairn, {
      method: 'GET',
      path: `/${Bucket}/errs.txt`,
      query: { attributes: '' },
      headers: { 'x-amz-object-attributes': 'ETag,ETags' },
    });
    assertS3Error(bad, 400, 'InvalidArgument');
    assert.equal(parseS3Error(bad.body)?.message, 'Invalid attribute name specified.');
    assert.match(bad.body, /<ArgumentName>x-amz-object-attributes<\/ArgumentName>/);
    assert.match(bad.body, /<ArgumentValue>ETags<\/ArgumentValue>/);

    // The header is judged before the key is looked up.
    const badOnMissing = await sdkError(
      s3.send(
        new GetObjectAttributesCommand({
          Bucket,
          Key: 'no-such-key',
          ObjectAttributes: ['Bogus' as 'ETag'],
        }),
      ),
    );
    assert.deepEqual(badOnMissing, { code: 'InvalidArgument', status: 400 });
  });

  test('a missing key is NoSuchKey; a missing bucket is NoSuchBucket before the header is judged', async () => {
    assert.deepEqual(await sdkError(attributes('no-such-key')), { code: 'NoSuchKey', status: 404 });
    assert.deepEqual(
      await sdkError(
        s3.send(new GetObjectAttributesCommand({ Bucket: 'no-such-bucket', Key: 'k', ObjectAttributes: [] })),
      ),
      { code: 'NoSuchBucket', status: 404 },
    );
  });
});
