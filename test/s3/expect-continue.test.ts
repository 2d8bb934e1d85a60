// Expect: 100-continue. A request the server refuses on its head alone (signature, access, routing,
// a missing bucket or upload) gets its final answer without a `100 Continue`, so the client never
// uploads the body; an accepted one gets `100 Continue`, then its answer once the body arrived.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { rawRequest, sendExpectingContinue, signedRequestHead } from '../helpers/raw-http.js';
import { useServer } from './fixture.js';

const BUCKET = 'continue';
const BODY = 'the body the client holds back until told to continue';

/** Status line, header block and body of the final (non-100) response in `raw`. */
function finalResponse(raw: string): { status: number; headers: string; body: string } {
  const text = raw.replace(/^HTTP\/1\.1 100 [^\r]*\r\n\r\n/, '');
  const end = text.indexOf('\r\n\r\n');
  const headers = end < 0 ? text : text.slice(0, end);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
    headers,
    body: end < 0 ? '' : text.slice(end + 4),
  };
}

describe('Expect: 100-continue', () => {
  const server = useServer({ drives: 1, bucket: BUCKET });

  const head = (path: string, extra: Record<string, string> = {}, query: Record<string, string> = {}) =>
    signedRequestHead(
      server.cairn,
      'PUT',
      path,
      { 'content-length': String(Buffer.byteLength(BODY)), expect: '100-continue', ...extra },
      query,
    );

  test('an authenticated PUT gets 100 Continue, then 200 once the body arrived, and the connection stays open', async () => {
    const res = await sendExpectingContinue(server.cairn.port, head(`/${BUCKET}/accepted`), BODY);
    assert.match(res.response, /^HTTP\/1\.1 100 Continue\r\n\r\n/);
    assert.ok(res.bodySent);
    const final = finalResponse(res.response);
    assert.equal(final.status, 200, res.response);
    assert.doesNotMatch(final.headers, /^connection: close$/im);
    assert.equal(res.closedByServer, false);
    const get = await rawRequest(server.cairn, { method: 'GET', path: `/${BUCKET}/accepted` });
    assert.equal(get.body, BODY);
  });

  test('a PUT with a bad signature gets 403 without 100 Continue, stores nothing, and the connection closes', async () => {
    const forged = head(`/${BUCKET}/forged`).replace(
      /Signature=([0-9a-f])/,
      (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`,
    );
    const res = await sendExpectingContinue(server.cairn.port, forged, BODY);
    assert.doesNotMatch(res.response, /100 Continue/);
    assert.equal(res.bodySent, false);
    const final = finalResponse(res.response);
    assert.equal(final.status, 403, res.response);
    assert.match(final.body, /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.match(final.headers, /^connection: close$/im);
    assert.equal(res.closedByServer, true);
    assert.equal((await rawRequest(server.cairn, { method: 'HEAD', path: `/${BUCKET}/forged` })).status, 404);
  });

  test('an unsigned PUT gets 403 AccessDenied without 100 Continue', async () => {
    const unsigned =
      `PUT /${BUCKET}/anonymous HTTP/1.1\r\nhost: 127.0.0.1:${server.cairn.port}\r\n` +
      `content-length: ${Buffer.byteLength(BODY)}\r\nexpect: 100-continue\r\n\r\n`;
    const res = await sendExpectingContinue(server.cairn.port, unsigned, BODY);
    assert.doesNotMatch(res.response, /100 Continue/);
    const final = finalResponse(res.response);
    assert.equal(final.status, 403, res.response);
    assert.match(final.body, /<Code>AccessDenied<\/Code>/);
  });

  test('a PUT to a subresource that is not implemented gets 501 without 100 Continue', async () => {
    const res = await sendExpectingContinue(
      server.cairn.port,
      head(`/${BUCKET}/tagged`, {}, { tagging: '' }),
      BODY,
    );
    assert.doesNotMatch(res.response, /100 Continue/);
    assert.equal(finalResponse(res.response).status, 501, res.response);
  });

  test('a PUT to a missing bucket, or a part for an unknown upload, is refused without 100 Continue', async () => {
    const missingBucket = await sendExpectingContinue(
      server.cairn.port,
      head('/no-such-bucket-here/k'),
      BODY,
    );
    assert.doesNotMatch(missingBucket.response, /100 Continue/);
    const bucketFinal = finalResponse(missingBucket.response);
    assert.equal(bucketFinal.status, 404, missingBucket.response);
    assert.match(bucketFinal.body, /<Code>NoSuchBucket<\/Code>/);

    const part = await sendExpectingContinue(
      server.cairn.port,
      head(`/${BUCKET}/mpu`, {}, { partNumber: '1', uploadId: 'not-an-upload' }),
      BODY,
    );
    assert.doesNotMatch(part.response, /100 Continue/);
    const partFinal = finalResponse(part.response);
    assert.equal(partFinal.status, 404, part.response);
    assert.match(partFinal.body, /<Code>NoSuchUpload<\/Code>/);
  });

  test('the AWS SDK, which sends Expect: 100-continue for bodies of 2 MiB and more, uploads without waiting out its timeout', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const started = Date.now();
    const out = await server.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk-large', Body: body }));
    // Without a 100 Continue the SDK sends the body only after waiting 6 s.
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.equal(out.$metadata.httpStatusCode, 200);
    const stat = await rawRequest(server.cairn, { method: 'HEAD', path: `/${BUCKET}/sdk-large` });
    assert.equal(stat.headers['content-length'], String(body.length));
  });
});
