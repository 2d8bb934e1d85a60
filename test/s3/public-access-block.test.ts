// PublicAccessBlock on a bucket (GET/PUT/DELETE ?publicAccessBlock), as S3 answers it: stored
// switches come back as set (an absent one is off), a bucket without one answers
// NoSuchPublicAccessBlockConfiguration, DELETE is 204 whether or not one was set, and the
// configuration survives a restart. What the switches do to bucket policies is proven in
// bucket-policy.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { assertS3Error, parseS3Error, rawRequest } from '../helpers/raw-http.js';
import { defaultSdkClient, sdkError, useServer } from './fixture.js';

const BUCKET = 'pab';

function configXml(fields: Record<string, string>): string {
  const inner = Object.entries(fields)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join('');
  return `<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</PublicAccessBlockConfiguration>`;
}

describe('PublicAccessBlock', () => {
  const server = useServer({ drives: 4, bucket: BUCKET });

  test('a bucket without a configuration answers 404 NoSuchPublicAccessBlockConfiguration naming it', async () => {
    assert.deepEqual(await sdkError(server.s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET }))), {
      code: 'NoSuchPublicAccessBlockConfiguration',
      status: 404,
    });
    const res = await rawRequest(server.cairn, {
      method: 'GET',
      path: `/${BUCKET}`,
      query: { publicAccessBlock: '' },
    });
    assertS3Error(res, 404, 'NoSuchPublicAccessBlockConfiguration');
    assert.equal(parseS3Error(res.body)?.message, 'The public access block configuration was not found');
    assert.match(res.body, /<BucketName>pab<\/BucketName>/);
  });

  test('the SDK puts all four switches and gets them back; DELETE answers 204 and removes them', async () => {
    const config = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    };
    const put = await server.s3.send(
      new PutPublicAccessBlockCommand({ Bucket: BUCKET, PublicAccessBlockConfiguration: config }),
    );
    assert.equal(put.$metadata.httpStatusCode, 200);
    const got = await server.s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET }));
    assert.deepEqual(got.PublicAccessBlockConfiguration, config);

    const del = await server.s3.send(new DeletePublicAccessBlockCommand({ Bucket: BUCKET }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    assert.equal(
      (await sdkError(server.s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET })))).code,
      'NoSuchPublicAccessBlockConfiguration',
    );
    const again = await rawRequest(server.cairn, {
      method: 'DELETE',
      path: `/${BUCKET}`,
      query: { publicAccessBlock: '' },
    });
    assert.equal(again.status, 204, 'a second DELETE is 204 too');
  });

  test('switches left out are off, and the answer is the S3 XML document', async () => {
    const put = await rawRequest(server.cairn, {
      method: 'PUT',
      path: `/${BUCKET}`,
      query: { publicAccessBlock: '' },
      body: configXml({ BlockPublicPolicy: 'true', IgnorePublicAcls: 'FALSE' }),
    });
    assert.equal(put.status, 200, put.body);
    const res = await rawRequest(server.cairn, {
      method: 'GET',
      path: `/${BUCKET}`,
      query: { publicAccessBlock: '' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/xml');
    assert.match(
      res.body,
      /<PublicAccessBlockConfiguration xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><BlockPublicAcls>false<\/BlockPublicAcls><IgnorePublicAcls>false<\/IgnorePublicAcls><BlockPublicPolicy>true<\/BlockPublicPolicy><RestrictPublicBuckets>false<\/RestrictPublicBuckets><\/PublicAccessBlockConfiguration>$/,
    );
  });

  test('a body that is not a configuration, or a switch that is not a boolean, is 400 MalformedXML and changes nothing', async () => {
    const before = await server.s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET }));
    for (const body of [
      '',
      '<PublicAccessBlockConfiguration>',
      '<Other><BlockPublicAcls>true</BlockPublicAcls></Other>',
      configXml({ BlockPublicAcls: 'yes' }),
      configXml({ BlockPublicAcls: 'true' }).replace(
        '</Public',
        '<BlockPublicAcls>true</BlockPublicAcls></Public',
      ),
    ]) {
      const res = await rawRequest(server.cairn, {
        method: 'PUT',
        path: `/${BUCKET}`,
        query: { publicAccessBlock: '' },
        body,
      });
      assertS3Error(res, 400, 'MalformedXML', JSON.stringify(body));
    }
    const after = await server.s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET }));
    assert.deepEqual(after.PublicAccessBlockConfiguration, before.PublicAccessBlockConfiguration);
  });

  test('a Content-MD5 that does not match the body is 400 BadDigest; one that matches is accepted', async () => {
    const body = configXml({ BlockPublicAcls: 'true' });
    const wrong = await rawRequest(server.cairn, {
      method: 'PUT',
      path: `/${BUCKET}`,
      query: { publicAccessBlock: '' },
      headers: { 'content-md5': createHash('md5').update('other').digest('base64') },
      body,
    });
    assertS3Error(wrong, 400, 'BadDigest');
    const right = await rawRequest(server.cairn, {
      method: 'PUT',
      path: `/${BUCKET}`,
      query: { publicAccessBlock: '' },
      headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
      body,
    });
    assert.equal(right.status, 200, right.body);
  });

  test('a bucket that does not exist is 404 NoSuchBucket for GET, PUT and DELETE', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await rawRequest(server.cairn, {
        method,
        path: '/no-such-pab-bucket',
        query: { publicAccessBlock: '' },
        ...(method === 'PUT' ? { body: configXml({ BlockPublicAcls: 'true' }) } : {}),
      });
      assertS3Error(res, 404, 'NoSuchBucket', method);
    }
  });

  test('other methods, and the subresource on an object, are 405 and write nothing', async () => {
    const post = await rawRequest(server.cairn, {
      method: 'POST',
      path: `/${BUCKET}`,
      query: { publicAccessBlock: '' },
    });
    assertS3Error(post, 405, 'MethodNotAllowed');
    const onObject = await rawRequest(server.cairn, {
      method: 'PUT',
      path: `/${BUCKET}/key`,
      query: { publicAccessBlock: '' },
      body: configXml({ BlockPublicAcls: 'true' }),
    });
    assertS3Error(onObject, 405, 'MethodNotAllowed');
    const head = await rawRequest(server.cairn, { method: 'HEAD', path: `/${BUCKET}/key` });
    assert.equal(head.status, 404);
  });

  test('the configuration survives a restart', async () => {
    const config = {
      BlockPublicAcls: false,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: true,
    };
    await server.s3.send(
      new PutPublicAccessBlockCommand({ Bucket: BUCKET, PublicAccessBlockConfiguration: config }),
    );
    await server.cairn.stop({ keepDrives: true });
    await server.cairn.restart();
    const s3 = defaultSdkClient(server.cairn);
    try {
      const got = await s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET }));
      assert.deepEqual(got.PublicAccessBlockConfiguration, config);
    } finally {
      s3.destroy();
    }
  });
});
