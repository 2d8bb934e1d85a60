// The capacity limit (CAIRN_CAPACITY): writes that would take the stored object bytes past it are
// refused with MinIO's 507 XMinioStorageFull before anything is stored, whatever the write.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { parseS3Error, rawRequest } from '../helpers/raw-http.js';
import { bodyBytes, s3Client } from '../helpers/s3-client.js';
import { sdkError } from '../s3/fixture.js';

const MiB = 1024 ** 2;
const Bucket = 'capped';

async function keys(s3: S3Client): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket }));
  return (out.Contents ?? []).map((o) => o.Key ?? '');
}

describe('capacity limit (10 MiB on 4 drives)', () => {
  let cairn: CairnProcess;
  let s3: S3Client;
  before(async () => {
    cairn = await startCairn({ drives: 4, env: { CAIRN_CAPACITY: '10MiB' } });
    s3 = s3Client(cairn);
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(async () => {
    s3?.destroy();
    await cairn?.stop();
  });

  test('a PUT of known size past the capacity is 507 XMinioStorageFull and stores nothing', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'a', Body: Buffer.alloc(4 * MiB, 1) }));
    const refused = await sdkError(
      s3.send(new PutObjectCommand({ Bucket, Key: 'b', Body: Buffer.alloc(7 * MiB, 2) })),
    );
    assert.deepEqual(refused, { code: 'XMinioStorageFull', status: 507 });
    assert.equal((await sdkError(s3.send(new HeadObjectCommand({ Bucket, Key: 'b' })))).status, 404);
    const a = await s3.send(new GetObjectCommand({ Bucket, Key: 'a' }));
    assert.ok((await bodyBytes(a.Body)).equals(Buffer.alloc(4 * MiB, 1)), 'stored objects stay readable');
  });

  test('a body of unknown length (chunked) is cut off when it crosses the capacity, storing nothing', async () => {
    const pieces = Array.from({ length: 14 }, (_, i) => Buffer.alloc(512 * 1024, i));
    const res = await rawRequest(cairn, {
      method: 'PUT',
      path: `/${Bucket}/streamed`,
      chunks: pieces,
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    assert.equal(res.status, 507, res.body);
    const err = parseS3Error(res.body);
    assert.equal(err?.code, 'XMinioStorageFull');
    assert.match(err?.message ?? '', /capacity of 10MiB/);
    assert.deepEqual(await keys(s3), ['a']);
  });

  test('CopyObject is measured by the source size', async () => {
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'a2', CopySource: `${Bucket}/a` }));
    const refused = await sdkError(
      s3.send(new CopyObjectCommand({ Bucket, Key: 'a3', CopySource: `${Bucket}/a` })),
    );
    assert.deepEqual(refused, { code: 'XMinioStorageFull', status: 507 });
    assert.deepEqual(await keys(s3), ['a', 'a2']);
  });

  test('UploadPart past the capacity is refused; so is a Complete whose object would pass it', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp' }));
    const target = { Bucket, Key: 'mp', UploadId };
    // 8 MiB stored: a 5 MiB part does not fit.
    const part = await sdkError(
      s3.send(new UploadPartCommand({ ...target, PartNumber: 1, Body: Buffer.alloc(5 * MiB) })),
    );
    assert.deepEqual(part, { code: 'XMinioStorageFull', status: 507 });
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'a2' }));
    // 4 MiB stored: each part fits, the 7 MiB object they make does not.
    const p1 = await s3.send(
      new UploadPartCommand({ ...target, PartNumber: 1, Body: Buffer.alloc(5 * MiB, 5) }),
    );
    const p2 = await s3.send(
      new UploadPartCommand({ ...target, PartNumber: 2, Body: Buffer.alloc(2 * MiB, 6) }),
    );
    const complete = await sdkError(
      s3.send(
        new CompleteMultipartUploadCommand({
          ...target,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: p1.ETag },
              { PartNumber: 2, ETag: p2.ETag },
            ],
          },
        }),
      ),
    );
    assert.deepEqual(complete, { code: 'XMinioStorageFull', status: 507 });
    assert.deepEqual(await keys(s3), ['a']);
    await s3.send(new AbortMultipartUploadCommand(target));
  });

  test('deleting frees capacity, and a restart counts what is stored', async () => {
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'b', Body: Buffer.alloc(7 * MiB, 2) }));
    // Overwriting counts the new size in full while it is written (as MinIO's quota does).
    await s3.send(new PutObjectCommand({ Bucket, Key: 'b', Body: Buffer.alloc(3 * MiB, 3) }));
    await cairn.stop({ keepDrives: true });
    await cairn.restart();
    const refused = await sdkError(
      s3.send(new PutObjectCommand({ Bucket, Key: 'c', Body: Buffer.alloc(8 * MiB) })),
    );
    assert.deepEqual(refused, { code: 'XMinioStorageFull', status: 507 });
    await s3.send(new PutObjectCommand({ Bucket, Key: 'c', Body: Buffer.alloc(7 * MiB) }));
    assert.deepEqual(await keys(s3), ['b', 'c']);
  });
});
