// Presigned URLs (the SDK presigner, fetched with plain HTTP) and minio-js against the S3 front.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import * as Minio from 'minio';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { bodyBytes } from '../helpers/s3-client.js';
import { DRIVE_COUNTS, defaultSdkClient } from './fixture.js';

async function collect<T>(stream: NodeJS.ReadableStream): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream as AsyncIterable<T>) out.push(item);
  return out;
}

for (const drives of DRIVE_COUNTS) {
  describe(`presigned URLs and minio-js (${drives} drive${drives > 1 ? 's' : ''})`, () => {
    let cairn: CairnProcess;
    let s3: S3Client;
    let minio: Minio.Client;

    before(async () => {
      cairn = await startCairn({ drives });
      s3 = defaultSdkClient(cairn);
      minio = new Minio.Client({
        endPoint: '127.0.0.1',
        port: cairn.port,
        useSSL: false,
        accessKey: cairn.accessKey,
        secretKey: cairn.secretKey,
        region: cairn.region,
      });
      await s3.send(new CreateBucketCommand({ Bucket: 'presigned' }));
    });
    after(async () => {
      s3?.destroy();
      await cairn?.stop();
    });

    test('a presigned PUT uploads with plain fetch and a presigned GET downloads the bytes', async () => {
      const data = randomBytes(100_000);
      const putUrl = await getSignedUrl(
        s3,
        new PutObjectCommand({ Bucket: 'presigned', Key: 'via url.bin' }),
        {
          expiresIn: 300,
        },
      );
      const put = await fetch(putUrl, { method: 'PUT', body: data });
      assert.equal(put.status, 200, await put.clone().text());
      assert.match(put.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
      const getUrl = await getSignedUrl(
        s3,
        new GetObjectCommand({ Bucket: 'presigned', Key: 'via url.bin' }),
        {
          expiresIn: 300,
        },
      );
      const got = await fetch(getUrl);
      assert.equal(got.status, 200);
      assert.ok(Buffer.from(await got.arrayBuffer()).equals(data));
    });

    test('a presigned GET with response-content-disposition sets the header', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'presigned', Key: 'doc.txt', Body: 'doc' }));
      const url = await getSignedUrl(
        s3,
        new GetObjectCommand({
          Bucket: 'presigned',
          Key: 'doc.txt',
          ResponseContentDisposition: 'attachment; filename="d.txt"',
        }),
        { expiresIn: 60 },
      );
      const got = await fetch(url);
      assert.equal(got.headers.get('content-disposition'), 'attachment; filename="d.txt"');
      assert.equal(await got.text(), 'doc');
    });

    test('minio-js creates a bucket, puts, stats, gets, lists and removes objects', async () => {
      await minio.makeBucket('minio-js', cairn.region);
      assert.ok(await minio.bucketExists('minio-js'));
      const data = randomBytes(300_000);
      await minio.putObject('minio-js', 'dir/one.bin', data, data.length, {
        'Content-Type': 'application/x-one',
        'X-Amz-Meta-Tag': 'v',
      });
      await minio.putObject('minio-js', 'dir/two.txt', 'two');
      const stat = await minio.statObject('minio-js', 'dir/one.bin');
      assert.equal(stat.size, data.length);
      assert.equal(stat.metaData['content-type'], 'application/x-one');
      assert.equal(stat.metaData.tag, 'v');
      const got = await bodyBytes(await minio.getObject('minio-js', 'dir/one.bin'));
      assert.ok(got.equals(data));
      const partial = await bodyBytes(await minio.getPartialObject('minio-js', 'dir/one.bin', 10, 20));
      assert.ok(partial.equals(data.subarray(10, 30)));
      const listed = await collect<{ name?: string; prefix?: string }>(
        minio.listObjectsV2('minio-js', 'dir/', true),
      );
      assert.deepEqual(
        listed.map((o) => o.name),
        ['dir/one.bin', 'dir/two.txt'],
      );
      await minio.removeObjects('minio-js', ['dir/one.bin', 'dir/two.txt']);
      const after = await collect<{ name?: string }>(minio.listObjectsV2('minio-js', '', true));
      assert.equal(after.length, 0);
      await minio.removeBucket('minio-js');
      assert.equal(await minio.bucketExists('minio-js'), false);
    });

    test('minio-js uploads a 70 MiB stream as a multipart upload', async () => {
      await minio.makeBucket('minio-big', cairn.region);
      const block = randomBytes(1024 * 1024);
      const blocks = 70;
      async function* source() {
        for (let i = 0; i < blocks; i++) yield block;
      }
      const { Readable } = await import('node:stream');
      const info = await minio.putObject(
        'minio-big',
        'big.bin',
        Readable.from(source()),
        blocks * block.length,
      );
      assert.match(info.etag, /-\d+$/);
      const stat = await minio.statObject('minio-big', 'big.bin');
      assert.equal(stat.size, blocks * block.length);
      const tail = await bodyBytes(
        await minio.getPartialObject('minio-big', 'big.bin', blocks * block.length - 100, 100),
      );
      assert.ok(tail.equals(block.subarray(block.length - 100)));
    });
  });
}
