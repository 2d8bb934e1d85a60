// Requests with broken or missing authentication get the S3 XML error a client can act on, and
// the server keeps serving.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { assertS3Error, isLive, rawRequest } from '../helpers/raw-http.js';
import { s3Client } from '../helpers/s3-client.js';
import { signRequest } from '../helpers/sigv4-signer.js';

const MINUTE = 60_000;

describe('authentication errors', () => {
  let cairn: CairnProcess;
  before(async () => {
    cairn = await startCairn({ drives: 1 });
    const client = s3Client(cairn);
    await client.send(new CreateBucketCommand({ Bucket: 'auth' }));
    await client.send(new PutObjectCommand({ Bucket: 'auth', Key: 'obj', Body: 'secret bytes' }));
  });
  after(async () => {
    await cairn?.stop();
  });
  afterEach(async () => {
    assert.ok(await isLive(cairn.endpoint), 'the server still answers its health probe');
  });

  test('a correctly signed raw request succeeds (the signer the other tests break is right)', async () => {
    const res = await rawRequest(cairn, { method: 'GET', path: '/auth/obj' });
    assert.equal(res.status, 200);
    assert.equal(res.body, 'secret bytes');
  });

  test('an unsigned GET of an object is AccessDenied (403) with an XML body, and leaks no bytes', async () => {
    const res = await rawRequest(cairn, { method: 'GET', path: '/auth/obj', sign: false });
    assertS3Error(res, 403, 'AccessDenied');
    assert.doesNotMatch(res.body, /secret bytes/);
  });

  test('an unsigned ListBuckets and an unsigned PUT are AccessDenied (403), and the PUT stores nothing', async () => {
    assertS3Error(await rawRequest(cairn, { method: 'GET', path: '/', sign: false }), 403, 'AccessDenied');
    const put = await rawRequest(cairn, { method: 'PUT', path: '/auth/anon', body: 'x', sign: false });
    assertS3Error(put, 403, 'AccessDenied');
    const head = await rawRequest(cairn, { method: 'HEAD', path: '/auth/anon' });
    assert.equal(head.status, 404);
  });

  test('a signature made with the wrong secret is SignatureDoesNotMatch (403)', async () => {
    const res = await rawRequest(cairn, {
      method: 'GET',
      path: '/auth/obj',
      secretKey: 'not-the-secret-key',
    });
    assertS3Error(res, 403, 'SignatureDoesNotMatch');
  });

  test('a signature over a different path is SignatureDoesNotMatch (403)', async () => {
    const headers = signRequest({
      method: 'GET',
      path: '/auth/other',
      headers: { host: `127.0.0.1:${cairn.port}` },
      accessKey: cairn.accessKey,
      secretKey: cairn.secretKey,
      region: cairn.region,
    });
    const res = await rawRequest(cairn, { method: 'GET', path: '/auth/obj', headers, sign: false });
    assertS3Error(res, 403, 'SignatureDoesNotMatch');
  });

  test('an unknown access key is InvalidAccessKeyId (403)', async () => {
    const res = await rawRequest(
      { ...cairn, accessKey: 'NOSUCHACCESSKEY' },
      { method: 'GET', path: '/auth/obj' },
    );
    assertS3Error(res, 403, 'InvalidAccessKeyId');
  });

  test('a request signed 16 minutes in the past or future is RequestTimeTooSkewed (403)', async () => {
    for (const offset of [-16 * MINUTE, 16 * MINUTE]) {
      const res = await rawRequest(cairn, {
        method: 'GET',
        path: '/auth/obj',
        date: new Date(Date.now() + offset),
      });
      assertS3Error(res, 403, 'RequestTimeTooSkewed', `offset ${offset / MINUTE} min`);
    }
  });

  test('a request signed 4 minutes off is still accepted (within the 15 minute window)', async () => {
    const res = await rawRequest(cairn, {
      method: 'GET',
      path: '/auth/obj',
      date: new Date(Date.now() - 4 * MINUTE),
    });
    assert.equal(res.status, 200);
  });

  test('a missing or unparseable request date is refused with a 4xx S3 error', async () => {
    const signed = signRequest({
      method: 'GET',
      path: '/auth/obj',
      headers: { host: `127.0.0.1:${cairn.port}` },
      accessKey: cairn.accessKey,
      secretKey: cairn.secretKey,
      region: cairn.region,
    });
    const dateCodes = [
      'AccessDenied',
      'RequestTimeTooSkewed',
      'AuthorizationHeaderMalformed',
      'SignatureDoesNotMatch',
    ];
    const { 'x-amz-date': _removed, ...missing } = signed;
    assertS3Error(
      await rawRequest(cairn, { method: 'GET', path: '/auth/obj', headers: missing, sign: false }),
      [400, 403],
      dateCodes,
      'no date',
    );
    for (const bad of ['yesterday', '20261399T999999Z', '']) {
      const res = await rawRequest(cairn, {
        method: 'GET',
        path: '/auth/obj',
        headers: { ...signed, 'x-amz-date': bad },
        sign: false,
      });
      assertS3Error(res, [400, 403], dateCodes, `x-amz-date '${bad}'`);
    }
  });

  test('a malformed Authorization header is a 4xx S3 error, not a crash', async () => {
    for (const auth of [
      'AWS4-HMAC-SHA256',
      'AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=',
      'AWS4-HMAC-SHA256 Credential=a/b/c, SignedHeaders=host, Signature=zz',
      'Bearer abc',
      'AWS4-HMAC-SHA256 Credential=x'.padEnd(8000, 'x'),
    ]) {
      const res = await rawRequest(cairn, {
        method: 'GET',
        path: '/auth/obj',
        headers: {
          authorization: auth,
          'x-amz-date': '20260101T000000Z',
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        },
        sign: false,
      });
      assertS3Error(
        res,
        [400, 403],
        [
          'AuthorizationHeaderMalformed',
          'AccessDenied',
          'InvalidAccessKeyId',
          'SignatureDoesNotMatch',
          'InvalidArgument',
          'RequestTimeTooSkewed',
          // AWS's answer to a scheme other than AWS4-HMAC-SHA256.
          'InvalidRequest',
        ],
        auth.slice(0, 60),
      );
    }
  });

  test('a body that does not match the signed x-amz-content-sha256 is refused and stores nothing', async () => {
    const headers = signRequest({
      method: 'PUT',
      path: '/auth/tampered',
      headers: { host: `127.0.0.1:${cairn.port}`, 'content-length': '8' },
      payloadHash: '0'.repeat(64),
      accessKey: cairn.accessKey,
      secretKey: cairn.secretKey,
      region: cairn.region,
    });
    const res = await rawRequest(cairn, {
      method: 'PUT',
      path: '/auth/tampered',
      headers,
      body: 'tampered',
      sign: false,
    });
    assertS3Error(res, [400, 403], ['XAmzContentSHA256Mismatch', 'BadDigest', 'SignatureDoesNotMatch']);
    assert.equal((await rawRequest(cairn, { method: 'HEAD', path: '/auth/tampered' })).status, 404);
  });

  test('an expired presigned URL is 403 AccessDenied "Request has expired" with its X-Amz-Expires, Expires and ServerTime', async () => {
    const signingDate = new Date(Math.floor(Date.now() / 1000) * 1000 - 10 * MINUTE);
    const url = await getSignedUrl(s3Client(cairn), new GetObjectCommand({ Bucket: 'auth', Key: 'obj' }), {
      expiresIn: 60,
      signingDate,
    });
    const res = await fetch(url);
    const body = await res.text();
    assert.equal(res.status, 403, body);
    assert.match(body, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    assert.match(body, /<X-Amz-Expires>60<\/X-Amz-Expires>/);
    const expires = new Date(signingDate.getTime() + MINUTE).toISOString().replace('.000Z', 'Z');
    assert.match(body, new RegExp(`<Expires>${expires}</Expires>`));
    const serverTime = /<ServerTime>([^<]+)<\/ServerTime>/.exec(body)?.[1] ?? '';
    assert.ok(Math.abs(Date.parse(serverTime) - Date.now()) < MINUTE, `ServerTime ${serverTime}`);
    assert.doesNotMatch(body, /secret bytes/);
  });

  test('an expired presigned PUT URL is refused with 403 and stores nothing', async () => {
    const url = await getSignedUrl(s3Client(cairn), new PutObjectCommand({ Bucket: 'auth', Key: 'late' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 10 * MINUTE),
    });
    const res = await fetch(url, { method: 'PUT', body: 'too late' });
    const body = await res.text();
    assert.equal(res.status, 403, body);
    assert.match(body, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    assert.equal((await rawRequest(cairn, { method: 'HEAD', path: '/auth/late' })).status, 404);
  });

  test('a valid presigned URL fetches the object', async () => {
    const url = await getSignedUrl(s3Client(cairn), new GetObjectCommand({ Bucket: 'auth', Key: 'obj' }), {
      expiresIn: 60,
    });
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'secret bytes');
  });
});
