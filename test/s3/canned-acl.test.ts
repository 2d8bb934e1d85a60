// Canned ACLs on the operations that create things, and PUT ?acl: the ACLs that already hold here
// (one owner, nobody else) are accepted, since tools send them on every write; ACLs that would grant
// anyone else answer 501 until access control exists; values S3 does not know are InvalidArgument.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectAclCommand,
  ObjectCannedACL,
  PutBucketAclCommand,
  PutObjectAclCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { assertS3Error, parseS3Error, type RawRequest, rawRequest } from '../helpers/raw-http.js';
import { sdkError, useServer } from './fixture.js';

const BUCKET = 'acls';

describe('canned ACLs', () => {
  const server = useServer({ drives: 1, bucket: BUCKET });
  before(async () => {
    await server.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'source', Body: 'source bytes' }));
  });

  /** The four operations that take x-amz-acl, each on a fresh target, with `headers` added. */
  const operations: Array<[string, (n: number, headers: Record<string, string>) => RawRequest]> = [
    ['CreateBucket', (n, headers) => ({ method: 'PUT', path: `/acl-bucket-${n}`, headers })],
    ['PutObject', (n, headers) => ({ method: 'PUT', path: `/${BUCKET}/put-${n}`, headers, body: 'x' })],
    [
      'CopyObject',
      (n, headers) => ({
        method: 'PUT',
        path: `/${BUCKET}/copy-${n}`,
        headers: { 'x-amz-copy-source': `/${BUCKET}/source`, ...headers },
      }),
    ],
    [
      'CreateMultipartUpload',
      (n, headers) => ({ method: 'POST', path: `/${BUCKET}/mpu-${n}`, query: { uploads: '' }, headers }),
    ],
  ];

  let n = 0;
  for (const [op, request] of operations) {
    test(`${op} accepts x-amz-acl private and bucket-owner-full-control`, async () => {
      for (const acl of ['private', 'bucket-owner-full-control']) {
        const res = await rawRequest(server.cairn, request(++n, { 'x-amz-acl': acl }));
        assert.equal(res.status, 200, `${op} with ${acl}: ${res.body}`);
      }
    });

    test(`${op} with a canned ACL that grants others answers 501 and creates nothing`, async () => {
      for (const acl of [
        'public-read',
        'public-read-write',
        'authenticated-read',
        'aws-exec-read',
        'log-delivery-write',
      ]) {
        const req = request(++n, { 'x-amz-acl': acl });
        const res = await rawRequest(server.cairn, req);
        assertS3Error(res, 501, 'NotImplemented', `${op} with ${acl}`);
        assert.match(res.body, /<Header>x-amz-acl<\/Header>/);
        const head = await rawRequest(server.cairn, { method: 'HEAD', path: req.path });
        assert.equal(head.status, 404, `${op} with ${acl} left ${req.path} behind`);
        const uploads = await rawRequest(server.cairn, {
          method: 'GET',
          path: `/${BUCKET}`,
          query: { uploads: '' },
        });
        assert.doesNotMatch(uploads.body, new RegExp(`<Key>${req.path.split('/').pop()}</Key>`));
      }
    });

    test(`${op} with an x-amz-acl value S3 does not know is 400 InvalidArgument naming it`, async () => {
      const res = await rawRequest(server.cairn, request(++n, { 'x-amz-acl': 'privat' }));
      assertS3Error(res, 400, 'InvalidArgument', op);
      assert.match(res.body, /<ArgumentName>x-amz-acl<\/ArgumentName><ArgumentValue>privat<\/ArgumentValue>/);
    });

    test(`${op} with an explicit grant header answers 501`, async () => {
      const res = await rawRequest(
        server.cairn,
        request(++n, { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }),
      );
      assertS3Error(res, 501, 'NotImplemented', op);
      assert.match(res.body, /<Header>x-amz-grant-read<\/Header>/);
    });
  }

  test('the SDK uploads with ACL private and bucket-owner-full-control, and the object ACL stays owner-only', async () => {
    for (const ACL of [ObjectCannedACL.private, ObjectCannedACL.bucket_owner_full_control]) {
      const out = await server.s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: `sdk-${ACL}`, Body: 'x', ACL }),
      );
      assert.equal(out.$metadata.httpStatusCode, 200);
      const acl = await server.s3.send(new GetObjectAclCommand({ Bucket: BUCKET, Key: `sdk-${ACL}` }));
      assert.deepEqual(
        acl.Grants?.map((g) => [g.Grantee?.ID, g.Permission]),
        [[acl.Owner?.ID, 'FULL_CONTROL']],
      );
    }
    const copied = await server.s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'sdk-copy',
        CopySource: `${BUCKET}/source`,
        ACL: 'private',
      }),
    );
    assert.equal(copied.$metadata.httpStatusCode, 200);
    const mpu = await server.s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'sdk-mpu', ACL: 'private' }),
    );
    assert.ok(mpu.UploadId);
  });

  test('an empty x-amz-acl is ignored, as S3 does', async () => {
    const res = await rawRequest(server.cairn, {
      method: 'PUT',
      path: `/${BUCKET}/empty-acl`,
      headers: { 'x-amz-acl': '' },
      body: 'x',
    });
    assert.equal(res.status, 200, res.body);
  });

  test('x-amz-acl together with a grant header is 400 InvalidRequest', async () => {
    const res = await rawRequest(server.cairn, {
      method: 'PUT',
      path: `/${BUCKET}/both`,
      headers: { 'x-amz-acl': 'private', 'x-amz-grant-read': 'id="someone"' },
      body: 'x',
    });
    assertS3Error(res, 400, 'InvalidRequest');
    assert.equal(
      parseS3Error(res.body)?.message,
      'Specifying both Canned ACLs and Header Grants is not allowed',
    );
  });

  test('PutBucketAcl and PutObjectAcl with ACL private answer 200 and change nothing', async () => {
    const bucket = await server.s3.send(new PutBucketAclCommand({ Bucket: BUCKET, ACL: 'private' }));
    assert.equal(bucket.$metadata.httpStatusCode, 200);
    const object = await server.s3.send(
      new PutObjectAclCommand({ Bucket: BUCKET, Key: 'source', ACL: 'private' }),
    );
    assert.equal(object.$metadata.httpStatusCode, 200);
    const full = await server.s3.send(
      new PutObjectAclCommand({ Bucket: BUCKET, Key: 'source', ACL: 'bucket-owner-full-control' }),
    );
    assert.equal(full.$metadata.httpStatusCode, 200);
    const acl = await server.s3.send(new GetObjectAclCommand({ Bucket: BUCKET, Key: 'source' }));
    assert.deepEqual(
      acl.Grants?.map((g) => [g.Grantee?.ID, g.Permission]),
      [[acl.Owner?.ID, 'FULL_CONTROL']],
    );
    const get = await rawRequest(server.cairn, { method: 'GET', path: `/${BUCKET}/source` });
    assert.equal(get.body, 'source bytes');
  });

  test('PutObjectAcl public-read answers 501; an unknown value is InvalidArgument', async () => {
    assert.deepEqual(
      await sdkError(
        server.s3.send(new PutObjectAclCommand({ Bucket: BUCKET, Key: 'source', ACL: 'public-read' })),
      ),
      { code: 'NotImplemented', status: 501 },
    );
    assert.deepEqual(
      await sdkError(server.s3.send(new PutBucketAclCommand({ Bucket: BUCKET, ACL: 'public-read-write' }))),
      { code: 'NotImplemented', status: 501 },
    );
    assertS3Error(
      await rawRequest(server.cairn, {
        method: 'PUT',
        path: `/${BUCKET}`,
        query: { acl: '' },
        headers: { 'x-amz-acl': 'nope' },
      }),
      400,
      'InvalidArgument',
    );
  });

  test('PUT ?acl with an AccessControlPolicy document answers 501; with a header too, 400 UnexpectedContent', async () => {
    const policy =
      '<AccessControlPolicy><Owner><ID>x</ID></Owner><AccessControlList></AccessControlList></AccessControlPolicy>';
    assertS3Error(
      await rawRequest(server.cairn, {
        method: 'PUT',
        path: `/${BUCKET}/source`,
        query: { acl: '' },
        body: policy,
      }),
      501,
      'NotImplemented',
    );
    assertS3Error(
      await rawRequest(server.cairn, {
        method: 'PUT',
        path: `/${BUCKET}/source`,
        query: { acl: '' },
        headers: { 'x-amz-acl': 'private' },
        body: policy,
      }),
      400,
      'UnexpectedContent',
    );
  });

  test('PUT ?acl with neither header nor body is 400 MissingSecurityHeader; a missing target is 404', async () => {
    assertS3Error(
      await rawRequest(server.cairn, { method: 'PUT', path: `/${BUCKET}`, query: { acl: '' } }),
      400,
      'MissingSecurityHeader',
    );
    assertS3Error(
      await rawRequest(server.cairn, {
        method: 'PUT',
        path: `/${BUCKET}/not-there`,
        query: { acl: '' },
        headers: { 'x-amz-acl': 'private' },
      }),
      404,
      'NoSuchKey',
    );
    assertS3Error(
      await rawRequest(server.cairn, {
        method: 'PUT',
        path: '/no-such-acl-bucket',
        query: { acl: '' },
        headers: { 'x-amz-acl': 'private' },
      }),
      404,
      'NoSuchBucket',
    );
  });
});
