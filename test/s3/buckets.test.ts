// Service and bucket operations, and the answers for features Cairn does not implement.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { assertS3Error, rawRequest } from '../helpers/raw-http.js';
import { DRIVE_COUNTS, defaultSdkClient, sdkError } from './fixture.js';

for (const drives of DRIVE_COUNTS) {
  describe(`buckets (${drives} drive${drives > 1 ? 's' : ''})`, () => {
    let cairn: CairnProcess;
    let s3: S3Client;

    before(async () => {
      cairn = await startCairn({ drives });
      s3 = defaultSdkClient(cairn);
    });
    after(async () => {
      s3?.destroy();
      await cairn?.stop();
    });

    test('a created bucket is listed with its creation date and the owner', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'listed-one' }));
      await s3.send(new CreateBucketCommand({ Bucket: 'listed-two' }));
      const out = await s3.send(new ListBucketsCommand({}));
      const names = (out.Buckets ?? []).map((b) => b.Name);
      assert.ok(names.includes('listed-one') && names.includes('listed-two'));
      assert.ok(out.Buckets?.every((b) => b.CreationDate instanceof Date));
      assert.ok(out.Owner?.ID && out.Owner.DisplayName);
    });

    test('CreateBucket accepts a CreateBucketConfiguration body', async () => {
      const out = await s3.send(
        new CreateBucketCommand({
          Bucket: 'with-config',
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        }),
      );
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.Location, '/with-config');
    });

    test('re-creating a bucket you own answers 200 in us-east-1, as S3 does there, and keeps its objects', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'twice' }));
      await s3.send(new PutObjectCommand({ Bucket: 'twice', Key: 'kept', Body: 'still here' }));
      const again = await s3.send(new CreateBucketCommand({ Bucket: 'twice' }));
      assert.equal(again.$metadata.httpStatusCode, 200);
      assert.equal(again.Location, '/twice');
      const get = await rawRequest(cairn, { method: 'GET', path: '/twice/kept' });
      assert.equal(get.body, 'still here');
    });

    test('bucket names S3 refuses are 400 InvalidBucketName', async () => {
      for (const name of [
        'ab',
        'UpperCase',
        'has_underscore',
        '192.168.0.1',
        'a..b',
        'xn--punycode',
        'x-s3alias',
      ]) {
        const res = await rawRequest(cairn, { method: 'PUT', path: `/${name}` });
        assertS3Error(res, 400, 'InvalidBucketName', name);
      }
    });

    test('HeadBucket answers 200 with the region, and a bodiless 404 for a missing bucket', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'headed' }));
      const out = await s3.send(new HeadBucketCommand({ Bucket: 'headed' }));
      assert.equal(out.BucketRegion, cairn.region);
      const missing = await rawRequest(cairn, { method: 'HEAD', path: '/not-there' });
      assert.equal(missing.status, 404);
      assert.equal(missing.body, '');
    });

    test('GetBucketLocation is empty for us-east-1 (the SDK reads it as undefined)', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'located' }));
      const out = await s3.send(new GetBucketLocationCommand({ Bucket: 'located' }));
      assert.equal(out.LocationConstraint ?? '', cairn.region === 'us-east-1' ? '' : cairn.region);
    });

    test('DeleteBucket refuses a non-empty bucket (409 BucketNotEmpty) and removes an empty one (204)', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'doomed' }));
      await s3.send(new PutObjectCommand({ Bucket: 'doomed', Key: 'k', Body: 'x' }));
      assert.deepEqual(await sdkError(s3.send(new DeleteBucketCommand({ Bucket: 'doomed' }))), {
        code: 'BucketNotEmpty',
        status: 409,
      });
      await rawRequest(cairn, { method: 'DELETE', path: '/doomed/k' });
      const del = await s3.send(new DeleteBucketCommand({ Bucket: 'doomed' }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      assert.deepEqual(await sdkError(s3.send(new HeadBucketCommand({ Bucket: 'doomed' }))), {
        code: 'NotFound',
        status: 404,
      });
      assert.deepEqual(await sdkError(s3.send(new DeleteBucketCommand({ Bucket: 'doomed' }))), {
        code: 'NoSuchBucket',
        status: 404,
      });
    });

    test('GetBucketVersioning reports an unversioned bucket; PutBucketVersioning is 501', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'versioning' }));
      const out = await s3.send(new GetBucketVersioningCommand({ Bucket: 'versioning' }));
      assert.equal(out.Status, undefined);
      const e = await sdkError(
        s3.send(
          new PutBucketVersioningCommand({
            Bucket: 'versioning',
            VersioningConfiguration: { Status: 'Enabled' },
          }),
        ),
      );
      assert.deepEqual(e, { code: 'NotImplemented', status: 501 });
    });

    test('GET ?acl answers the owner FULL_CONTROL for buckets and objects', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'acl' }));
      await s3.send(new PutObjectCommand({ Bucket: 'acl', Key: 'o', Body: 'x' }));
      for (const out of [
        await s3.send(new GetBucketAclCommand({ Bucket: 'acl' })),
        await s3.send(new GetObjectAclCommand({ Bucket: 'acl', Key: 'o' })),
      ]) {
        assert.equal(out.Grants?.length, 1);
        assert.equal(out.Grants?.[0]?.Permission, 'FULL_CONTROL');
        assert.equal(out.Grants?.[0]?.Grantee?.Type, 'CanonicalUser');
        assert.equal(out.Grants?.[0]?.Grantee?.ID, out.Owner?.ID);
      }
    });

    test('tagging, policies, lifecycle and other unimplemented features answer 501 with an XML body', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'unimpl' }));
      await s3.send(new PutObjectCommand({ Bucket: 'unimpl', Key: 'o', Body: 'x' }));
      assert.deepEqual(
        await sdkError(s3.send(new PutBucketTaggingCommand({ Bucket: 'unimpl', Tagging: { TagSet: [] } }))),
        { code: 'NotImplemented', status: 501 },
      );
      assert.deepEqual(
        await sdkError(
          s3.send(
            new PutObjectTaggingCommand({
              Bucket: 'unimpl',
              Key: 'o',
              Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] },
            }),
          ),
        ),
        { code: 'NotImplemented', status: 501 },
      );
      for (const [method, path, query] of [
        ['GET', '/unimpl', { website: '' }],
        ['GET', '/unimpl', { lifecycle: '' }],
        ['GET', '/unimpl', { cors: '' }],
        ['GET', '/unimpl', { versions: '' }],
        ['GET', '/unimpl/o', { tagging: '' }],
        ['PUT', '/unimpl', { encryption: '' }],
      ] as const) {
        assertS3Error(
          await rawRequest(cairn, { method, path, query }),
          501,
          'NotImplemented',
          `${method} ${path}`,
        );
      }
      // The object was not overwritten by the tag document.
      const get = await rawRequest(cairn, { method: 'GET', path: '/unimpl/o' });
      assert.equal(get.body, 'x');
    });

    test('a PUT asking for server-side encryption is 501 rather than stored unencrypted', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'sse' }));
      const e = await sdkError(
        s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'o', Body: 'x', ServerSideEncryption: 'AES256' })),
      );
      assert.deepEqual(e, { code: 'NotImplemented', status: 501 });
    });

    test('every response carries x-amz-request-id and x-amz-id-2; errors carry the XML error shape', async () => {
      const res = await rawRequest(cairn, {
        method: 'GET',
        path: '/no-such-bucket-here',
        query: { 'list-type': '2' },
      });
      assertS3Error(res, 404, 'NoSuchBucket');
      const id = String(res.headers['x-amz-request-id']);
      assert.match(id, /^[0-9A-F]{16}$/);
      assert.ok(res.headers['x-amz-id-2']);
      assert.match(res.body, /<BucketName>no-such-bucket-here<\/BucketName>/);
      assert.match(res.body, /<Resource>\/no-such-bucket-here<\/Resource>/);
      assert.match(res.body, new RegExp(`<RequestId>${id}</RequestId>`));
      assert.match(res.body, /<HostId>[^<]+<\/HostId>/);
    });

    test('anonymous requests are AccessDenied', async () => {
      assertS3Error(await rawRequest(cairn, { method: 'GET', path: '/', sign: false }), 403, 'AccessDenied');
    });

    test('with no region configured, a request signed for any region is served (as MinIO does)', async () => {
      const res = await rawRequest(
        { ...cairn, region: 'ap-south-1' },
        { method: 'GET', path: '/located', query: { 'list-type': '2' } },
      );
      assert.equal(res.status, 200);
      assert.match(res.body, /<ListBucketResult/);
    });
  });
}

describe('buckets in a configured region other than us-east-1', () => {
  let cairn: CairnProcess;
  let s3: S3Client;

  before(async () => {
    cairn = await startCairn({ drives: 1, env: { CAIRN_REGION: 'eu-west-1' } });
    s3 = defaultSdkClient(cairn);
  });
  after(async () => {
    s3?.destroy();
    await cairn?.stop();
  });

  test('re-creating a bucket you own is 409 BucketAlreadyOwnedByYou naming the bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'twice-eu' }));
    assert.deepEqual(await sdkError(s3.send(new CreateBucketCommand({ Bucket: 'twice-eu' }))), {
      code: 'BucketAlreadyOwnedByYou',
      status: 409,
    });
    const raw = await rawRequest(cairn, { method: 'PUT', path: '/twice-eu' });
    assertS3Error(raw, 409, 'BucketAlreadyOwnedByYou');
    assert.match(raw.body, /<BucketName>twice-eu<\/BucketName>/);
  });
});
