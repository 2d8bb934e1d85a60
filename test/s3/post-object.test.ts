// POST Object (browser form uploads) against a real server, with forms made by the AWS SDK's
// createPresignedPost and posted with fetch + FormData as a browser posts them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { errorOf, formsFor, postForm } from '../helpers/post-forms.js';
import { rawRequest } from '../helpers/raw-http.js';
import { bodyBytes, sdkClientFor } from '../helpers/s3-client.js';
import { useServer } from './fixture.js';

const BUCKET = 'forms';
const DOMAIN = 'cairn.test';

const server = useServer({ drives: 1, bucket: BUCKET, extraArgs: ['--domain', DOMAIN] });

const { presign, exists } = formsFor(() => server, BUCKET);

describe('POST Object with forms from the AWS SDK (createPresignedPost)', () => {
  test('uploads the file; GET returns its bytes, Content-Type and user metadata', async () => {
    const fields = {
      'Content-Type': 'text/plain',
      'x-amz-meta-owner': 'alice',
      'Cache-Control': 'max-age=60',
    };
    const { url, fields: form } = await presign('sdk/plain.txt', { fields });
    const answer = await postForm(url, form, {
      content: 'form bytes',
      filename: 'local.txt',
      type: 'image/png',
    });
    assert.equal(answer.status, 204, answer.body);
    const md5 = createHash('md5').update('form bytes').digest('hex');
    assert.equal(answer.headers.get('etag'), `"${md5}"`);
    assert.equal(answer.headers.get('location'), `${server.cairn.endpoint}/${BUCKET}/sdk/plain.txt`);
    const got = await server.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sdk/plain.txt' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'form bytes');
    // The Content-Type field, not the file part's own type, is what S3 stores.
    assert.equal(got.ContentType, 'text/plain');
    assert.equal(got.CacheControl, 'max-age=60');
    assert.deepEqual(got.Metadata, { owner: 'alice' });
  });

  test('replaces ${filename} in the key with the name of the file the browser sent', async () => {
    const { url, fields } = await presign('uploads/${filename}');
    const answer = await postForm(url, fields, { content: 'photo', filename: 'cat picture.png' });
    assert.equal(answer.status, 204, answer.body);
    const got = await server.s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/cat picture.png' }),
    );
    assert.equal((await bodyBytes(got.Body)).toString(), 'photo');
  });

  test("a key outside the policy's starts-with prefix fails the condition and stores nothing", async () => {
    const { url, fields } = await presign('uploads/${filename}');
    const answer = await postForm(
      url,
      { ...fields, key: 'elsewhere/${filename}' },
      { content: 'x', filename: 'f.txt' },
    );
    assert.equal(answer.status, 403);
    assert.deepEqual(errorOf(answer), {
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "uploads/"]',
    });
    assert.equal(await exists('elsewhere/f.txt'), false);
  });

  test('success_action_status 201 answers the PostResponse document', async () => {
    const { url, fields } = await presign('status/201.txt', { fields: { success_action_status: '201' } });
    const answer = await postForm(url, fields);
    assert.equal(answer.status, 201, answer.body);
    const etag = `"${createHash('md5').update('hello').digest('hex')}"`;
    assert.match(answer.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<PostResponse>/);
    assert.match(
      answer.body,
      new RegExp(`<Location>${server.cairn.endpoint}/${BUCKET}/status/201.txt</Location>`),
    );
    assert.match(answer.body, new RegExp(`<Bucket>${BUCKET}</Bucket>`));
    assert.match(answer.body, /<Key>status\/201.txt<\/Key>/);
    assert.match(
      answer.body,
      new RegExp(`<ETag>${etag.replaceAll('"', '&quot;')}</ETag>|<ETag>${etag}</ETag>`),
    );
    assert.equal(answer.headers.get('content-type'), 'application/xml');
  });

  test('success_action_status 200 answers 200 with no body; any other value 204', async () => {
    const ok = await presign('status/200.txt', { fields: { success_action_status: '200' } });
    const a200 = await postForm(ok.url, ok.fields);
    assert.equal(a200.status, 200);
    assert.equal(a200.body, '');
    const other = await presign('status/404.txt', { fields: { success_action_status: '404' } });
    const a404 = await postForm(other.url, other.fields);
    assert.equal(a404.status, 204);
    assert.equal(await exists('status/404.txt'), true);
  });

  test('success_action_redirect answers 303 to the URL with bucket, key and etag added', async () => {
    const redirect = 'https://app.example/done?from=form';
    const { url, fields } = await presign('redirect/a b.txt', {
      fields: { success_action_redirect: redirect },
    });
    const answer = await postForm(url, fields);
    assert.equal(answer.status, 303, answer.body);
    const location = new URL(answer.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, 'https://app.example/done');
    assert.deepEqual([...location.searchParams.keys()], ['from', 'bucket', 'key', 'etag']);
    assert.equal(location.searchParams.get('bucket'), BUCKET);
    assert.equal(location.searchParams.get('key'), 'redirect/a b.txt');
    assert.equal(location.searchParams.get('etag'), `"${createHash('md5').update('hello').digest('hex')}"`);
  });

  test('an expired policy is AccessDenied "Policy expired."', async () => {
    const { url, fields } = await presign('expired.txt', { expires: -60 });
    const answer = await postForm(url, fields);
    assert.equal(answer.status, 403);
    assert.deepEqual(errorOf(answer), {
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy expired.',
    });
    assert.equal(await exists('expired.txt'), false);
  });

  test('a signature made with another secret is SignatureDoesNotMatch', async () => {
    const wrong = sdkClientFor({ ...server.cairn, secretKey: `${server.cairn.secretKey}x` });
    const { url, fields } = await createPresignedPost(wrong, { Bucket: BUCKET, Key: 'forged.txt' });
    wrong.destroy();
    const answer = await postForm(url, fields);
    assert.equal(answer.status, 403);
    assert.equal(errorOf(answer)?.code, 'SignatureDoesNotMatch');
    assert.equal(await exists('forged.txt'), false);
  });

  test('a policy changed after signing is SignatureDoesNotMatch', async () => {
    const { url, fields } = await presign('tampered.txt', { conditions: [['content-length-range', 0, 1]] });
    const doc = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString());
    doc.conditions = doc.conditions.filter((c: unknown) => !Array.isArray(c));
    const answer = await postForm(url, {
      ...fields,
      Policy: Buffer.from(JSON.stringify(doc)).toString('base64'),
    });
    assert.equal(answer.status, 403);
    assert.equal(errorOf(answer)?.code, 'SignatureDoesNotMatch');
  });

  test('an unknown access key is InvalidAccessKeyId', async () => {
    const stranger = sdkClientFor({ ...server.cairn, accessKey: 'NOBODYHERE' });
    const { url, fields } = await createPresignedPost(stranger, { Bucket: BUCKET, Key: 'stranger.txt' });
    stranger.destroy();
    const answer = await postForm(url, fields);
    assert.equal(answer.status, 403);
    assert.equal(errorOf(answer)?.code, 'InvalidAccessKeyId');
  });

  test('a field no condition covers is refused as an extra input field', async () => {
    const { url, fields } = await presign('extra.txt');
    const answer = await postForm(url, { ...fields, 'x-amz-meta-sneaky': 'yes' });
    assert.equal(answer.status, 403);
    assert.deepEqual(errorOf(answer), {
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Extra input fields: x-amz-meta-sneaky',
    });
    // x-ignore-* fields need no condition.
    const ignored = await postForm(url, { ...fields, 'x-ignore-tracking': '42' });
    assert.equal(ignored.status, 204, ignored.body);
  });

  test('eq conditions: the exact value passes, any other fails', async () => {
    const conditions = [['eq', '$Content-Type', 'image/png']];
    const { url, fields } = await presign('eq.png', { conditions });
    const good = await postForm(url, { ...fields, 'Content-Type': 'image/png' });
    assert.equal(good.status, 204, good.body);
    const bad = await postForm(url, { ...fields, 'Content-Type': 'image/gif' });
    assert.equal(bad.status, 403);
    assert.equal(
      errorOf(bad)?.message,
      'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/png"]',
    );
  });

  test('starts-with conditions: a matching prefix passes, an empty prefix allows any value', async () => {
    const conditions = [
      ['starts-with', '$Content-Type', 'image/'],
      ['starts-with', '$x-amz-meta-note', ''],
    ];
    const { url, fields } = await presign('prefix.jpg', { conditions });
    const good = await postForm(url, {
      ...fields,
      'Content-Type': 'image/jpeg',
      'x-amz-meta-note': 'anything at all',
    });
    assert.equal(good.status, 204, good.body);
    const head = await server.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'prefix.jpg' }));
    assert.equal(head.Metadata?.note, 'anything at all');
    const bad = await postForm(url, { ...fields, 'Content-Type': 'text/html', 'x-amz-meta-note': '' });
    assert.equal(bad.status, 403);
    assert.match(
      errorOf(bad)?.message ?? '',
      /Policy Condition failed: \["starts-with", "\$Content-Type", "image\/"\]/,
    );
  });

  test('content-length-range: a file within it is stored, one above is EntityTooLarge, one below EntityTooSmall', async () => {
    const { url, fields } = await presign('sized.bin', { conditions: [['content-length-range', 5, 10]] });
    const small = await postForm(url, fields, { content: 'abc', filename: 'f' });
    assert.equal(small.status, 400);
    assert.equal(errorOf(small)?.code, 'EntityTooSmall');
    assert.match(small.body, /<ProposedSize>3<\/ProposedSize>/);
    assert.match(small.body, /<MinSizeAllowed>5<\/MinSizeAllowed>/);
    const large = await postForm(url, fields, { content: 'a'.repeat(11), filename: 'f' });
    assert.equal(large.status, 400);
    assert.equal(errorOf(large)?.code, 'EntityTooLarge');
    assert.match(large.body, /<MaxSizeAllowed>10<\/MaxSizeAllowed>/);
    assert.equal(await exists('sized.bin'), false);
    for (const content of ['a'.repeat(5), 'b'.repeat(10)]) {
      const fits = await postForm(url, fields, { content, filename: 'f' });
      assert.equal(fits.status, 204, fits.body);
    }
    const got = await server.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sized.bin' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'b'.repeat(10));
  });

  test('a file above the content-length-range of a large upload is refused while it streams', async () => {
    const { url, fields } = await presign('big.bin', {
      conditions: [['content-length-range', 0, 1024 * 1024]],
    });
    const answer = await postForm(url, fields, {
      content: Buffer.alloc(3 * 1024 * 1024, 7),
      filename: 'big',
    });
    assert.equal(answer.status, 400);
    assert.equal(errorOf(answer)?.code, 'EntityTooLarge');
    assert.equal(await exists('big.bin'), false);
  });

  test('a checksum field is verified: a mismatch is BadDigest and stores nothing, a match is stored', async () => {
    const content = 'checked content';
    const sha256 = createHash('sha256').update(content).digest('base64');
    const wrong = createHash('sha256').update('other').digest('base64');
    const mismatched = await presign('checked.txt', {
      fields: { 'x-amz-checksum-algorithm': 'SHA256', 'x-amz-checksum-sha256': wrong },
    });
    const bad = await postForm(mismatched.url, mismatched.fields, { content, filename: 'c' });
    assert.equal(bad.status, 400, bad.body);
    assert.deepEqual(errorOf(bad), {
      code: 'BadDigest',
      message: 'The SHA256 you specified did not match the calculated checksum.',
    });
    assert.equal(await exists('checked.txt'), false);
    const matching = await presign('checked.txt', {
      fields: { 'x-amz-checksum-algorithm': 'SHA256', 'x-amz-checksum-sha256': sha256 },
    });
    const good = await postForm(matching.url, matching.fields, { content, filename: 'c' });
    assert.equal(good.status, 204, good.body);
    assert.equal(good.headers.get('x-amz-checksum-sha256'), sha256);
    const head = await server.s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'checked.txt', ChecksumMode: 'ENABLED' }),
    );
    assert.equal(head.ChecksumSHA256, sha256);
  });

  test('acl private and bucket-owner-full-control are accepted; ACLs that grant others are AccessControlListNotSupported', async () => {
    for (const acl of ['private', 'bucket-owner-full-control']) {
      const { url, fields } = await presign(`acl-${acl}.txt`, { fields: { acl } });
      const answer = await postForm(url, fields);
      assert.equal(answer.status, 204, answer.body);
    }
    const { url, fields } = await presign('acl-public.txt', { fields: { acl: 'public-read' } });
    const answer = await postForm(url, fields);
    assert.equal(answer.status, 400);
    assert.equal(errorOf(answer)?.code, 'AccessControlListNotSupported');
    assert.equal(await exists('acl-public.txt'), false);
  });

  test('a form posted virtual-host style stores into the bucket the Host names', async () => {
    const { fields } = await presign('vhost.txt');
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob(['by host']), 'v.txt');
    const request = new Request(`${server.cairn.endpoint}/`, { method: 'POST', body: form });
    const body = Buffer.from(await request.arrayBuffer());
    const answer = await rawRequest(server.cairn, {
      method: 'POST',
      path: '/',
      headers: {
        host: `${BUCKET}.${DOMAIN}:${server.cairn.port}`,
        'content-type': request.headers.get('content-type') ?? '',
      },
      body,
      sign: false,
    });
    assert.equal(answer.status, 204, answer.body);
    assert.equal(answer.headers.location, `http://${BUCKET}.${DOMAIN}:${server.cairn.port}/vhost.txt`);
    const got = await server.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'vhost.txt' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'by host');
  });
});

test('no form, however broken, made the server fail unexpectedly (no ERROR in its log)', () => {
  assert.doesNotMatch(server.cairn.output(), /"level":"error"/);
});
