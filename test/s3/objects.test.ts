// PutObject, GetObject, HeadObject, DeleteObject and CopyObject as the AWS SDK sees them, on one
// drive and on four.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { assertS3Error, rawRequest, rawSocket, signedRequestHead } from '../helpers/raw-http.js';
import { bodyBytes } from '../helpers/s3-client.js';
import { DRIVE_COUNTS, defaultSdkClient, sdkError } from './fixture.js';

const md5hex = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

for (const drives of DRIVE_COUNTS) {
  describe(`objects (${drives} drive${drives > 1 ? 's' : ''})`, () => {
    let cairn: CairnProcess;
    let s3: S3Client;
    const Bucket = 'objects';
    const big = randomBytes(3 * 1024 * 1024 + 17);

    before(async () => {
      cairn = await startCairn({ drives });
      s3 = defaultSdkClient(cairn);
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(new PutObjectCommand({ Bucket, Key: 'big.bin', Body: big }));
      await s3.send(
        new PutObjectCommand({ Bucket, Key: 'hello.txt', Body: 'hello, world', ContentType: 'text/plain' }),
      );
    });
    after(async () => {
      s3?.destroy();
      await cairn?.stop();
    });

    test('PUT then GET returns the same bytes, quoted ETag (the MD5), length and last-modified', async () => {
      const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'a/b c+d.txt', Body: 'some bytes' }));
      assert.equal(put.ETag, `"${md5hex('some bytes')}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'a/b c+d.txt' }));
      assert.equal((await bodyBytes(got.Body)).toString(), 'some bytes');
      assert.equal(got.ETag, put.ETag);
      assert.equal(got.ContentLength, 10);
      assert.equal(got.AcceptRanges, 'bytes');
      assert.ok(
        got.LastModified instanceof Date && Math.abs(got.LastModified.getTime() - Date.now()) < 60_000,
      );
    });

    test('a 3 MiB object round-trips byte for byte', async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin' }));
      assert.ok((await bodyBytes(got.Body)).equals(big));
      assert.equal(got.ETag, `"${md5hex(big)}"`);
    });

    test('a streamed PUT (aws-chunked with a CRC32 trailer) stores the bytes and echoes the checksum', async () => {
      const data = randomBytes(200_000);
      const put = await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: 'streamed.bin',
          Body: Readable.from([data]),
          ContentLength: data.length,
        }),
      );
      assert.ok(put.ChecksumCRC32, 'the CRC32 is echoed');
      const got = await s3.send(
        new GetObjectCommand({ Bucket, Key: 'streamed.bin', ChecksumMode: 'ENABLED' }),
      );
      assert.ok((await bodyBytes(got.Body)).equals(data));
      assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
    });

    test('content headers and x-amz-meta-* are stored and returned by GET and HEAD', async () => {
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: 'meta.txt',
          Body: 'x',
          ContentType: 'text/markdown',
          ContentEncoding: 'identity',
          ContentDisposition: 'attachment; filename="m.txt"',
          ContentLanguage: 'fr',
          CacheControl: 'max-age=60',
          Expires: new Date('2030-01-01T00:00:00Z'),
          Metadata: { color: 'blue', 'Multi-Word': 'a b' },
        }),
      );
      for (const out of [
        await s3.send(new HeadObjectCommand({ Bucket, Key: 'meta.txt' })),
        await s3.send(new GetObjectCommand({ Bucket, Key: 'meta.txt' })),
      ]) {
        assert.equal(out.ContentType, 'text/markdown');
        assert.equal(out.ContentEncoding, 'identity');
        assert.equal(out.ContentDisposition, 'attachment; filename="m.txt"');
        assert.equal(out.ContentLanguage, 'fr');
        assert.equal(out.CacheControl, 'max-age=60');
        assert.equal(out.Expires?.toISOString(), '2030-01-01T00:00:00.000Z');
        assert.deepEqual(out.Metadata, { color: 'blue', 'multi-word': 'a b' });
      }
    });

    test('user metadata over 2 KB is MetadataTooLarge', async () => {
      const e = await sdkError(
        s3.send(
          new PutObjectCommand({ Bucket, Key: 'toolarge', Body: 'x', Metadata: { big: 'v'.repeat(2100) } }),
        ),
      );
      assert.deepEqual(e, { code: 'MetadataTooLarge', status: 400 });
    });

    test('GET with a range returns 206, the bytes and Content-Range', async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin', Range: 'bytes=100-199' }));
      assert.equal(got.$metadata.httpStatusCode, 206);
      assert.equal(got.ContentRange, `bytes 100-199/${big.length}`);
      assert.ok((await bodyBytes(got.Body)).equals(big.subarray(100, 200)));
    });

    test('GET with a suffix range returns the last N bytes', async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin', Range: 'bytes=-1000' }));
      assert.equal(got.$metadata.httpStatusCode, 206);
      assert.ok((await bodyBytes(got.Body)).equals(big.subarray(big.length - 1000)));
    });

    test('GET with an open-ended range crossing erasure blocks returns the tail', async () => {
      const start = 1024 * 1024 - 5;
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin', Range: `bytes=${start}-` }));
      assert.ok((await bodyBytes(got.Body)).equals(big.subarray(start)));
    });

    test('GET with an unsatisfiable range is 416 InvalidRange with Content-Range bytes */size', async () => {
      const res = await rawRequest(cairn, {
        method: 'GET',
        path: `/${Bucket}/hello.txt`,
        headers: { range: 'bytes=50-60' },
      });
      assertS3Error(res, 416, 'InvalidRange');
      assert.equal(res.headers['content-range'], 'bytes */12');
    });

    test('GET with several ranges returns the whole object with 200', async () => {
      const res = await rawRequest(cairn, {
        method: 'GET',
        path: `/${Bucket}/hello.txt`,
        headers: { range: 'bytes=0-1,4-5' },
      });
      assert.equal(res.status, 200);
      assert.equal(res.body, 'hello, world');
    });

    test('If-None-Match with the current ETag answers 304 without a body; If-Match with another is 412', async () => {
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'hello.txt' }));
      const notModified = await rawRequest(cairn, {
        method: 'GET',
        path: `/${Bucket}/hello.txt`,
        headers: { 'if-none-match': head.ETag! },
      });
      assert.equal(notModified.status, 304);
      assert.equal(notModified.body, '');
      assert.equal(notModified.headers.etag, head.ETag);
      const failed = await rawRequest(cairn, {
        method: 'GET',
        path: `/${Bucket}/hello.txt`,
        headers: { 'if-match': '"nope"' },
      });
      assertS3Error(failed, 412, 'PreconditionFailed');
      const ok = await rawRequest(cairn, {
        method: 'GET',
        path: `/${Bucket}/hello.txt`,
        headers: { 'if-match': head.ETag! },
      });
      assert.equal(ok.status, 200);
    });

    test('If-Modified-Since after the change is 304 and If-Unmodified-Since before it is 412', async () => {
      const future = new Date(Date.now() + 3600_000);
      const past = new Date(Date.now() - 3600_000);
      const e304 = await sdkError(
        s3.send(new GetObjectCommand({ Bucket, Key: 'hello.txt', IfModifiedSince: future })),
      );
      assert.equal(e304.status, 304);
      const e412 = await sdkError(
        s3.send(new GetObjectCommand({ Bucket, Key: 'hello.txt', IfUnmodifiedSince: past })),
      );
      assert.deepEqual(e412, { code: 'PreconditionFailed', status: 412 });
    });

    test('response-* query parameters override the returned headers', async () => {
      const got = await s3.send(
        new GetObjectCommand({
          Bucket,
          Key: 'hello.txt',
          ResponseContentType: 'application/x-test',
          ResponseContentDisposition: 'inline',
          ResponseCacheControl: 'no-store',
        }),
      );
      assert.equal(got.ContentType, 'application/x-test');
      assert.equal(got.ContentDisposition, 'inline');
      assert.equal(got.CacheControl, 'no-store');
      await bodyBytes(got.Body);
    });

    test('GET and HEAD of a missing key are 404 NoSuchKey (HEAD without a body)', async () => {
      assert.deepEqual(await sdkError(s3.send(new GetObjectCommand({ Bucket, Key: 'missing' }))), {
        code: 'NoSuchKey',
        status: 404,
      });
      const head = await rawRequest(cairn, { method: 'HEAD', path: `/${Bucket}/missing` });
      assert.equal(head.status, 404);
      assert.equal(head.body, '');
      assert.ok(head.headers['x-amz-request-id']);
    });

    test('PUT with If-None-Match: * fails with 412 when the key exists and succeeds when it does not', async () => {
      const e = await sdkError(
        s3.send(new PutObjectCommand({ Bucket, Key: 'hello.txt', Body: 'x', IfNoneMatch: '*' })),
      );
      assert.deepEqual(e, { code: 'PreconditionFailed', status: 412 });
      await s3.send(new PutObjectCommand({ Bucket, Key: 'fresh-key', Body: 'x', IfNoneMatch: '*' }));
    });

    test('a malformed Content-MD5 is InvalidDigest and a wrong one is BadDigest; nothing is stored', async () => {
      const bad = await rawRequest(cairn, {
        method: 'PUT',
        path: `/${Bucket}/md5-test`,
        body: 'payload',
        headers: { 'content-md5': 'not-base64!' },
      });
      assertS3Error(bad, 400, 'InvalidDigest');
      const wrong = await rawRequest(cairn, {
        method: 'PUT',
        path: `/${Bucket}/md5-test`,
        body: 'payload',
        headers: { 'content-md5': createHash('md5').update('other').digest('base64') },
      });
      assertS3Error(wrong, 400, 'BadDigest');
      const head = await rawRequest(cairn, { method: 'HEAD', path: `/${Bucket}/md5-test` });
      assert.equal(head.status, 404);
    });

    test('a wrong x-amz-checksum-crc32 is BadDigest naming the algorithm', async () => {
      const res = await rawRequest(cairn, {
        method: 'PUT',
        path: `/${Bucket}/crc-test`,
        body: 'payload',
        headers: { 'x-amz-checksum-crc32': 'AAAAAA==' },
      });
      assertS3Error(res, 400, 'BadDigest');
      assert.match(res.body, /The CRC32 you specified did not match the calculated checksum\./);
    });

    test('GET with x-amz-checksum-mode ENABLED returns the stored full-object checksum', async () => {
      const put = await s3.send(
        new PutObjectCommand({ Bucket, Key: 'sha.txt', Body: 'checked', ChecksumAlgorithm: 'SHA256' }),
      );
      assert.equal(put.ChecksumSHA256, createHash('sha256').update('checked').digest('base64'));
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'sha.txt', ChecksumMode: 'ENABLED' }));
      assert.equal(head.ChecksumSHA256, put.ChecksumSHA256);
      assert.equal(head.ChecksumType, 'FULL_OBJECT');
    });

    test('DELETE answers 204, also for a key that does not exist', async () => {
      await s3.send(new PutObjectCommand({ Bucket, Key: 'doomed', Body: 'x' }));
      const del = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'doomed' }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      const again = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'doomed' }));
      assert.equal(again.$metadata.httpStatusCode, 204);
      assert.equal((await sdkError(s3.send(new HeadObjectCommand({ Bucket, Key: 'doomed' })))).status, 404);
    });

    test('keys with unicode, spaces, plus signs and deep slashes round-trip', async () => {
      for (const Key of ['ünï cødé/☺ file.txt', 'a+b=c&d', 'x//y/../z', ' leading space', 'k'.repeat(1024)]) {
        await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
        const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
        assert.equal((await bodyBytes(got.Body)).toString(), Key);
      }
    });

    test('a key over 1024 bytes is KeyTooLongError', async () => {
      const e = await sdkError(s3.send(new PutObjectCommand({ Bucket, Key: 'k'.repeat(1025), Body: 'x' })));
      assert.deepEqual(e, { code: 'KeyTooLongError', status: 400 });
    });

    test('a PUT with neither Content-Length nor Transfer-Encoding is 411 MissingContentLength', async () => {
      const head = signedRequestHead(cairn, 'PUT', `/${Bucket}/no-length`, {});
      const { response } = await rawSocket(cairn.port, head);
      assert.match(response, /^HTTP\/1\.1 411 /);
      assert.match(response, /<Code>MissingContentLength<\/Code>/);
    });

    test('CopyObject copies bytes and metadata, and REPLACE takes the new metadata', async () => {
      const copy = await s3.send(
        new CopyObjectCommand({
          Bucket,
          Key: 'copy-1',
          CopySource: `${Bucket}/${encodeURIComponent('meta.txt')}`,
        }),
      );
      assert.equal(copy.CopyObjectResult?.ETag, `"${md5hex('x')}"`);
      assert.ok(copy.CopyObjectResult?.LastModified instanceof Date);
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'copy-1' }));
      assert.equal(head.ContentType, 'text/markdown');
      assert.deepEqual(head.Metadata, { color: 'blue', 'multi-word': 'a b' });

      await s3.send(
        new CopyObjectCommand({
          Bucket,
          Key: 'copy-2',
          CopySource: `/${Bucket}/meta.txt`,
          MetadataDirective: 'REPLACE',
          ContentType: 'text/plain',
          Metadata: { fresh: '1' },
        }),
      );
      const head2 = await s3.send(new HeadObjectCommand({ Bucket, Key: 'copy-2' }));
      assert.equal(head2.ContentType, 'text/plain');
      assert.deepEqual(head2.Metadata, { fresh: '1' });
    });

    test('CopyObject of a 3 MiB object, with an encoded key, copies every byte', async () => {
      await s3.send(new PutObjectCommand({ Bucket, Key: 'src dir/ü.bin', Body: big }));
      await s3.send(
        new CopyObjectCommand({
          Bucket,
          Key: 'dst.bin',
          CopySource: `${Bucket}/${encodeURIComponent('src dir/ü.bin')}`,
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'dst.bin' }));
      assert.ok((await bodyBytes(got.Body)).equals(big));
    });

    test('copying an object onto itself without REPLACE is InvalidRequest; with REPLACE it works', async () => {
      const e = await sdkError(
        s3.send(new CopyObjectCommand({ Bucket, Key: 'hello.txt', CopySource: `${Bucket}/hello.txt` })),
      );
      assert.deepEqual(e, { code: 'InvalidRequest', status: 400 });
      await s3.send(
        new CopyObjectCommand({
          Bucket,
          Key: 'hello.txt',
          CopySource: `${Bucket}/hello.txt`,
          MetadataDirective: 'REPLACE',
          ContentType: 'text/x-replaced',
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'hello.txt' }));
      assert.equal(got.ContentType, 'text/x-replaced');
      assert.equal((await bodyBytes(got.Body)).toString(), 'hello, world');
    });

    test('copy-source conditions that fail answer 412, and a missing source is NoSuchKey', async () => {
      const e = await sdkError(
        s3.send(
          new CopyObjectCommand({
            Bucket,
            Key: 'c3',
            CopySource: `${Bucket}/hello.txt`,
            CopySourceIfMatch: '"nope"',
          }),
        ),
      );
      assert.deepEqual(e, { code: 'PreconditionFailed', status: 412 });
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'hello.txt' }));
      const e2 = await sdkError(
        s3.send(
          new CopyObjectCommand({
            Bucket,
            Key: 'c3',
            CopySource: `${Bucket}/hello.txt`,
            CopySourceIfNoneMatch: head.ETag,
          }),
        ),
      );
      assert.deepEqual(e2, { code: 'PreconditionFailed', status: 412 });
      const e3 = await sdkError(
        s3.send(new CopyObjectCommand({ Bucket, Key: 'c3', CopySource: `${Bucket}/absent` })),
      );
      assert.deepEqual(e3, { code: 'NoSuchKey', status: 404 });
    });

    test('writes to a missing bucket are NoSuchBucket', async () => {
      const e = await sdkError(
        s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' })),
      );
      assert.deepEqual(e, { code: 'NoSuchBucket', status: 404 });
    });
  });
}
