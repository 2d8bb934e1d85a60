/**
 * The authorization step, driven through the real S3 front with a second Authorizer (the product
 * has only root-only until the access-control issue): every routed request is authorized with its
 * row's IAM action on its resource, copies are authorized on their source too, and multi-object
 * deletes key by key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { ownerFor, s3Mount } from '../../src/api/s3/s3-handler.js';
import { ApiServer } from '../../src/api/server.js';
import { type AuthorizationRequest, type Authorizer, rootIdentityStore } from '../../src/iam/authorizer.js';
import { openObjectLayer } from '../../src/object/erasure-object-layer.js';
import type { ObjectLayer } from '../../src/object/object-layer.js';
import { silentLogger } from '../../src/util/logger.js';
import { drivePaths, tempRoot } from '../helpers/object-layer-support.js';
import { s3Client, s3ErrorOf } from '../helpers/s3-client.js';

const credentials = { accessKey: 'authz-root', secretKey: 'authz-secret-key' };

/** Allows everything except what `denied` names as `action resource`; records every question. */
class RecordingAuthorizer implements Authorizer {
  readonly asked: AuthorizationRequest[] = [];
  readonly denied = new Set<string>();
  authorize(request: AuthorizationRequest): boolean {
    this.asked.push(request);
    return (
      request.principal.kind !== 'anonymous' && !this.denied.has(`${request.action} ${request.resource}`)
    );
  }
  take(): string[] {
    return this.asked.splice(0).map((r) => `${r.action} ${r.resource}`);
  }
}

describe('authorization step', () => {
  const authorizer = new RecordingAuthorizer();
  let server: ApiServer;
  let objects: ObjectLayer;
  let cleanup: () => Promise<void>;
  let client: ReturnType<typeof s3Client>;

  before(async () => {
    const t = await tempRoot();
    cleanup = t.cleanup;
    objects = await openObjectLayer({ drives: drivePaths(t.root, 1) });
    server = new ApiServer({
      log: silentLogger,
      mounts: [
        s3Mount({
          objects,
          identities: rootIdentityStore(credentials),
          authorizer,
          owner: ownerFor(credentials.accessKey),
          domains: [],
          region: 'us-east-1',
        }),
      ],
    });
    const { port } = await server.listen(0, '127.0.0.1');
    client = s3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', ...credentials });
  });
  after(async () => {
    client.destroy();
    await server.close(1000);
    await objects.close();
    await cleanup();
  });

  test('each operation is authorized with its IAM action on its bucket or object', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'photos' }));
    await client.send(new PutObjectCommand({ Bucket: 'photos', Key: 'a/cat.jpg', Body: 'meow' }));
    await client.send(new GetObjectCommand({ Bucket: 'photos', Key: 'a/cat.jpg' }));
    await client.send(new HeadObjectCommand({ Bucket: 'photos', Key: 'a/cat.jpg' }));
    await client.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'a/' }));
    await client.send(new HeadBucketCommand({ Bucket: 'photos' }));
    await client.send(new ListBucketsCommand({}));
    await client.send(new CreateMultipartUploadCommand({ Bucket: 'photos', Key: 'big' }));
    await client.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'a/cat.jpg' }));
    assert.deepEqual(authorizer.take(), [
      's3:CreateBucket arn:aws:s3:::photos',
      's3:PutObject arn:aws:s3:::photos/a/cat.jpg',
      's3:GetObject arn:aws:s3:::photos/a/cat.jpg',
      's3:GetObject arn:aws:s3:::photos/a/cat.jpg',
      's3:ListBucket arn:aws:s3:::photos',
      's3:ListBucket arn:aws:s3:::photos',
      's3:ListAllMyBuckets *',
      's3:PutObject arn:aws:s3:::photos/big',
      's3:DeleteObject arn:aws:s3:::photos/a/cat.jpg',
    ]);
  });

  test('a policy condition can read the request: prefix, source address, signature version', async () => {
    await client.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'a/', Delimiter: '/' }));
    const [asked] = authorizer.asked.splice(0);
    const conditions = asked!.conditions();
    assert.deepEqual(conditions['s3:prefix'], ['a/']);
    assert.deepEqual(conditions['s3:delimiter'], ['/']);
    assert.deepEqual(conditions['aws:SourceIp'], ['127.0.0.1']);
    assert.deepEqual(conditions['aws:SecureTransport'], ['false']);
    assert.deepEqual(conditions['s3:signatureversion'], ['AWS4-HMAC-SHA256']);
    // AWS leaves aws:username out for the root user (it has no user name); aws:userid names it.
    assert.equal(conditions['aws:username'], undefined);
    assert.deepEqual(conditions['aws:userid'], [credentials.accessKey]);
    assert.deepEqual(conditions['aws:PrincipalType'], ['Account']);
  });

  test('a copy is authorized on its source too: refused to read the source, it copies nothing', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'photos', Key: 'secret', Body: 'hidden' }));
    authorizer.take();
    authorizer.denied.add('s3:GetObject arn:aws:s3:::photos/secret');
    try {
      const err = await client
        .send(new CopyObjectCommand({ Bucket: 'photos', Key: 'copy', CopySource: 'photos/secret' }))
        .catch((e: unknown) => e);
      assert.deepEqual([s3ErrorOf(err).code, s3ErrorOf(err).status], ['AccessDenied', 403]);
      assert.deepEqual(authorizer.take(), [
        's3:PutObject arn:aws:s3:::photos/copy',
        's3:GetObject arn:aws:s3:::photos/secret',
      ]);
      const { UploadId } = await client.send(
        new CreateMultipartUploadCommand({ Bucket: 'photos', Key: 'mp' }),
      );
      const partErr = await client
        .send(
          new UploadPartCopyCommand({
            Bucket: 'photos',
            Key: 'mp',
            UploadId,
            PartNumber: 1,
            CopySource: 'photos/secret',
          }),
        )
        .catch((e: unknown) => e);
      assert.equal(s3ErrorOf(partErr).code, 'AccessDenied');
      const missing = await client
        .send(new HeadObjectCommand({ Bucket: 'photos', Key: 'copy' }))
        .catch((e: unknown) => e);
      assert.equal(s3ErrorOf(missing).status, 404, 'nothing was copied');
    } finally {
      authorizer.denied.clear();
    }
  });

  test('a multi-object delete is authorized key by key and reports AccessDenied for the refused keys', async () => {
    for (const Key of ['keep', 'drop'])
      await client.send(new PutObjectCommand({ Bucket: 'photos', Key, Body: Key }));
    authorizer.take();
    authorizer.denied.add('s3:DeleteObject arn:aws:s3:::photos/keep');
    try {
      const res = await client.send(
        new DeleteObjectsCommand({
          Bucket: 'photos',
          Delete: { Objects: [{ Key: 'keep' }, { Key: 'drop' }] },
        }),
      );
      assert.deepEqual(
        res.Errors?.map((e) => [e.Key, e.Code]),
        [['keep', 'AccessDenied']],
      );
      assert.deepEqual(
        res.Deleted?.map((d) => d.Key),
        ['drop'],
      );
      assert.deepEqual(authorizer.take(), [
        's3:DeleteObject arn:aws:s3:::photos/keep',
        's3:DeleteObject arn:aws:s3:::photos/drop',
      ]);
      await client.send(new HeadObjectCommand({ Bucket: 'photos', Key: 'keep' }));
    } finally {
      authorizer.denied.clear();
    }
  });

  test('an anonymous request reaches the authorizer and is refused with AccessDenied', async () => {
    const { port } = server.http.address() as { port: number };
    authorizer.take();
    const res = await fetch(`http://127.0.0.1:${port}/photos/keep`);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>AccessDenied<\/Code>/);
    const asked = authorizer.asked.splice(0);
    assert.equal(asked.length, 1);
    assert.equal(asked[0]?.principal.kind, 'anonymous');
    assert.equal(asked[0]?.action, 's3:GetObject');
  });
});
