// ACLs as S3 answers them with ACLs disabled (Object Ownership "bucket owner enforced"), on the
// operations that create things and on PUT ?acl: the ACLs that only restate the owner's FULL_CONTROL
// are accepted, since tools send them on every write; an ACL that would grant anyone else is 400
// AccessControlListNotSupported; values S3 does not know are InvalidArgument.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetBucketOwnershipControlsCommand,
  GetObjectAclCommand,
  ObjectCannedACL,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutObjectAclCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { assertS3Error, parseS3Error, type RawRequest, rawRequest } from '../helpers/raw-http.js';
import { sdkError, useServer } from './fixture.js';

const BUCKET = 'acls';

/** An AccessControlPolicy document owned by `ownerId` with these `<Grant>` contents. */
function aclDocument(ownerId: string, grants: string[]): string {
  return `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${ownerId}</ID></Owner><AccessControlList>${grants.map((g) => `<Grant>${g}</Grant>`).join('')}</AccessControlList></AccessControlPolicy>`;
}

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

    test(`${op} with a canned ACL that grants others answers AccessControlListNotSupported and creates nothing`, async () => {
      for (const acl of [
        'bucket-owner-read',
        'public-read',
        'public-read-write',
        'authenticated-read',
        'aws-exec-read',
        'log-delivery-write',
      ]) {
        const req = request(++n, { 'x-amz-acl': acl });
        const res = await rawRequest(server.cairn, req);
        assertS3Error(res, 400, 'AccessControlListNotSupported', `${op} with ${acl}`);
        assert.equal(parseS3Error(res.body)?.message, 'The bucket does not allow ACLs');
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

    test(`${op} with an explicit grant header answers AccessControlListNotSupported`, async () => {
      for (const grant of ['x-amz-grant-read', 'x-amz-grant-full-control', 'x-amz-grant-write-acp']) {
        const res = await rawRequest(
          server.cairn,
          request(++n, { [grant]: 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }),
        );
        assertS3Error(res, 400, 'AccessControlListNotSupported', `${op} with ${grant}`);
      }
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

  test('PutObjectAcl public-read and PutBucketAcl public-read-write answer AccessControlListNotSupported; an unknown value is InvalidArgument', async () => {
    assert.deepEqual(
      await sdkError(
        server.s3.send(new PutObjectAclCommand({ Bucket: BUCKET, Key: 'source', ACL: 'public-read' })),
      ),
      { code: 'AccessControlListNotSupported', status: 400 },
    );
    assert.deepEqual(
      await sdkError(server.s3.send(new PutBucketAclCommand({ Bucket: BUCKET, ACL: 'public-read-write' }))),
      { code: 'AccessControlListNotSupported', status: 400 },
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

  test('PUT ?acl with a document granting only the owner FULL_CONTROL succeeds, by SDK and raw', async () => {
    const current = await server.s3.send(new GetObjectAclCommand({ Bucket: BUCKET, Key: 'source' }));
    const policy = { Owner: current.Owner, Grants: current.Grants };
    const object = await server.s3.send(
      new PutObjectAclCommand({ Bucket: BUCKET, Key: 'source', AccessControlPolicy: policy }),
    );
    assert.equal(object.$metadata.httpStatusCode, 200);
    const bucket = await server.s3.send(
      new PutBucketAclCommand({ Bucket: BUCKET, AccessControlPolicy: policy }),
    );
    assert.equal(bucket.$metadata.httpStatusCode, 200);
    const res = await rawRequest(server.cairn, {
      method: 'PUT',
      path: `/${BUCKET}`,
      query: { acl: '' },
      body: aclDocument(current.Owner?.ID ?? '', [
        `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${current.Owner?.ID}</ID></Grantee><Permission>FULL_CONTROL</Permission>`,
      ]),
    });
    assert.equal(res.status, 200, res.body);
  });

  test('PUT ?acl with a document granting anyone else, or less than FULL_CONTROL, is AccessControlListNotSupported', async () => {
    const { Owner } = await server.s3.send(new GetObjectAclCommand({ Bucket: BUCKET, Key: 'source' }));
    const ownerId = Owner?.ID ?? '';
    const ownerGrant = `<Grantee><ID>${ownerId}</ID></Grantee><Permission>FULL_CONTROL</Permission>`;
    const cases: Array<[string, string]> = [
      [
        'AllUsers READ',
        aclDocument(ownerId, [
          ownerGrant,
          '<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission>',
        ]),
      ],
      [
        'another user',
        aclDocument(ownerId, [`<Grantee><ID>${'ab'.repeat(32)}</ID></Grantee><Permission>READ</Permission>`]),
      ],
      [
        'an email grantee',
        aclDocument(ownerId, [
          '<Grantee><EmailAddress>x@example.com</EmailAddress></Grantee><Permission>READ</Permission>',
        ]),
      ],
      [
        'the owner READ only',
        aclDocument(ownerId, [`<Grantee><ID>${ownerId}</ID></Grantee><Permission>READ</Permission>`]),
      ],
      ['no grants at all', aclDocument(ownerId, [])],
      ['another owner', aclDocument('someone-else', [ownerGrant])],
    ];
    for (const [name, body] of cases) {
      for (const path of [`/${BUCKET}`, `/${BUCKET}/source`]) {
        const res = await rawRequest(server.cairn, { method: 'PUT', path, query: { acl: '' }, body });
        assertS3Error(res, 400, 'AccessControlListNotSupported', `${name} on ${path}`);
      }
    }
    const get = await rawRequest(server.cairn, { method: 'GET', path: `/${BUCKET}/source` });
    assert.equal(get.body, 'source bytes');
  });

  test('PUT ?acl with a body that is not an AccessControlPolicy is 400 MalformedACLError; with a header too, UnexpectedContent', async () => {
    for (const body of [
      '<AccessControlPolicy><Owner><ID>x</ID>',
      '<Tagging><TagSet/></Tagging>',
      '<AccessControlPolicy><Owner><ID>x</ID></Owner></AccessControlPolicy>',
      '<AccessControlPolicy><AccessControlList><Grant><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>',
      '<AccessControlPolicy><AccessControlList><Grant><Grantee><ID>x</ID></Grantee><Permission>ALL</Permission></Grant></AccessControlList></AccessControlPolicy>',
      'not xml at all',
    ]) {
      assertS3Error(
        await rawRequest(server.cairn, {
          method: 'PUT',
          path: `/${BUCKET}/source`,
          query: { acl: '' },
          body,
        }),
        400,
        'MalformedACLError',
        body,
      );
    }
    assertS3Error(
      await rawRequest(server.cairn, {
        method: 'PUT',
        path: `/${BUCKET}/source`,
        query: { acl: '' },
        headers: { 'x-amz-acl': 'private' },
        body: aclDocument('x', []),
      }),
      400,
      'UnexpectedContent',
    );
  });

  test('GetBucketOwnershipControls answers BucketOwnerEnforced; changing it is 501', async () => {
    const out = await server.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: BUCKET }));
    assert.deepEqual(
      out.OwnershipControls?.Rules?.map((r) => r.ObjectOwnership),
      ['BucketOwnerEnforced'],
    );
    assert.deepEqual(
      await sdkError(
        server.s3.send(
          new PutBucketOwnershipControlsCommand({
            Bucket: BUCKET,
            OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
          }),
        ),
      ),
      { code: 'NotImplemented', status: 501 },
    );
    assertS3Error(
      await rawRequest(server.cairn, {
        method: 'GET',
        path: '/no-such-ownership-bucket',
        query: { ownershipControls: '' },
      }),
      404,
      'NoSuchBucket',
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
