// POST Object (browser form uploads) against a real server: forms made by the AWS SDK's
// createPresignedPost and posted with fetch + FormData as a browser would, and hand-built forms
// and raw multipart bodies for the SigV2 form and the edge cases.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { parseS3Error, rawRequest } from '../helpers/raw-http.js';
import { bodyBytes, s3ErrorOf, sdkClientFor } from '../helpers/s3-client.js';

const BUCKET = 'forms';
const DOMAIN = 'cairn.test';

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

interface FilePart {
  content: string | Buffer;
  filename?: string;
  type?: string;
}

let cairn: CairnProcess;
let s3: S3Client;

before(async () => {
  cairn = await startCairn({ drives: 1, extraArgs: ['--domain', DOMAIN] });
  s3 = sdkClientFor(cairn);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

after(async () => {
  s3?.destroy();
  await cairn?.stop();
});

/** Posts a form as a browser does: the fields in order, then the file part. */
async function postForm(
  url: string,
  fields: Record<string, string>,
  file: FilePart = { content: 'hello', filename: 'hello.txt' },
): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const bytes = typeof file.content === 'string' ? file.content : new Uint8Array(file.content);
  const blob = new Blob([bytes], file.type === undefined ? {} : { type: file.type });
  form.append('file', blob, file.filename ?? 'blob');
  const res = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const ENTITIES: Record<string, string> = {
  '&quot;': '"',
  '&apos;': "'",
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
};

/** The Code and Message of an S3 error body, the message's XML escapes undone. */
function errorOf(answer: { body: string }): { code: string; message: string } | undefined {
  const error = parseS3Error(answer.body);
  if (error === undefined) return undefined;
  return {
    code: error.code,
    message: error.message.replace(/&(quot|apos|lt|gt|amp);/g, (e) => ENTITIES[e] ?? e),
  };
}

/** A form from the AWS SDK's createPresignedPost for a key in the test bucket. */
function presign(
  key: string,
  opts: { fields?: Record<string, string>; conditions?: unknown[]; expires?: number } = {},
): Promise<{ url: string; fields: Record<string, string> }> {
  return createPresignedPost(s3, {
    Bucket: BUCKET,
    Key: key,
    ...(opts.fields ? { Fields: opts.fields } : {}),
    // biome-ignore lint/suspicious/noExplicitAny: the SDK types conditions as a closed union
    ...(opts.conditions ? { Conditions: opts.conditions as any } : {}),
    ...(opts.expires === undefined ? {} : { Expires: opts.expires }),
  });
}

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * SigV4 form fields signed by hand over a policy of `conditions` plus those covering the bucket
 * and the signature fields, for the policies createPresignedPost would not write.
 */
function v4Form(conditions: unknown[], expiration = new Date(Date.now() + 3600_000).toISOString()) {
  const date = amzDate(new Date());
  const credential = `${cairn.accessKey}/${date.slice(0, 8)}/${cairn.region}/s3/aws4_request`;
  const doc = {
    expiration,
    conditions: [
      { bucket: BUCKET },
      { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
      { 'x-amz-credential': credential },
      { 'x-amz-date': date },
      ...conditions,
    ],
  };
  const policy = Buffer.from(JSON.stringify(doc)).toString('base64');
  let key: Buffer | string = `AWS4${cairn.secretKey}`;
  for (const part of [date.slice(0, 8), cairn.region, 's3', 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  return {
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': credential,
    'x-amz-date': date,
    policy,
    'x-amz-signature': createHmac('sha256', key).update(policy).digest('hex'),
  };
}

function v2Form(conditions: unknown[], secret = cairn.secretKey) {
  const doc = {
    expiration: new Date(Date.now() + 3600_000).toISOString(),
    conditions: [{ bucket: BUCKET }, ...conditions],
  };
  const policy = Buffer.from(JSON.stringify(doc)).toString('base64');
  return {
    AWSAccessKeyId: cairn.accessKey,
    policy,
    signature: createHmac('sha1', secret).update(policy).digest('base64'),
  };
}

const bucketUrl = () => `${cairn.endpoint}/${BUCKET}`;

interface RawPart {
  name: string;
  value: string | Buffer;
  filename?: string;
}

const BOUNDARY = '----CairnFormBoundary7MA4YWxk';

/** A multipart/form-data body exactly as given. */
function multipart(parts: readonly RawPart[], close = true): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    pieces.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n\r\n`),
    );
    pieces.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    pieces.push(Buffer.from('\r\n'));
  }
  if (close) pieces.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(pieces);
}

function postRaw(body: Buffer, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
  return rawRequest(cairn, {
    method: 'POST',
    path: `/${BUCKET}`,
    headers: { 'content-type': contentType },
    body,
    sign: false,
  });
}

function fieldParts(fields: Record<string, string>): RawPart[] {
  return Object.entries(fields).map(([name, value]) => ({ name, value }));
}

async function exists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (err) {
    if (s3ErrorOf(err).status === 404) return false;
    throw err;
  }
}

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
    assert.equal(answer.headers.get('location'), `${cairn.endpoint}/${BUCKET}/sdk/plain.txt`);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sdk/plain.txt' }));
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
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/cat picture.png' }));
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
    assert.match(answer.body, new RegExp(`<Location>${cairn.endpoint}/${BUCKET}/status/201.txt</Location>`));
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
    const wrong = sdkClientFor({ ...cairn, secretKey: `${cairn.secretKey}x` });
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
    const stranger = sdkClientFor({ ...cairn, accessKey: 'NOBODYHERE' });
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
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'prefix.jpg' }));
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
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sized.bin' }));
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
    const head = await s3.send(
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
    const request = new Request(`${cairn.endpoint}/`, { method: 'POST', body: form });
    const body = Buffer.from(await request.arrayBuffer());
    const answer = await rawRequest(cairn, {
      method: 'POST',
      path: '/',
      headers: {
        host: `${BUCKET}.${DOMAIN}:${cairn.port}`,
        'content-type': request.headers.get('content-type') ?? '',
      },
      body,
      sign: false,
    });
    assert.equal(answer.status, 204, answer.body);
    assert.equal(answer.headers.location, `http://${BUCKET}.${DOMAIN}:${cairn.port}/vhost.txt`);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'vhost.txt' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'by host');
  });
});

describe('POST Object with hand-built forms', () => {
  test('a SigV2 form (AWSAccessKeyId, signature = base64 HMAC-SHA1 of the policy) uploads', async () => {
    const form = { key: 'v2/ok.txt', ...v2Form([{ key: 'v2/ok.txt' }]) };
    const answer = await postForm(bucketUrl(), form, { content: 'v2 bytes', filename: 'x' });
    assert.equal(answer.status, 204, answer.body);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'v2/ok.txt' }));
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
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
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
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    const url = `${cairn.endpoint}/${bucket}`;
    const allowed = await postForm(
      url,
      { key: 'drop/${filename}' },
      { content: 'anonymous drop', filename: 'a.txt' },
    );
    assert.equal(allowed.status, 204, allowed.body);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'drop/a.txt' }));
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
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'textfile.txt' }));
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
      const socket = connect(cairn.port, '127.0.0.1', () => {
        socket.write(
          `POST /${BUCKET} HTTP/1.1\r\nHost: 127.0.0.1:${cairn.port}\r\n` +
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
  assert.doesNotMatch(cairn.output(), / ERROR /);
});
