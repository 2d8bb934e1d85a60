// Multipart uploads as lib-storage and hand-driven SDK calls perform them.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { assertS3Error, rawRequest } from '../helpers/raw-http.js';
import { bodyBytes } from '../helpers/s3-client.js';
import { DRIVE_COUNTS, defaultSdkClient, sdkError } from './fixture.js';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest();

/** The S3 multipart ETag: MD5 of the concatenated part MD5s, dash, part count. */
function multipartEtag(parts: Buffer[]): string {
  return `"${createHash('md5')
    .update(Buffer.concat(parts.map(md5)))
    .digest('hex')}-${parts.length}"`;
}

for (const drives of DRIVE_COUNTS) {
  describe(`multipart (${drives} drive${drives > 1 ? 's' : ''})`, () => {
    let cairn: CairnProcess;
    let s3: S3Client;
    const Bucket = 'multipart';

    before(async () => {
      cairn = await startCairn({ drives });
      s3 = defaultSdkClient(cairn);
      await s3.send(new CreateBucketCommand({ Bucket }));
    });
    after(async () => {
      s3?.destroy();
      await cairn?.stop();
    });

    test('lib-storage Upload of a 12 MiB stream stores every byte as a 3-part object', async () => {
      const data = randomBytes(12 * MiB + 123);
      const upload = new Upload({
        client: s3,
        params: { Bucket, Key: 'lib/big.bin', Body: Readable.from([data]), ContentType: 'application/x-big' },
        partSize: 5 * MiB,
        queueSize: 2,
      });
      const out = await upload.done();
      const parts = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)];
      assert.equal(out.ETag, multipartEtag(parts));
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'lib/big.bin' }));
      assert.equal(got.ContentType, 'application/x-big');
      assert.ok((await bodyBytes(got.Body)).equals(data));
    });

    test('GET with partNumber returns that part with 206 and the parts count', async () => {
      const a = randomBytes(5 * MiB);
      const b = randomBytes(1000);
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'parts.bin' }));
      const p1 = await s3.send(
        new UploadPartCommand({ Bucket, Key: 'parts.bin', UploadId, PartNumber: 1, Body: a }),
      );
      const p2 = await s3.send(
        new UploadPartCommand({ Bucket, Key: 'parts.bin', UploadId, PartNumber: 2, Body: b }),
      );
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'parts.bin',
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: p1.ETag, ChecksumCRC32: p1.ChecksumCRC32 },
              { PartNumber: 2, ETag: p2.ETag, ChecksumCRC32: p2.ChecksumCRC32 },
            ],
          },
        }),
      );
      assert.equal(done.ETag, multipartEtag([a, b]));
      assert.equal(done.Bucket, Bucket);
      assert.equal(done.Key, 'parts.bin');
      assert.match(done.Location ?? '', /\/multipart\/parts\.bin$/);
      const part2 = await s3.send(new GetObjectCommand({ Bucket, Key: 'parts.bin', PartNumber: 2 }));
      assert.equal(part2.$metadata.httpStatusCode, 206);
      assert.equal(part2.PartsCount, 2);
      assert.equal(part2.ContentRange, `bytes ${a.length}-${a.length + b.length - 1}/${a.length + b.length}`);
      assert.ok((await bodyBytes(part2.Body)).equals(b));
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'parts.bin', PartNumber: 1 }));
      assert.equal(head.ContentLength, a.length);
      const e = await sdkError(s3.send(new HeadObjectCommand({ Bucket, Key: 'parts.bin', PartNumber: 3 })));
      assert.equal(e.status, 416);
    });

    test('ListParts and ListMultipartUploads show an upload in progress; Abort removes it', async () => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'pending/obj' }));
      for (let n = 1; n <= 3; n++) {
        await s3.send(
          new UploadPartCommand({
            Bucket,
            Key: 'pending/obj',
            UploadId,
            PartNumber: n,
            Body: randomBytes(100),
          }),
        );
      }
      const page1 = await s3.send(
        new ListPartsCommand({ Bucket, Key: 'pending/obj', UploadId, MaxParts: 2 }),
      );
      assert.deepEqual(
        page1.Parts?.map((p) => [p.PartNumber, p.Size]),
        [
          [1, 100],
          [2, 100],
        ],
      );
      assert.equal(page1.IsTruncated, true);
      assert.equal(page1.NextPartNumberMarker, '2');
      const page2 = await s3.send(
        new ListPartsCommand({
          Bucket,
          Key: 'pending/obj',
          UploadId,
          PartNumberMarker: page1.NextPartNumberMarker,
        }),
      );
      assert.deepEqual(
        page2.Parts?.map((p) => p.PartNumber),
        [3],
      );
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'pending/' }));
      assert.deepEqual(
        uploads.Uploads?.map((u) => [u.Key, u.UploadId]),
        [['pending/obj', UploadId]],
      );
      const abort = await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'pending/obj', UploadId }));
      assert.equal(abort.$metadata.httpStatusCode, 204);
      assert.deepEqual(
        await sdkError(s3.send(new ListPartsCommand({ Bucket, Key: 'pending/obj', UploadId }))),
        {
          code: 'NoSuchUpload',
          status: 404,
        },
      );
    });

    test('Complete with a wrong ETag is InvalidPart, out of order is InvalidPartOrder, small parts EntityTooSmall', async () => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'bad-complete' }));
      const p1 = await s3.send(
        new UploadPartCommand({ Bucket, Key: 'bad-complete', UploadId, PartNumber: 1, Body: 'tiny' }),
      );
      const p2 = await s3.send(
        new UploadPartCommand({ Bucket, Key: 'bad-complete', UploadId, PartNumber: 2, Body: 'tiny' }),
      );
      const complete = (Parts: { PartNumber: number; ETag: string | undefined }[]) =>
        sdkError(
          s3.send(
            new CompleteMultipartUploadCommand({
              Bucket,
              Key: 'bad-complete',
              UploadId,
              MultipartUpload: { Parts },
            }),
          ),
        );
      assert.deepEqual(await complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]), {
        code: 'InvalidPart',
        status: 400,
      });
      assert.deepEqual(
        await complete([
          { PartNumber: 2, ETag: p2.ETag },
          { PartNumber: 1, ETag: p1.ETag },
        ]),
        { code: 'InvalidPartOrder', status: 400 },
      );
      assert.deepEqual(
        await complete([
          { PartNumber: 1, ETag: p1.ETag },
          { PartNumber: 2, ETag: p2.ETag },
        ]),
        { code: 'EntityTooSmall', status: 400 },
      );
    });

    test('Complete of an unknown upload is NoSuchUpload and a malformed body is MalformedXML', async () => {
      const e = await sdkError(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket,
            Key: 'x',
            UploadId: 'no-such-upload',
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"a"' }] },
          }),
        ),
      );
      assert.deepEqual(e, { code: 'NoSuchUpload', status: 404 });
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'malformed' }));
      const res = await rawRequest(cairn, {
        method: 'POST',
        path: `/${Bucket}/malformed`,
        query: { uploadId: UploadId! },
        body: '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>',
      });
      assertS3Error(res, 400, 'MalformedXML');
    });

    test('a part number outside 1..10000 is InvalidArgument', async () => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'pn' }));
      for (const partNumber of ['0', '10001', 'abc']) {
        const res = await rawRequest(cairn, {
          method: 'PUT',
          path: `/${Bucket}/pn`,
          query: { partNumber, uploadId: UploadId! },
          body: 'x',
        });
        assertS3Error(res, 400, 'InvalidArgument', partNumber);
      }
    });

    test('UploadPartCopy builds parts from ranges of an existing object', async () => {
      const src = randomBytes(6 * MiB);
      await s3.send(new PutObjectCommand({ Bucket, Key: 'copy-src.bin', Body: src }));
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'copy-dst.bin' }));
      const c1 = await s3.send(
        new UploadPartCopyCommand({
          Bucket,
          Key: 'copy-dst.bin',
          UploadId,
          PartNumber: 1,
          CopySource: `${Bucket}/copy-src.bin`,
          CopySourceRange: `bytes=0-${5 * MiB - 1}`,
        }),
      );
      const c2 = await s3.send(
        new UploadPartCopyCommand({
          Bucket,
          Key: 'copy-dst.bin',
          UploadId,
          PartNumber: 2,
          CopySource: `${Bucket}/copy-src.bin`,
          CopySourceRange: `bytes=${5 * MiB}-${6 * MiB - 1}`,
        }),
      );
      assert.ok(c1.CopyPartResult?.ETag && c1.CopyPartResult.LastModified instanceof Date);
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'copy-dst.bin',
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: c1.CopyPartResult?.ETag },
              { PartNumber: 2, ETag: c2.CopyPartResult?.ETag },
            ],
          },
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'copy-dst.bin' }));
      assert.ok((await bodyBytes(got.Body)).equals(src));
    });

    test('an upload created with a SHA256 checksum reports it per part and on the object', async () => {
      const a = randomBytes(5 * MiB);
      const b = randomBytes(10);
      const { UploadId, ChecksumAlgorithm } = await s3.send(
        new CreateMultipartUploadCommand({ Bucket, Key: 'sha.bin', ChecksumAlgorithm: 'SHA256' }),
      );
      assert.equal(ChecksumAlgorithm, 'SHA256');
      const sha = (x: Buffer) => createHash('sha256').update(x).digest('base64');
      const p1 = await s3.send(
        new UploadPartCommand({
          Bucket,
          Key: 'sha.bin',
          UploadId,
          PartNumber: 1,
          Body: a,
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      const p2 = await s3.send(
        new UploadPartCommand({
          Bucket,
          Key: 'sha.bin',
          UploadId,
          PartNumber: 2,
          Body: b,
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      assert.equal(p1.ChecksumSHA256, sha(a));
      const listed = await s3.send(new ListPartsCommand({ Bucket, Key: 'sha.bin', UploadId }));
      assert.equal(listed.Parts?.[1]?.ChecksumSHA256, sha(b));
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'sha.bin',
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: p1.ETag, ChecksumSHA256: p1.ChecksumSHA256 },
              { PartNumber: 2, ETag: p2.ETag, ChecksumSHA256: p2.ChecksumSHA256 },
            ],
          },
        }),
      );
      const composite = `${createHash('sha256')
        .update(Buffer.concat([Buffer.from(sha(a), 'base64'), Buffer.from(sha(b), 'base64')]))
        .digest('base64')}-2`;
      assert.equal(done.ChecksumSHA256, composite);
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'sha.bin', ChecksumMode: 'ENABLED' }));
      assert.ok((await bodyBytes(got.Body)).equals(Buffer.concat([a, b])));
    });
  });
}
