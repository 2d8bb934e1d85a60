// Malformed request bodies and headers: each gets a clean S3 error (or, for a header block too
// large to parse, a bare 431/400), and the server keeps serving.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import {
  assertS3Error,
  isLive,
  parseS3Error,
  rawRequest,
  rawSocket,
  signedRequestHead,
} from '../helpers/raw-http.js';
import { s3Client } from '../helpers/s3-client.js';

const md5b64 = (body: string) => createHash('md5').update(body).digest('base64');

describe('malformed requests', () => {
  let cairn: CairnProcess;
  before(async () => {
    cairn = await startCairn({ drives: 4 });
    const client = s3Client(cairn);
    await client.send(new CreateBucketCommand({ Bucket: 'bad' }));
    await client.send(new PutObjectCommand({ Bucket: 'bad', Key: 'keep', Body: 'still here' }));
  });
  after(async () => {
    await cairn?.stop();
  });
  afterEach(async () => {
    assert.ok(await isLive(cairn.endpoint), 'the server still answers its health probe');
  });

  const deleteObjects = (body: string) =>
    rawRequest(cairn, {
      method: 'POST',
      path: '/bad',
      query: { delete: '' },
      headers: { 'content-md5': md5b64(body), 'content-type': 'application/xml' },
      body,
    });

  test('DeleteObjects with malformed XML is MalformedXML (400) and deletes nothing', async () => {
    for (const body of [
      '<Delete><Object><Key>keep</Key></Object>',
      'this is not xml',
      '<Delete><Object><Key>keep</Key></Object></Delete><Trailing/>',
      '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "keep">]><Delete><Object><Key>&e;</Key></Object></Delete>',
      '',
    ]) {
      assertS3Error(await deleteObjects(body), 400, 'MalformedXML', body.slice(0, 50));
    }
    const get = await rawRequest(cairn, { method: 'GET', path: '/bad/keep' });
    assert.equal(get.body, 'still here');
  });

  test('DeleteObjects with well-formed XML of the wrong shape is MalformedXML (400)', async () => {
    for (const body of [
      '<Foo><Object><Key>keep</Key></Object></Foo>',
      '<Delete></Delete>',
      `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`,
    ]) {
      assertS3Error(await deleteObjects(body), 400, 'MalformedXML', body.slice(0, 50));
    }
  });

  test('an XML entity-expansion bomb is refused quickly with a 400 and the server stays responsive', async () => {
    let bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">';
    let prev = 'lol';
    for (let i = 1; i <= 9; i++) {
      bomb += `<!ENTITY lol${i} "${`&${prev};`.repeat(10)}">`;
      prev = `lol${i}`;
    }
    bomb += `]><Delete><Object><Key>&${prev};</Key></Object></Delete>`;
    const started = Date.now();
    const res = await deleteObjects(bomb);
    assertS3Error(res, 400, 'MalformedXML');
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });

  test('CompleteMultipartUpload with malformed XML is MalformedXML (400), and the upload can still complete', async () => {
    const client = s3Client(cairn);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'bad', Key: 'mpu' }));
    const part = await client.send(
      new UploadPartCommand({ Bucket: 'bad', Key: 'mpu', UploadId, PartNumber: 1, Body: 'only part' }),
    );
    const complete = (body: string) =>
      rawRequest(cairn, { method: 'POST', path: '/bad/mpu', query: { uploadId: UploadId! }, body });
    for (const body of [
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>',
      'garbage',
      '<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>',
      '<CompleteMultipartUpload></CompleteMultipartUpload>',
    ]) {
      assertS3Error(
        await complete(body),
        400,
        ['MalformedXML', 'InvalidPart', 'InvalidArgument'],
        body.slice(0, 50),
      );
    }
    const good = await complete(
      `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.ETag}</ETag></Part></CompleteMultipartUpload>`,
    );
    assert.equal(good.status, 200, good.body);
    const get = await rawRequest(cairn, { method: 'GET', path: '/bad/mpu' });
    assert.equal(get.body, 'only part');
  });

  test('a header block larger than the server accepts is answered 431 or 400 and the connection closed', async () => {
    const big = `GET /bad/keep HTTP/1.1\r\nHost: 127.0.0.1:${cairn.port}\r\nX-Huge: ${'a'.repeat(200 * 1024)}\r\n\r\n`;
    const { response } = await rawSocket(cairn.port, big, { timeoutMs: 10_000 });
    assert.match(response, /^HTTP\/1\.1 (431|400) /, response.slice(0, 200));
  });

  test('1 KB of user metadata is accepted; 10 KB is MetadataTooLarge (400)', async () => {
    const ok = await rawRequest(cairn, {
      method: 'PUT',
      path: '/bad/meta-ok',
      headers: { 'x-amz-meta-a': 'a'.repeat(1000) },
      body: 'x',
    });
    assert.equal(ok.status, 200, ok.body);
    const res = await rawRequest(cairn, {
      method: 'PUT',
      path: '/bad/meta-big',
      headers: { 'x-amz-meta-a': 'a'.repeat(5000), 'x-amz-meta-b': 'b'.repeat(5000) },
      body: 'x',
    });
    assertS3Error(res, 400, 'MetadataTooLarge');
  });

  test('bytes that are not HTTP are answered 400 and the server keeps serving', async () => {
    const { response } = await rawSocket(cairn.port, '\x16\x03\x01\x00\xa5 not http at all\r\n\r\n');
    assert.match(response, /^HTTP\/1\.1 400 /);
  });

  test('unknown query parameters are ignored on GET object, HEAD object and ListObjects', async () => {
    const get = await rawRequest(cairn, {
      method: 'GET',
      path: '/bad/keep',
      query: { 'x-unknown-param': 'yes', foo: '', 'response-nothing': 'z' },
    });
    assert.equal(get.status, 200, get.body);
    assert.equal(get.body, 'still here');
    const head = await rawRequest(cairn, { method: 'HEAD', path: '/bad/keep', query: { bogus: '1' } });
    assert.equal(head.status, 200);
    const list = await rawRequest(cairn, {
      method: 'GET',
      path: '/bad',
      query: { 'list-type': '2', whatever: 'x' },
    });
    assert.equal(list.status, 200, list.body);
    assert.match(list.body, /<Key>keep<\/Key>/);
  });

  test('invalid bucket names are InvalidBucketName (400)', async () => {
    for (const name of [
      'ab',
      'UPPER',
      'bad_underscore',
      'a'.repeat(64),
      '-dash',
      'dot..dot',
      '192.168.1.1',
    ]) {
      const res = await rawRequest(cairn, { method: 'PUT', path: `/${name}` });
      assertS3Error(res, 400, 'InvalidBucketName', name);
    }
  });

  test('a GET on a missing bucket or key is NoSuchBucket / NoSuchKey (404)', async () => {
    assertS3Error(await rawRequest(cairn, { method: 'GET', path: '/no-such-bucket/k' }), 404, 'NoSuchBucket');
    assertS3Error(await rawRequest(cairn, { method: 'GET', path: '/bad/no-such-key' }), 404, 'NoSuchKey');
  });

  test('an unsatisfiable range is InvalidRange (416)', async () => {
    const res = await rawRequest(cairn, {
      method: 'GET',
      path: '/bad/keep',
      headers: { range: 'bytes=100-200' },
    });
    assertS3Error(res, 416, 'InvalidRange');
  });

  test('UploadPartCopy: a copy-source range past the source is 416 InvalidRange naming the size; a malformed one is 400 InvalidArgument naming the form; no part is made', async () => {
    const client = s3Client(cairn);
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: 'bad', Key: 'ranged' }),
    );
    const copyPart = (range: string) =>
      rawRequest(cairn, {
        method: 'PUT',
        path: '/bad/ranged',
        query: { partNumber: '1', uploadId: UploadId! },
        headers: { 'x-amz-copy-source': '/bad/keep', 'x-amz-copy-source-range': range },
      });
    // 'keep' holds 10 bytes.
    for (const range of ['bytes=0-10', 'bytes=0-21', 'bytes=10-12', 'bytes=50-60']) {
      const res = await copyPart(range);
      assertS3Error(res, 416, 'InvalidRange', range);
      assert.equal(
        parseS3Error(res.body)?.message,
        'Range specified is not valid for source object of size: 10',
      );
    }
    for (const range of [
      '0-2',
      'bytes=0',
      'bytes=0-',
      'bytes=-5',
      'bytes=hello-world',
      'bytes=0-2,3-5',
      'bytes=5-2',
    ]) {
      const res = await copyPart(range);
      assertS3Error(res, 400, 'InvalidArgument', range);
      assert.match(
        res.body,
        /<Message>The x-amz-copy-source-range value must be of the form bytes=first-last /,
      );
      assert.match(res.body, /<ArgumentName>x-amz-copy-source-range<\/ArgumentName>/);
    }
    const parts = await rawRequest(cairn, {
      method: 'GET',
      path: '/bad/ranged',
      query: { uploadId: UploadId! },
    });
    assert.doesNotMatch(parts.body, /<Part>/);
    const ok = await copyPart('bytes=0-4');
    assert.equal(ok.status, 200, ok.body);
  });

  test('a declared size over 5 TiB is EntityTooLarge (400) before any byte is sent', async () => {
    const head = signedRequestHead(cairn, 'PUT', '/bad/huge', { 'content-length': String(6 * 1024 ** 4) });
    const { response } = await rawSocket(cairn.port, head, { timeoutMs: 10_000 });
    assert.match(response, /^HTTP\/1\.1 400 /, response.slice(0, 300));
    assert.match(response, /<Code>EntityTooLarge<\/Code>/);
  });

  test('an unsupported method is a 4xx/501 S3 error', async () => {
    const res = await rawRequest(cairn, { method: 'PATCH', path: '/bad/keep', body: 'x' });
    assertS3Error(res, [400, 405, 501], ['MethodNotAllowed', 'NotImplemented', 'InvalidRequest']);
  });
});
