// POST Object (browser form uploads) against a real server, with forms signed by hand (SigV4 and
// SigV2) and raw multipart bodies: the SigV2 form, bucket policies for anonymous forms, and
// broken, oversized and aborted forms.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { BOUNDARY, errorOf, fieldParts, formsFor, multipart, postForm } from '../helpers/post-forms.js';
import { bodyBytes } from '../helpers/s3-client.js';
import { useServer } from './fixture.js';

const BUCKET = 'forms';
const DOMAIN = 'cairn.test';

const server = useServer({ drives: 1, bucket: BUCKET, extraArgs: ['--domain', DOMAIN] });

const { presign, exists, v4Form, v2Form, postRaw, bucketUrl } = formsFor(() => server, BUCKET);

describe('POST Object with hand-built forms', () => {
  test('a SigV2 form (AWSAccessKeyId, signature = base64 HMAC-SHA1 of the policy) uploads', async () => {
    const form = { key: 'v2/ok.txt', ...v2Form([{ key: 'v2/ok.txt' }]) };
    const answer = await postForm(bucketUrl(), form, { content: 'v2 bytes', filename: 'x' });
    assert.equal(answer.status, 204, answer.body);
    const got = await server.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'v2/ok.txt' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'v2 bytes');
  });

  test('a SigV2 form signed with another secret is SignatureDoesNotMatch', async () => {
    const form = { key: 'v2/bad.txt', ...v2Form([{ key: 'v2/bad.txt' }], 'not-the-secret') };
    const answer = await postForm(bucketUrl(), form);
    assert.equal(answer.status, 403);
    assert.equal(errorOf(answer)?.code, 'SignatureDoesNotMatch');
  });

  test('a form missing a signature field names it (InvalidArgument)', async () => {
    const { 'x-amz-signature': _, ...unsigned } = v4Form([{ key: 'nosig.txt' }]);
    const answer = await postForm(bucketUrl(), { key: 'nosig.txt', ...unsigned });
    assert.equal(answer.status, 400);
    assert.deepEqual(errorOf(answer), {
      code: 'InvalidArgument',
      message:
        "Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields.",
    });
  });

  test('a form without a key is InvalidArgument naming the key field', async () => {
    const answer = await postForm(bucketUrl(), v4Form([]));
    assert.equal(answer.status, 400);
    assert.match(errorOf(answer)?.message ?? '', /must contain a field named 'key'/);
  });

  test('an anonymous form is refused (AccessDenied) while no bucket policy allows it', async () => {
    const answer = await postForm(bucketUrl(), { key: 'anon.txt' });
    assert.equal(answer.status, 403);
    assert.equal(errorOf(answer)?.code, 'AccessDenied');
    assert.equal(await exists('anon.txt'), false);
  });

  test('a bucket policy allowing anonymous s3:PutObject on a prefix lets an unsigned form upload there, and only there', async () => {
    const bucket = 'forms-public';
    await server.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${bucket}/drop/*`,
        },
      ],
    };
    await server.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    const url = `${server.cairn.endpoint}/${bucket}`;
    const allowed = await postForm(
      url,
      { key: 'drop/${filename}' },
      { content: 'anonymous drop', filename: 'a.txt' },
    );
    assert.equal(allowed.status, 204, allowed.body);
    const got = await server.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'drop/a.txt' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'anonymous drop');
    const outside = await postForm(url, { key: 'private/a.txt' });
    assert.equal(outside.status, 403);
    assert.equal(errorOf(outside)?.code, 'AccessDenied');
  });

  test('content-length-range bounds may be numeric strings; other strings fail the condition', async () => {
    const ok = {
      key: 'range-str.txt',
      ...v4Form([{ key: 'range-str.txt' }, ['content-length-range', '1', '10']]),
    };
    assert.equal((await postForm(bucketUrl(), ok)).status, 204);
    const bad = {
      key: 'range-str.txt',
      ...v4Form([{ key: 'range-str.txt' }, ['content-length-range', 'test', '10']]),
    };
    const answer = await postForm(bucketUrl(), bad);
    assert.equal(answer.status, 403);
    assert.equal(
      errorOf(answer)?.message,
      'Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]',
    );
  });

  test('a policy S3 cannot read is InvalidPolicyDocument', async () => {
    const form = { key: 'badpolicy.txt', ...v4Form([{ key: 'badpolicy.txt' }], '2030-13-45') };
    const answer = await postForm(bucketUrl(), form);
    assert.equal(answer.status, 400);
    assert.deepEqual(errorOf(answer), {
      code: 'InvalidPolicyDocument',
      message: "Invalid Policy: Invalid 'expiration' value: '2030-13-45'",
    });
  });

  test('fields after the file are ignored, and a file sent as a text field is stored', async () => {
    const form = { key: 'textfile.txt', ...v4Form([{ key: 'textfile.txt' }]) };
    const body = multipart([
      ...fieldParts(form),
      { name: 'file', value: 'typed text' },
      { name: 'x-amz-meta-late', value: 'no' },
    ]);
    const answer = await postRaw(body);
    assert.equal(answer.status, 204, answer.body);
    const got = await server.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'textfile.txt' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'typed text');
    assert.deepEqual(got.Metadata, {});
  });

  test('a form without a file is IncorrectNumberOfFilesInPostRequest', async () => {
    const form = { key: 'nofile.txt', ...v4Form([{ key: 'nofile.txt' }]) };
    const answer = await postRaw(multipart(fieldParts(form)));
    assert.equal(answer.status, 400);
    assert.equal(errorOf(answer)?.code, 'IncorrectNumberOfFilesInPostRequest');
  });

  test('a body that is not multipart/form-data is PreconditionFailed (412)', async () => {
    const answer = await postRaw(Buffer.from('key=a&file=b'), 'application/x-www-form-urlencoded');
    assert.equal(answer.status, 412);
    assert.equal(errorOf(answer)?.code, 'PreconditionFailed');
    assert.match(
      answer.body,
      /<Condition>Bucket POST must be of the enclosure-type multipart\/form-data<\/Condition>/,
    );
  });

  test('a multipart body without a boundary, or cut off inside the file, is MalformedPOSTRequest and stores nothing', async () => {
    const noBoundary = await postRaw(Buffer.from('whatever'), 'multipart/form-data');
    assert.equal(noBoundary.status, 400);
    assert.equal(errorOf(noBoundary)?.code, 'MalformedPOSTRequest');
    const form = { key: 'cut.txt', ...v4Form([{ key: 'cut.txt' }]) };
    const head = multipart(fieldParts(form), false);
    const cut = Buffer.concat([
      head,
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="c"\r\n\r\npartial`,
      ),
    ]);
    const answer = await postRaw(cut);
    assert.equal(answer.status, 400);
    assert.equal(errorOf(answer)?.code, 'MalformedPOSTRequest');
    assert.equal(await exists('cut.txt'), false);
  });

  test('fields before the file larger than 20 KiB are MaxPostPreDataLengthExceededError', async () => {
    const body = multipart([
      { name: 'key', value: 'huge.txt' },
      { name: 'x-ignore-padding', value: 'p'.repeat(21 * 1024) },
      { name: 'file', value: 'x', filename: 'x' },
    ]);
    const answer = await postRaw(body);
    assert.equal(answer.status, 400);
    assert.equal(errorOf(answer)?.code, 'MaxPostPreDataLengthExceededError');
  });

  test('a client that disconnects in the middle of the file leaves no object, and the server goes on', async () => {
    const form = { key: 'aborted.bin', ...v4Form([{ key: 'aborted.bin' }]) };
    const head = Buffer.concat([
      multipart(fieldParts(form), false),
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n`),
    ]);
    const declared = head.length + 8 * 1024 * 1024;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(server.cairn.port, '127.0.0.1', () => {
        socket.write(
          `POST /${BUCKET} HTTP/1.1\r\nHost: 127.0.0.1:${server.cairn.port}\r\n` +
            `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${declared}\r\n\r\n`,
        );
        socket.write(head);
        socket.write(Buffer.alloc(2 * 1024 * 1024, 1), () => setTimeout(() => socket.destroy(), 200));
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await exists('aborted.bin'), false);
    const { url, fields } = await presign('after-abort.txt');
    assert.equal((await postForm(url, fields)).status, 204);
  });
});

test('no form, however broken, made the server fail unexpectedly (no ERROR in its log)', () => {
  assert.doesNotMatch(server.cairn.output(), /"level":"error"/);
});
