// Uploads without Content-Length (HTTP chunked transfer coding, as `curl -T -` and streaming clients
// send them), and Content-Encoding as stored.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { CairnProcess } from '../helpers/cairn-process.js';
import { walkFiles } from '../helpers/files.js';
import {
  assertS3Error,
  type RawResponse,
  rawRequest,
  rawSocket,
  signedRequestHead,
} from '../helpers/raw-http.js';
import { bodyBytes, s3Client } from '../helpers/s3-client.js';
import { DRIVE_COUNTS, sdkError, useServer } from './fixture.js';

const md5hex = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** `data` cut into pieces of `size` bytes (the last one shorter), written as separate HTTP chunks. */
function pieces(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/**
 * A signed PUT whose body goes out with `Transfer-Encoding: chunked` and no Content-Length, one
 * HTTP chunk per piece. `payloadHash` defaults to UNSIGNED-PAYLOAD.
 */
function chunkedPut(
  cairn: CairnProcess,
  path: string,
  body: Buffer[],
  opts: { payloadHash?: string; headers?: Record<string, string>; query?: Record<string, string> } = {},
): Promise<RawResponse> {
  return rawRequest(cairn, {
    method: 'PUT',
    path,
    chunks: body,
    payloadHash: opts.payloadHash ?? 'UNSIGNED-PAYLOAD',
    ...(opts.query ? { query: opts.query } : {}),
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
}

for (const drives of DRIVE_COUNTS) {
  describe(`uploads without Content-Length (${drives} drive${drives > 1 ? 's' : ''})`, () => {
    const Bucket = 'chunked';
    const server = useServer({ drives: drives, bucket: Bucket });

    const getBytes = async (Key: string) =>
      bodyBytes((await server.s3.send(new GetObjectCommand({ Bucket, Key }))).Body);
    const tempFiles = async () =>
      (await Promise.all(server.cairn.driveDirs.map((d) => walkFiles(join(d, '.cairn.sys', 'tmp'))))).flat();

    test('a chunked PUT of several MiB is stored and read back byte-identical', async () => {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      const res = await chunkedPut(server.cairn, `/${Bucket}/big`, pieces(data, 100_003));
      assert.equal(res.status, 200, res.body);
      assert.equal(res.headers.etag, `"${md5hex(data)}"`);
      assert.ok((await getBytes('big')).equals(data));
      const head = await server.s3.send(new HeadObjectCommand({ Bucket, Key: 'big' }));
      assert.equal(head.ContentLength, data.length);
      const listed = await server.s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'big' }));
      assert.equal(listed.Contents?.[0]?.Size, data.length);
    });

    test('a small chunked PUT is stored like any small object', async () => {
      for (const size of [0, 5, 128 * 1024, 128 * 1024 + 1]) {
        const data = randomBytes(size);
        const res = await chunkedPut(server.cairn, `/${Bucket}/small-${size}`, pieces(data, 7000));
        assert.equal(res.status, 200, res.body);
        assert.equal(res.headers.etag, `"${md5hex(data)}"`);
        assert.ok((await getBytes(`small-${size}`)).equals(data), `${size} bytes`);
      }
    });

    test('a chunked PUT signed with its SHA-256 is stored; a wrong one is refused and replaces nothing', async () => {
      const data = randomBytes(1024 * 1024 + 5);
      const ok = await chunkedPut(server.cairn, `/${Bucket}/signed`, pieces(data, 65_536), {
        payloadHash: sha256hex(data),
      });
      assert.equal(ok.status, 200, ok.body);
      const other = randomBytes(data.length);
      const bad = await chunkedPut(server.cairn, `/${Bucket}/signed`, pieces(other, 65_536), {
        payloadHash: sha256hex(data),
      });
      assertS3Error(bad, 400, 'XAmzContentSHA256Mismatch');
      assert.ok((await getBytes('signed')).equals(data), 'the stored object is the first one');
      assert.deepEqual(await tempFiles(), []);
    });

    test('a chunked PUT the client abandons midway leaves no object and no temp files', async () => {
      const head = signedRequestHead(server.cairn, 'PUT', `/${Bucket}/abandoned`, {
        'transfer-encoding': 'chunked',
      });
      // Two whole 1 MiB chunks and the start of a third, then the connection goes away.
      const chunk = Buffer.alloc(1024 * 1024, 1);
      const framed = Buffer.concat([
        Buffer.from(`${chunk.length.toString(16)}\r\n`),
        chunk,
        Buffer.from('\r\n'),
      ]);
      const sent = Buffer.concat([Buffer.from(head), framed, framed, framed.subarray(0, 1000)]);
      await rawSocket(server.cairn.port, sent, { destroyAfterMs: 200 });
      const e = await sdkError(server.s3.send(new HeadObjectCommand({ Bucket, Key: 'abandoned' })));
      assert.equal(e.status, 404);
      for (let i = 0; i < 50 && (await tempFiles()).length > 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(await tempFiles(), []);
    });

    test('the AWS SDK puts a stream of unknown length (sent chunked) and it reads back whole', async () => {
      const client = s3Client(server.cairn);
      try {
        const data = randomBytes(2 * 1024 * 1024 + 3);
        const Body = Readable.from(pieces(data, 50_000));
        const put = await client.send(new PutObjectCommand({ Bucket, Key: 'sdk-stream', Body }));
        assert.equal(put.ETag, `"${md5hex(data)}"`);
        assert.ok((await getBytes('sdk-stream')).equals(data));
      } finally {
        client.destroy();
      }
    });

    test('UploadPart without a length is 501 NotImplemented naming Transfer-Encoding', async () => {
      const { UploadId } = await server.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mpu' }));
      const res = await chunkedPut(server.cairn, `/${Bucket}/mpu`, [Buffer.from('part')], {
        query: { partNumber: '1', uploadId: UploadId ?? '' },
      });
      assertS3Error(res, 501, 'NotImplemented');
      assert.match(res.body, /<Header>Transfer-Encoding<\/Header>/);
    });

    test('Content-Encoding is stored as sent, less the aws-chunked coding', async () => {
      for (const [sent, stored] of [
        ['deflate, gzip', 'deflate, gzip'],
        ['aws-chunked, gzip', 'gzip'],
        ['gzip,aws-chunked', 'gzip'],
        ['aws-chunked', undefined],
      ] as const) {
        const path = `/${Bucket}/ce-${encodeURIComponent(sent)}`;
        const put = await rawRequest(server.cairn, {
          method: 'PUT',
          path,
          headers: { 'content-encoding': sent },
          body: 'x',
        });
        assert.equal(put.status, 200, put.body);
        const got = await rawRequest(server.cairn, { method: 'GET', path });
        assert.equal(got.headers['content-encoding'], stored, `sent ${sent}`);
      }
    });
  });
}
