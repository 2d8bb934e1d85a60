// ListObjectsV2, ListObjects (v1) and DeleteObjects as clients page through them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { assertS3Error, rawRequest } from '../helpers/raw-http.js';
import { DRIVE_COUNTS, defaultSdkClient, sdkError } from './fixture.js';

const KEYS = [
  'a.txt',
  'dir/1.txt',
  'dir/2.txt',
  'dir/sub/3.txt',
  'dir2/x',
  'space key.txt',
  'plus+key',
  'z/ü/€',
];

for (const drives of DRIVE_COUNTS) {
  describe(`listing (${drives} drive${drives > 1 ? 's' : ''})`, () => {
    let cairn: CairnProcess;
    let s3: S3Client;
    const Bucket = 'listing';

    before(async () => {
      cairn = await startCairn({ drives });
      s3 = defaultSdkClient(cairn);
      await s3.send(new CreateBucketCommand({ Bucket }));
      for (const Key of KEYS) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
      await s3.send(new CreateBucketCommand({ Bucket: 'many' }));
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          s3.send(new PutObjectCommand({ Bucket: 'many', Key: `k${String(i).padStart(3, '0')}`, Body: 'x' })),
        ),
      );
    });
    after(async () => {
      s3?.destroy();
      await cairn?.stop();
    });

    test('ListObjectsV2 lists every key in order with sizes, quoted ETags and STANDARD storage', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket }));
      assert.deepEqual(
        out.Contents?.map((c) => c.Key),
        [...KEYS].sort(),
      );
      assert.equal(out.KeyCount, KEYS.length);
      assert.equal(out.IsTruncated, false);
      const first = out.Contents?.[0];
      assert.equal(first?.Size, Buffer.byteLength(first?.Key ?? ''));
      assert.match(first?.ETag ?? '', /^"[0-9a-f]{32}"$/);
      assert.equal(first?.StorageClass, 'STANDARD');
      assert.equal(first?.Owner, undefined, 'no owner without fetch-owner');
    });

    test('a delimiter groups keys into CommonPrefixes', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket, Delimiter: '/' }));
      assert.deepEqual(
        out.CommonPrefixes?.map((p) => p.Prefix),
        ['dir/', 'dir2/', 'z/'],
      );
      assert.deepEqual(
        out.Contents?.map((c) => c.Key),
        ['a.txt', 'plus+key', 'space key.txt'],
      );
      assert.equal(out.KeyCount, 6);
      const inner = await s3.send(new ListObjectsV2Command({ Bucket, Delimiter: '/', Prefix: 'dir/' }));
      assert.deepEqual(
        inner.Contents?.map((c) => c.Key),
        ['dir/1.txt', 'dir/2.txt'],
      );
      assert.deepEqual(
        inner.CommonPrefixes?.map((p) => p.Prefix),
        ['dir/sub/'],
      );
    });

    test('max-keys pages with continuation tokens until every key was seen once', async () => {
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateListObjectsV2({ client: s3, pageSize: 7 }, { Bucket: 'many' })) {
        pages++;
        assert.ok((page.KeyCount ?? 0) <= 7);
        for (const c of page.Contents ?? []) seen.push(c.Key!);
      }
      assert.equal(pages, 4);
      assert.deepEqual(
        seen,
        Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(3, '0')}`),
      );
    });

    test('start-after skips keys up to and including it; max-keys 0 returns nothing', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: 'many', StartAfter: 'k020' }));
      assert.deepEqual(
        out.Contents?.map((c) => c.Key),
        ['k021', 'k022', 'k023', 'k024'],
      );
      assert.equal(out.StartAfter, 'k020');
      const none = await s3.send(new ListObjectsV2Command({ Bucket: 'many', MaxKeys: 0 }));
      assert.equal(none.KeyCount, 0);
      assert.equal(none.Contents, undefined);
    });

    test('fetch-owner adds the owner to each entry', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket, FetchOwner: true, MaxKeys: 1 }));
      assert.ok(out.Contents?.[0]?.Owner?.ID);
      assert.equal(out.IsTruncated, true);
      assert.ok(out.NextContinuationToken);
    });

    test('encoding-type=url encodes keys and prefixes in the response', async () => {
      const res = await rawRequest(cairn, {
        method: 'GET',
        path: `/${Bucket}`,
        query: { 'list-type': '2', 'encoding-type': 'url', prefix: 'z/' },
      });
      assert.equal(res.status, 200);
      assert.match(res.body, /<EncodingType>url<\/EncodingType>/);
      assert.match(res.body, /<Key>z\/%C3%BC\/%E2%82%AC<\/Key>/);
      const all = await rawRequest(cairn, {
        method: 'GET',
        path: `/${Bucket}`,
        query: { 'list-type': '2', 'encoding-type': 'url' },
      });
      assert.match(all.body, /<Key>space\+key\.txt<\/Key>/);
      assert.match(all.body, /<Key>plus%2Bkey<\/Key>/);
    });

    test('a forged continuation token and a bad max-keys are InvalidArgument', async () => {
      const bad = await rawRequest(cairn, {
        method: 'GET',
        path: `/${Bucket}`,
        query: { 'list-type': '2', 'continuation-token': '***' },
      });
      assertS3Error(bad, 400, 'InvalidArgument');
      const badMax = await rawRequest(cairn, {
        method: 'GET',
        path: `/${Bucket}`,
        query: { 'max-keys': '-1' },
      });
      assertS3Error(badMax, 400, 'InvalidArgument');
    });

    test('ListObjects v1 pages by marker, with NextMarker only when a delimiter is given', async () => {
      const first = await s3.send(new ListObjectsCommand({ Bucket: 'many', MaxKeys: 10 }));
      assert.equal(first.IsTruncated, true);
      assert.equal(first.NextMarker, undefined);
      assert.equal(first.Contents?.length, 10);
      assert.ok(first.Contents?.[0]?.Owner?.ID, 'v1 always includes the owner');
      const second = await s3.send(new ListObjectsCommand({ Bucket: 'many', MaxKeys: 10, Marker: 'k009' }));
      assert.equal(second.Contents?.[0]?.Key, 'k010');
      assert.equal(second.Marker, 'k009');
      const delimited = await s3.send(new ListObjectsCommand({ Bucket, Delimiter: '/', MaxKeys: 2 }));
      assert.equal(delimited.IsTruncated, true);
      assert.equal(delimited.NextMarker, 'dir/');
    });

    test('listing a missing bucket is NoSuchBucket', async () => {
      assert.deepEqual(await sdkError(s3.send(new ListObjectsV2Command({ Bucket: 'nope-nope' }))), {
        code: 'NoSuchBucket',
        status: 404,
      });
    });

    test('DeleteObjects deletes many keys and reports each, quiet mode reports none', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'bulk' }));
      const keys = Array.from({ length: 30 }, (_, i) => `d/${i}`);
      await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: 'bulk', Key, Body: 'x' }))));
      const verbose = await s3.send(
        new DeleteObjectsCommand({
          Bucket: 'bulk',
          Delete: { Objects: [...keys.slice(0, 20), 'never-existed'].map((Key) => ({ Key })) },
        }),
      );
      assert.equal(verbose.Deleted?.length, 21);
      assert.equal(verbose.Errors, undefined);
      const quiet = await s3.send(
        new DeleteObjectsCommand({
          Bucket: 'bulk',
          Delete: { Quiet: true, Objects: keys.slice(20).map((Key) => ({ Key })) },
        }),
      );
      assert.equal(quiet.Deleted, undefined);
      const left = await s3.send(new ListObjectsV2Command({ Bucket: 'bulk' }));
      assert.equal(left.KeyCount, 0);
    });

    test('DeleteObjects with more than 1000 keys or a malformed body is MalformedXML', async () => {
      const tooMany = await sdkError(
        s3.send(
          new DeleteObjectsCommand({
            Bucket,
            Delete: { Objects: Array.from({ length: 1001 }, (_, i) => ({ Key: `k${i}` })) },
          }),
        ),
      );
      assert.deepEqual(tooMany, { code: 'MalformedXML', status: 400 });
      const body = '<Delete><Object><Key>a</Key></Object>';
      const res = await rawRequest(cairn, {
        method: 'POST',
        path: `/${Bucket}`,
        query: { delete: '' },
        body,
        headers: {
          'content-md5': (await import('node:crypto')).createHash('md5').update(body).digest('base64'),
        },
      });
      assertS3Error(res, 400, 'MalformedXML');
    });
  });
}
