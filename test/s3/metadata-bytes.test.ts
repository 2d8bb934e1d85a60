// User metadata holding bytes outside ASCII: stored and returned as the bytes that came, whatever
// their encoding, and accepted under either SigV4 reading of those bytes that real clients sign.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { rawRequest } from '../helpers/raw-http.js';
import { bodyBytes } from '../helpers/s3-client.js';
import { useServer } from './fixture.js';

const Bucket = 'meta-bytes';
/** `Hello Worldé` with é as the single latin-1 byte E9, as the AWS SDK for JavaScript sends it. */
const LATIN1 = Buffer.concat([Buffer.from('Hello World'), Buffer.from([0xe9])]);
/** `Hello Worldé` with é as the UTF-8 bytes C3 A9, as botocore and curl send it. */
const UTF8 = Buffer.from('Hello World\u00e9', 'utf8');

/** A header value as node:http hands it over (one char per byte), and the bytes it stands for. */
const asHeader = (bytes: Buffer) => bytes.toString('latin1');
const bytesOf = (value: string | string[] | undefined) => Buffer.from(String(value), 'latin1');

describe('metadata bytes outside ASCII', () => {
  const server = useServer({ drives: 1, bucket: Bucket });

  /** The x-amz-meta-m bytes a raw HEAD and a raw GET of `key` return. */
  async function readBack(key: string): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (const method of ['HEAD', 'GET']) {
      const res = await rawRequest(server.cairn, { method, path: `/${Bucket}/${key}` });
      assert.equal(res.status, 200, `${method} ${key}: ${res.body}`);
      out.push(bytesOf(res.headers['x-amz-meta-m']));
    }
    return out;
  }

  for (const [what, size] of [
    ['an empty object', 0],
    ['a small (inline) object', 10],
    ['a 3 MiB object', 3 * 1024 * 1024],
  ] as const) {
    test(`the byte E9 signed as the UTF-8 of é is read back as the single byte E9, for ${what}`, async () => {
      const key = `latin1-${size}`;
      const put = await rawRequest(server.cairn, {
        method: 'PUT',
        path: `/${Bucket}/${key}`,
        headers: { 'x-amz-meta-m': asHeader(LATIN1) },
        body: Buffer.alloc(size, 'x'),
      });
      assert.equal(put.status, 200, put.body);
      for (const got of await readBack(key)) assert.deepEqual(got, LATIN1);
    });
  }

  test('UTF-8 metadata bytes signed as sent are read back byte for byte', async () => {
    const put = await rawRequest(server.cairn, {
      method: 'PUT',
      path: `/${Bucket}/utf8`,
      headers: { 'x-amz-meta-m': asHeader(UTF8) },
      body: 'x',
      signWireBytes: true,
    });
    assert.equal(put.status, 200, put.body);
    for (const got of await readBack('utf8')) assert.deepEqual(got, UTF8);
  });

  test('the AWS SDK round-trips é in metadata unchanged through PUT, HEAD, GET and CopyObject', async () => {
    const Metadata = { m: 'Hello World\u00e9' };
    await server.s3.send(new PutObjectCommand({ Bucket, Key: 'sdk', Body: Buffer.from('body'), Metadata }));
    assert.deepEqual(
      (await server.s3.send(new HeadObjectCommand({ Bucket, Key: 'sdk' }))).Metadata,
      Metadata,
    );
    const got = await server.s3.send(new GetObjectCommand({ Bucket, Key: 'sdk' }));
    assert.deepEqual(got.Metadata, Metadata);
    assert.equal((await bodyBytes(got.Body)).toString(), 'body');
    await server.s3.send(new CopyObjectCommand({ Bucket, Key: 'sdk-copy', CopySource: `${Bucket}/sdk` }));
    for (const bytes of await readBack('sdk-copy')) assert.deepEqual(bytes, LATIN1);
  });

  test('metadata given when a multipart upload starts keeps its bytes on the completed object', async () => {
    const { UploadId } = await server.s3.send(
      new CreateMultipartUploadCommand({ Bucket, Key: 'mpu', Metadata: { m: 'Hello World\u00e9' } }),
    );
    const part = await server.s3.send(
      new UploadPartCommand({ Bucket, Key: 'mpu', UploadId, PartNumber: 1, Body: Buffer.from('part') }),
    );
    await server.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'mpu',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 }] },
      }),
    );
    for (const bytes of await readBack('mpu')) assert.deepEqual(bytes, LATIN1);
  });
});
