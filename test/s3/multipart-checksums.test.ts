// Full-object and composite multipart checksums as the AWS SDK and lib-storage use them, checked
// against CRCs computed here by the SDK's own pure-JS implementations (not Cairn's).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import {
  type ChecksumAlgorithm,
  type ChecksumType,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { bodyBytes, s3ErrorOf } from '../helpers/s3-client.js';
import { defaultSdkClient, sdkError } from './fixture.js';

const MiB = 1024 * 1024;

interface SdkChecksum {
  update(data: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}
const require = createRequire(import.meta.url);
const sdkCrc = require('@aws-sdk/checksums/crc') as {
  Crc32cJs: new () => SdkChecksum;
  Crc64NvmeJs: new () => SdkChecksum;
};

type Crc = 'CRC32' | 'CRC32C' | 'CRC64NVME';

/** base64 of the big-endian CRC, the S3 wire form. */
async function crcOf(algorithm: Crc, data: Buffer): Promise<string> {
  if (algorithm === 'CRC32') {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(crc32(data) >>> 0);
    return out.toString('base64');
  }
  const impl = algorithm === 'CRC32C' ? new sdkCrc.Crc32cJs() : new sdkCrc.Crc64NvmeJs();
  impl.update(data);
  return Buffer.from(await impl.digest()).toString('base64');
}

/** The S3 composite checksum: the CRC of the concatenated part CRC digests, `-N`. */
async function compositeOf(algorithm: Crc, parts: Buffer[]): Promise<string> {
  const digests = await Promise.all(parts.map(async (p) => Buffer.from(await crcOf(algorithm, p), 'base64')));
  return `${await crcOf(algorithm, Buffer.concat(digests))}-${parts.length}`;
}

function partChecksum(algorithm: Crc, value: string | undefined): Partial<CompletedPart> {
  return { [`Checksum${algorithm}`]: value };
}

function outputChecksum(out: object, algorithm: Crc): string | undefined {
  return (out as Record<string, string | undefined>)[`Checksum${algorithm}`];
}

describe('multipart checksums', () => {
  let cairn: CairnProcess;
  let s3: S3Client;
  const Bucket = 'mp-checksums';

  before(async () => {
    cairn = await startCairn({ drives: 4 });
    s3 = defaultSdkClient(cairn);
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(async () => {
    s3?.destroy();
    await cairn?.stop();
  });

  /** Creates an upload and sends `parts` with the algorithm named per part, as SDK users do. */
  async function uploadParts(
    Key: string,
    algorithm: Crc,
    type: ChecksumType | undefined,
    parts: Buffer[],
  ): Promise<{ UploadId: string; completed: CompletedPart[] }> {
    const created = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket,
        Key,
        ChecksumAlgorithm: algorithm as ChecksumAlgorithm,
        ...(type === undefined ? {} : { ChecksumType: type }),
      }),
    );
    assert.equal(created.ChecksumAlgorithm, algorithm);
    const UploadId = created.UploadId as string;
    const completed: CompletedPart[] = [];
    for (const [i, Body] of parts.entries()) {
      const out = await s3.send(
        new UploadPartCommand({
          Bucket,
          Key,
          UploadId,
          PartNumber: i + 1,
          Body,
          ChecksumAlgorithm: algorithm as ChecksumAlgorithm,
        }),
      );
      assert.equal(outputChecksum(out, algorithm), await crcOf(algorithm, Body), `part ${i + 1}`);
      completed.push({
        PartNumber: i + 1,
        ETag: out.ETag,
        ...partChecksum(algorithm, outputChecksum(out, algorithm)),
      });
    }
    return { UploadId, completed };
  }

  for (const [algorithm, type] of [
    ['CRC64NVME', undefined],
    ['CRC32', 'FULL_OBJECT'],
    ['CRC32C', 'FULL_OBJECT'],
  ] as const) {
    test(`${algorithm} ${type ?? '(default type)'}: complete verifies, stores and returns the whole-object CRC`, async () => {
      const Key = `full-${algorithm}.bin`;
      const parts = [randomBytes(5 * MiB + 3), randomBytes(5 * MiB), randomBytes(1021)];
      const whole = Buffer.concat(parts);
      const expected = await crcOf(algorithm, whole);
      const created = await s3.send(
        new CreateMultipartUploadCommand({
          Bucket,
          Key: 'probe',
          ChecksumAlgorithm: algorithm,
          ...(type ? { ChecksumType: type } : {}),
        }),
      );
      assert.equal(created.ChecksumType, 'FULL_OBJECT');

      const { UploadId, completed } = await uploadParts(Key, algorithm, type, parts);
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          ChecksumType: 'FULL_OBJECT',
          [`Checksum${algorithm}`]: expected,
          MultipartUpload: { Parts: completed },
        }),
      );
      assert.equal(outputChecksum(done, algorithm), expected);
      assert.equal(done.ChecksumType, 'FULL_OBJECT');

      const head = await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
      assert.equal(outputChecksum(head, algorithm), expected);
      assert.equal(head.ChecksumType, 'FULL_OBJECT');
      // The SDK validates the body against the full-object CRC it is given here.
      const got = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
      assert.equal(outputChecksum(got, algorithm), expected);
      assert.ok((await bodyBytes(got.Body)).equals(whole));
    });
  }

  test('a wrong full-object checksum on complete is BadDigest and leaves the upload completable', async () => {
    const Key = 'full-wrong.bin';
    const parts = [randomBytes(5 * MiB), randomBytes(100)];
    const { UploadId, completed } = await uploadParts(Key, 'CRC32', 'FULL_OBJECT', parts);
    const wrong = await crcOf('CRC32', Buffer.concat([parts[1] as Buffer, parts[0] as Buffer]));
    const err = await sdkError(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          ChecksumType: 'FULL_OBJECT',
          ChecksumCRC32: wrong,
          MultipartUpload: { Parts: completed },
        }),
      ),
    );
    assert.deepEqual(err, { code: 'BadDigest', status: 400 });
    // Without a value to check, the server still computes the full-object CRC from the parts.
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: completed } }),
    );
    assert.equal(done.ChecksumCRC32, await crcOf('CRC32', Buffer.concat(parts)));
    assert.equal(done.ChecksumType, 'FULL_OBJECT');
  });

  test('complete asserting COMPOSITE on a FULL_OBJECT upload is InvalidRequest naming the upload mode', async () => {
    const Key = 'type-mismatch.bin';
    const { UploadId, completed } = await uploadParts(Key, 'CRC64NVME', undefined, [randomBytes(10)]);
    const err = await s3
      .send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          ChecksumType: 'COMPOSITE',
          MultipartUpload: { Parts: completed },
        }),
      )
      .then(
        () => assert.fail('the Complete succeeded'),
        (e: unknown) => s3ErrorOf(e),
      );
    assert.deepEqual(err, {
      code: 'InvalidRequest',
      status: 400,
      message:
        'The upload was created using the FULL_OBJECT checksum mode. The complete request must use the same checksum mode.',
    });
  });

  test('algorithm and type pairs S3 refuses are InvalidRequest on create', async () => {
    for (const [ChecksumAlgorithm, ChecksumType] of [
      ['SHA256', 'FULL_OBJECT'],
      ['SHA1', 'FULL_OBJECT'],
      ['CRC64NVME', 'COMPOSITE'],
    ] as const) {
      const err = await sdkError(
        s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'bad', ChecksumAlgorithm, ChecksumType })),
      );
      assert.deepEqual(err, { code: 'InvalidRequest', status: 400 }, `${ChecksumAlgorithm} ${ChecksumType}`);
    }
  });

  test('CRC32C with the default type stays COMPOSITE: the CRC of the part CRCs, -N', async () => {
    const Key = 'composite-crc32c.bin';
    const parts = [randomBytes(5 * MiB), randomBytes(77)];
    const { UploadId, completed } = await uploadParts(Key, 'CRC32C', undefined, parts);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: completed } }),
    );
    assert.equal(done.ChecksumCRC32C, await compositeOf('CRC32C', parts));
    assert.equal(done.ChecksumType, 'COMPOSITE');
  });

  test('UploadPartCopy returns the part CRC, and the copied part counts in the full-object CRC', async () => {
    const source = randomBytes(6 * MiB);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'copy-src.bin', Body: source }));
    const Key = 'copy-dst.bin';
    const tail = randomBytes(4321);
    const created = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket,
        Key,
        ChecksumAlgorithm: 'CRC32C',
        ChecksumType: 'FULL_OBJECT',
      }),
    );
    const UploadId = created.UploadId as string;
    const copied = await s3.send(
      new UploadPartCopyCommand({
        Bucket,
        Key,
        UploadId,
        PartNumber: 1,
        CopySource: `${Bucket}/copy-src.bin`,
        CopySourceRange: `bytes=0-${5 * MiB - 1}`,
      }),
    );
    const first = source.subarray(0, 5 * MiB);
    assert.equal(copied.CopyPartResult?.ChecksumCRC32C, await crcOf('CRC32C', first));
    const p2 = await s3.send(
      new UploadPartCommand({
        Bucket,
        Key,
        UploadId,
        PartNumber: 2,
        Body: tail,
        ChecksumAlgorithm: 'CRC32C',
      }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            {
              PartNumber: 1,
              ETag: copied.CopyPartResult?.ETag,
              ChecksumCRC32C: copied.CopyPartResult?.ChecksumCRC32C,
            },
            { PartNumber: 2, ETag: p2.ETag, ChecksumCRC32C: p2.ChecksumCRC32C },
          ],
        },
      }),
    );
    assert.equal(done.ChecksumCRC32C, await crcOf('CRC32C', Buffer.concat([first, tail])));
    assert.equal(done.ChecksumType, 'FULL_OBJECT');
  });

  test('an upload created without an algorithm reports the default CRC64NVME full-object checksum, not kept', async () => {
    const Key = 'no-algorithm.bin';
    const parts = [randomBytes(5 * MiB + 1), randomBytes(999)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const completed: CompletedPart[] = [];
    for (const [i, Body] of parts.entries()) {
      // No ChecksumAlgorithm: the SDK sends its default CRC32 with each part, and gets it back.
      const out = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }));
      assert.equal(out.ChecksumCRC32, await crcOf('CRC32', Body));
      completed.push({ PartNumber: i + 1, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32 });
    }
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: completed } }),
    );
    assert.equal(done.ChecksumCRC64NVME, await crcOf('CRC64NVME', Buffer.concat(parts)));
    assert.equal(done.ChecksumType, 'FULL_OBJECT');
    assert.equal(done.ChecksumCRC32, undefined);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumCRC64NVME, undefined);
    assert.equal(head.ChecksumType, undefined);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
    assert.ok((await bodyBytes(got.Body)).equals(Buffer.concat(parts)));
  });

  test('lib-storage Upload with SDK defaults gets a CRC32 composite checksum on the object', async () => {
    const Key = 'lib-default.bin';
    const data = randomBytes(11 * MiB + 5);
    const out = await new Upload({
      client: s3,
      params: { Bucket, Key, Body: Readable.from([data]) },
      partSize: 5 * MiB,
      queueSize: 2,
    }).done();
    const parts = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)];
    const expected = await compositeOf('CRC32', parts);
    assert.equal(out.ChecksumCRC32, expected);
    assert.equal(out.ChecksumType, 'COMPOSITE');
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumCRC32, expected);
    assert.equal(head.ChecksumType, 'COMPOSITE');
  });

  test('lib-storage Upload with ChecksumAlgorithm CRC64NVME gets the whole-object CRC64NVME', async () => {
    const Key = 'lib-crc64.bin';
    const data = randomBytes(10 * MiB + 17);
    const out = await new Upload({
      client: s3,
      params: { Bucket, Key, Body: Readable.from([data]), ChecksumAlgorithm: 'CRC64NVME' },
      partSize: 5 * MiB,
      queueSize: 2,
    }).done();
    const expected = await crcOf('CRC64NVME', data);
    assert.equal(out.ChecksumCRC64NVME, expected);
    assert.equal(out.ChecksumType, 'FULL_OBJECT');
    const got = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
    assert.equal(got.ChecksumCRC64NVME, expected);
    assert.equal(got.ChecksumType, 'FULL_OBJECT');
    assert.ok((await bodyBytes(got.Body)).equals(data));
  });
});
