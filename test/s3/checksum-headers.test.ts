// What an x-amz-checksum-* value answers when it does not match the data (BadDigest) or is not even
// a checksum (InvalidRequest), on PutObject, UploadPart, aws-chunked trailers and
// CompleteMultipartUpload, with AWS's codes and messages; and the composite whole-object form
// (`<base64>-<part count>`) that CompleteMultipartUpload accepts for COMPOSITE uploads.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  type ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { assertS3Error, parseS3Error, type RawResponse, rawRequest } from '../helpers/raw-http.js';
import { s3ErrorOf } from '../helpers/s3-client.js';
import { uploadParts, useServer } from './fixture.js';

const MiB = 1024 * 1024;
const ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** Well-formed values for each algorithm that match no body sent here. */
const WRONG: Record<Algorithm, string> = {
  CRC32: 'AAAAAA==',
  CRC32C: 'AAAAAA==',
  CRC64NVME: 'AAAAAAAAAAA=',
  SHA1: createHash('sha1').update('other').digest('base64'),
  SHA256: createHash('sha256').update('other').digest('base64'),
};
/** Not base64 at all, base64 of the wrong length, and (for the 4-byte CRCs) a SHA-256 value. */
const MALFORMED = ['not base64!', 'abc12345', createHash('sha256').update('x').digest('base64')];

function assertError(res: RawResponse, status: number, code: string, message: string, what: string): void {
  assertS3Error(res, status, code, what);
  assert.equal(parseS3Error(res.body)?.message, message, what);
}

const invalid = (a: Algorithm, trailing = false) =>
  `Value for x-amz-checksum-${a.toLowerCase()} ${trailing ? 'trailing ' : ''}header is invalid.`;
const mismatch = (a: Algorithm) => `The ${a} you specified did not match the calculated checksum.`;

describe('checksum values', () => {
  const Bucket = 'checksums';
  const server = useServer({ drives: 1, bucket: Bucket });

  /** An aws-chunked body (STREAMING-UNSIGNED-PAYLOAD-TRAILER) of `data` ending in a checksum trailer. */
  function trailed(path: string, data: string, trailer: string, value: string, query = {}) {
    const body = `${data.length.toString(16)}\r\n${data}\r\n0\r\n${trailer}:${value}\r\n\r\n`;
    return rawRequest(server.cairn, {
      method: 'PUT',
      path,
      query,
      body,
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: {
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.length),
        'x-amz-trailer': trailer,
      },
    });
  }

  async function newUpload(
    Key: string,
    algorithm?: ChecksumAlgorithm,
    type?: 'FULL_OBJECT',
  ): Promise<string> {
    const out = await server.s3.send(
      new CreateMultipartUploadCommand({
        Bucket,
        Key,
        ...(algorithm ? { ChecksumAlgorithm: algorithm } : {}),
        ...(type ? { ChecksumType: type } : {}),
      }),
    );
    return out.UploadId as string;
  }

  test('PUT: a wrong value is BadDigest naming the algorithm, a malformed one InvalidRequest; nothing is stored', async () => {
    for (const a of ALGORITHMS) {
      const header = `x-amz-checksum-${a.toLowerCase()}`;
      const put = (value: string) =>
        rawRequest(server.cairn, {
          method: 'PUT',
          path: `/${Bucket}/put-${a}`,
          body: 'payload',
          headers: { [header]: value },
        });
      assertError(await put(WRONG[a]), 400, 'BadDigest', mismatch(a), `${a} wrong`);
      for (const bad of MALFORMED) {
        if (a === 'SHA256' && bad === MALFORMED[2]) continue; // that one is a well-formed SHA-256
        assertError(await put(bad), 400, 'InvalidRequest', invalid(a), `${a} ${bad}`);
      }
      const head = await rawRequest(server.cairn, { method: 'HEAD', path: `/${Bucket}/put-${a}` });
      assert.equal(head.status, 404, a);
    }
  });

  test('UploadPart: a wrong value is BadDigest, a malformed one InvalidRequest; no part is stored', async () => {
    const Key = 'part-errors';
    const UploadId = await newUpload(Key);
    for (const a of ALGORITHMS) {
      const put = (value: string) =>
        rawRequest(server.cairn, {
          method: 'PUT',
          path: `/${Bucket}/${Key}`,
          query: { partNumber: '1', uploadId: UploadId },
          body: 'part bytes',
          headers: { [`x-amz-checksum-${a.toLowerCase()}`]: value },
        });
      assertError(await put(WRONG[a]), 400, 'BadDigest', mismatch(a), `${a} wrong`);
      assertError(await put(MALFORMED[1] as string), 400, 'InvalidRequest', invalid(a), `${a} malformed`);
    }
    const parts = await server.s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    assert.equal(parts.Parts, undefined);
  });

  test('a trailing checksum (aws-chunked) that is wrong is BadDigest, one that is malformed InvalidRequest', async () => {
    const data = 'hello, trailer';
    const UploadId = await newUpload('trailed-part');
    for (const a of ALGORITHMS) {
      const trailer = `x-amz-checksum-${a.toLowerCase()}`;
      for (const [path, query] of [
        [`/${Bucket}/trailed-${a}`, {}],
        [`/${Bucket}/trailed-part`, { partNumber: '2', uploadId: UploadId }],
      ] as const) {
        assertError(await trailed(path, data, trailer, WRONG[a], query), 400, 'BadDigest', mismatch(a), path);
        assertError(
          await trailed(path, data, trailer, 'abc12345', query),
          400,
          'InvalidRequest',
          invalid(a, true),
          path,
        );
      }
      const head = await rawRequest(server.cairn, { method: 'HEAD', path: `/${Bucket}/trailed-${a}` });
      assert.equal(head.status, 404, a);
    }
    // The right value is accepted (the decoder and the check are not simply refusing trailers).
    const ok = await trailed(`/${Bucket}/trailed-ok`, data, 'x-amz-checksum-sha256', sha256(data));
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.headers['x-amz-checksum-sha256'], sha256(data));
  });

  for (const algorithm of ['SHA1', 'SHA256'] as const) {
    test(`Complete of a ${algorithm} COMPOSITE upload accepts the whole-object checksum as <base64>-N, verifies and returns it`, async () => {
      const Key = `composite-${algorithm}.bin`;
      const data = [Buffer.alloc(5 * MiB, 1), Buffer.from('last part')];
      const UploadId = await newUpload(Key, algorithm);
      const Parts = await uploadParts(server.s3, { Bucket, Key, UploadId }, data, algorithm);
      const hash = (b: Buffer) => createHash(algorithm.toLowerCase()).update(b).digest();
      const composite = `${hash(Buffer.concat(data.map(hash))).toString('base64')}-2`;
      const complete = (value: string) =>
        server.s3.send(
          new CompleteMultipartUploadCommand({
            Bucket,
            Key,
            UploadId,
            MultipartUpload: { Parts },
            [`Checksum${algorithm}`]: value,
          }),
        );
      const failed = async (value: string) => {
        const e = await complete(value).then(
          () => assert.fail(`${value} was accepted`),
          (err: unknown) => s3ErrorOf(err),
        );
        return { code: e.code, status: e.status };
      };
      // Well-formed but wrong (another digest, or another part count): BadDigest, upload kept.
      const otherDigest = `${hash(Buffer.from('other')).toString('base64')}-2`;
      assert.deepEqual(await failed(otherDigest), { code: 'BadDigest', status: 400 });
      assert.deepEqual(await failed(composite.replace(/-2$/, '-3')), { code: 'BadDigest', status: 400 });
      // Not a checksum at all: InvalidRequest.
      for (const bad of [
        'abc-2',
        `${composite}-2`,
        composite.replace(/-2$/, '--2'),
        composite.replace(/-2$/, '-x'),
      ]) {
        assert.deepEqual(await failed(bad), { code: 'InvalidRequest', status: 400 }, bad);
      }
      const done = await complete(composite);
      assert.equal(done[`Checksum${algorithm}`], composite);
      assert.equal(done.ChecksumType, 'COMPOSITE');
      const head = await server.s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
      assert.equal(head[`Checksum${algorithm}`], composite);
    });
  }

  test('Complete: the composite form is malformed for CRC64NVME, a mismatch for a FULL_OBJECT CRC32C upload', async () => {
    const data = Buffer.from('one small part');
    for (const [algorithm, value, code] of [
      ['CRC64NVME', 'AAAAAAAAAAA=-1', 'InvalidRequest'],
      ['CRC32C', 'AAAAAA==-1', 'BadDigest'],
    ] as const) {
      const Key = `form-${algorithm}`;
      const UploadId = await newUpload(Key, algorithm, 'FULL_OBJECT');
      const part = await server.s3.send(
        new UploadPartCommand({
          Bucket,
          Key,
          UploadId,
          PartNumber: 1,
          Body: data,
          ChecksumAlgorithm: algorithm,
        }),
      );
      const res = await rawRequest(server.cairn, {
        method: 'POST',
        path: `/${Bucket}/${Key}`,
        query: { uploadId: UploadId },
        headers: { [`x-amz-checksum-${algorithm.toLowerCase()}`]: value },
        body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.ETag}</ETag></Part></CompleteMultipartUpload>`,
      });
      const message = code === 'InvalidRequest' ? invalid(algorithm) : mismatch(algorithm);
      assertError(res, 400, code, message, algorithm);
    }
  });

  test('Complete with a whole-object checksum in another algorithm than the upload is BadDigest', async () => {
    const Key = 'other-algorithm';
    const UploadId = await newUpload(Key, 'CRC32C', 'FULL_OBJECT');
    const part = await server.s3.send(
      new UploadPartCommand({
        Bucket,
        Key,
        UploadId,
        PartNumber: 1,
        Body: 'abc',
        ChecksumAlgorithm: 'CRC32C',
      }),
    );
    const err = await server.s3
      .send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          MultipartUpload: {
            Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumCRC32C: part.ChecksumCRC32C }],
          },
          ChecksumCRC32: 'NSRBwg==', // the CRC32 of "abc": right data, wrong algorithm
        }),
      )
      .then(
        () => assert.fail('accepted'),
        (e: unknown) => s3ErrorOf(e),
      );
    assert.deepEqual({ code: err.code, status: err.status }, { code: 'BadDigest', status: 400 });
  });
});

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('base64');
}
