// Version ids on an unversioned bucket: every object is its key's `null` version, which GET, HEAD,
// DELETE, copies and multi-object deletes can name; any other id is NoSuchVersion.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { assertS3Error, rawRequest } from '../helpers/raw-http.js';
import { bodyBytes } from '../helpers/s3-client.js';
import { sdkError, useServer } from './fixture.js';

describe('version ids on an unversioned bucket', () => {
  const Bucket = 'versions';
  const server = useServer({ drives: 4, bucket: Bucket });
  before(async () => {
    await server.s3.send(new PutObjectCommand({ Bucket, Key: 'doc', Body: 'the null version' }));
  });

  test('GET and HEAD of versionId=null read the object and name the version back', async () => {
    const got = await server.s3.send(new GetObjectCommand({ Bucket, Key: 'doc', VersionId: 'null' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'the null version');
    assert.equal(got.VersionId, 'null');
    const head = await server.s3.send(new HeadObjectCommand({ Bucket, Key: 'doc', VersionId: 'null' }));
    assert.equal(head.VersionId, 'null');
    const plain = await server.s3.send(new HeadObjectCommand({ Bucket, Key: 'doc' }));
    assert.equal(plain.VersionId, undefined, 'no version header when none was asked for');
  });

  test('GET, HEAD and DELETE of another version are NoSuchVersion naming the key and version', async () => {
    const get = await rawRequest(server.cairn, {
      method: 'GET',
      path: `/${Bucket}/doc`,
      query: { versionId: 'abc123' },
    });
    assertS3Error(get, 404, 'NoSuchVersion');
    assert.match(get.body, /<Key>doc<\/Key>/);
    assert.match(get.body, /<VersionId>abc123<\/VersionId>/);
    assert.equal(
      (await sdkError(server.s3.send(new HeadObjectCommand({ Bucket, Key: 'doc', VersionId: 'abc123' }))))
        .status,
      404,
    );
    const del = await rawRequest(server.cairn, {
      method: 'DELETE',
      path: `/${Bucket}/doc`,
      query: { versionId: 'abc123' },
    });
    assertS3Error(del, 404, 'NoSuchVersion');
    const still = await server.s3.send(new GetObjectCommand({ Bucket, Key: 'doc' }));
    assert.equal((await bodyBytes(still.Body)).toString(), 'the null version', 'nothing was deleted');
  });

  test('a copy names its source version: null copies, another is NoSuchVersion', async () => {
    const copied = await server.s3.send(
      new CopyObjectCommand({ Bucket, Key: 'copy', CopySource: `${Bucket}/doc?versionId=null` }),
    );
    assert.equal(copied.CopySourceVersionId, 'null');
    const got = await server.s3.send(new GetObjectCommand({ Bucket, Key: 'copy' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'the null version');
    const err = await sdkError(
      server.s3.send(
        new CopyObjectCommand({ Bucket, Key: 'copy2', CopySource: `${Bucket}/doc?versionId=zzz` }),
      ),
    );
    assert.deepEqual(err, { code: 'NoSuchVersion', status: 404 });
  });

  test('a multi-object delete reports another version per key and deletes the null one', async () => {
    await server.s3.send(new PutObjectCommand({ Bucket, Key: 'gone', Body: 'x' }));
    const res = await server.s3.send(
      new DeleteObjectsCommand({
        Bucket,
        Delete: {
          Objects: [
            { Key: 'gone', VersionId: 'null' },
            { Key: 'doc', VersionId: 'nope' },
          ],
        },
      }),
    );
    assert.deepEqual(
      res.Deleted?.map((d) => [d.Key, d.VersionId]),
      [['gone', 'null']],
    );
    assert.deepEqual(
      res.Errors?.map((e) => [e.Key, e.Code]),
      [['doc', 'NoSuchVersion']],
    );
    assert.equal(
      (await sdkError(server.s3.send(new HeadObjectCommand({ Bucket, Key: 'gone' })))).status,
      404,
    );
  });

  test('DELETE of versionId=null removes the object and names the version back', async () => {
    await server.s3.send(new PutObjectCommand({ Bucket, Key: 'temp', Body: 'x' }));
    const del = await rawRequest(server.cairn, {
      method: 'DELETE',
      path: `/${Bucket}/temp`,
      query: { versionId: 'null' },
    });
    assert.equal(del.status, 204);
    assert.equal(del.headers['x-amz-version-id'], 'null');
    assert.equal(
      (await sdkError(server.s3.send(new HeadObjectCommand({ Bucket, Key: 'temp' })))).status,
      404,
    );
  });
});
