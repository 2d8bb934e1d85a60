// A CompleteMultipartUpload sent again after it succeeded (a client whose first answer was lost,
// or an SDK retrying it) gets the first answer again, as S3 answers it, until the object it made
// is replaced or deleted.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  type ChecksumAlgorithm,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { bodyBytes } from '../helpers/s3-client.js';
import { sdkError, uploadParts, useServer } from './fixture.js';

const MiB = 1024 * 1024;

describe('repeated CompleteMultipartUpload', () => {
  const Bucket = 'complete-retry';
  const server = useServer({ drives: 4, bucket: Bucket });

  /** Uploads `parts` to a new upload of `Key` (SHA256 when asked) and returns what Complete needs. */
  async function uploaded(Key: string, parts: Buffer[], algorithm?: ChecksumAlgorithm) {
    const { UploadId } = await server.s3.send(
      new CreateMultipartUploadCommand({
        Bucket,
        Key,
        ...(algorithm ? { ChecksumAlgorithm: algorithm } : {}),
      }),
    );
    const Parts = await uploadParts(
      server.s3,
      { Bucket, Key, UploadId: UploadId as string },
      parts,
      algorithm,
    );
    const complete = (extra: object = {}, list = Parts) =>
      server.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          MultipartUpload: { Parts: list },
          ...extra,
        }),
      );
    return { UploadId: UploadId as string, Parts, complete };
  }

  test('a repeated Complete answers 200 with the first ETag, location and checksum, even with If-None-Match: *', async () => {
    const data = [randomBytes(5 * MiB), randomBytes(777)];
    const { complete } = await uploaded('sha.bin', data, 'SHA256');
    const first = await complete();
    assert.match(first.ChecksumSHA256 ?? '', /-2$/);
    for (const again of [await complete(), await complete({ IfNoneMatch: '*' })]) {
      assert.equal(again.$metadata.httpStatusCode, 200);
      assert.equal(again.ETag, first.ETag);
      assert.equal(again.ChecksumSHA256, first.ChecksumSHA256);
      assert.equal(again.ChecksumType, 'COMPOSITE');
      assert.equal(again.Location, first.Location);
      assert.equal(again.Key, 'sha.bin');
    }
    // Nothing was completed twice: the object is the one upload's bytes, and no upload is left.
    const got = await server.s3.send(new GetObjectCommand({ Bucket, Key: 'sha.bin' }));
    assert.ok((await bodyBytes(got.Body)).equals(Buffer.concat(data)));
    assert.equal(got.ETag, first.ETag);
    const uploads = await server.s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'sha.bin' }));
    assert.equal(uploads.Uploads, undefined);
  });

  test('a repeated Complete of an upload created without an algorithm repeats its CRC64NVME', async () => {
    const { complete } = await uploaded('plain.bin', [randomBytes(1000)]);
    const first = await complete();
    assert.ok(first.ChecksumCRC64NVME);
    const again = await complete();
    assert.equal(again.ETag, first.ETag);
    assert.equal(again.ChecksumCRC64NVME, first.ChecksumCRC64NVME);
    assert.equal(again.ChecksumType, 'FULL_OBJECT');
  });

  test('a repeated Complete with another part list is NoSuchUpload', async () => {
    const { complete, Parts } = await uploaded('two.bin', [randomBytes(5 * MiB), randomBytes(10)]);
    await complete();
    const [p1] = Parts as [CompletedPart, CompletedPart];
    assert.deepEqual(await sdkError(complete({}, [p1])), { code: 'NoSuchUpload', status: 404 });
  });

  test('once the object is overwritten (by a PUT or another upload) or deleted, a repeated Complete is NoSuchUpload', async () => {
    const overwritten = await uploaded('over.bin', [randomBytes(100)]);
    await overwritten.complete();
    await server.s3.send(new PutObjectCommand({ Bucket, Key: 'over.bin', Body: 'newer' }));
    assert.deepEqual(await sdkError(overwritten.complete()), { code: 'NoSuchUpload', status: 404 });

    // The same bytes, so only the upload id tells the two completions apart.
    const same = randomBytes(100);
    const earlier = await uploaded('twice.bin', [same]);
    const later = await uploaded('twice.bin', [same]);
    await earlier.complete();
    const latest = await later.complete();
    assert.deepEqual(await sdkError(earlier.complete()), { code: 'NoSuchUpload', status: 404 });
    assert.equal((await later.complete()).ETag, latest.ETag);

    const deleted = await uploaded('gone.bin', [randomBytes(100)]);
    await deleted.complete();
    await server.s3.send(new DeleteObjectCommand({ Bucket, Key: 'gone.bin' }));
    assert.deepEqual(await sdkError(deleted.complete()), { code: 'NoSuchUpload', status: 404 });
  });

  test('a repeated Complete is answered after the server restarts', async () => {
    const { complete } = await uploaded('restart.bin', [randomBytes(100)], 'SHA256');
    const first = await complete();
    // Same port after the restart: the client reconnects (the server closed its sockets).
    await server.cairn.stop({ keepDrives: true });
    await server.cairn.restart();
    const again = await complete();
    assert.equal(again.ETag, first.ETag);
    assert.equal(again.ChecksumSHA256, first.ChecksumSHA256);
  });
});
