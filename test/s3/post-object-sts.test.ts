// POST Object with temporary credentials: forms made by the AWS SDK's createPresignedPost with
// credentials from a real AssumeRole call carry x-amz-security-token, and the upload acts as the
// session (its parent user's rights, narrowed by any session policy).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Credentials } from '@aws-sdk/client-sts';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { addUser, allow, grantPolicy, type Keys } from '../helpers/iam-fixtures.js';
import { errorOf, postForm } from '../helpers/post-forms.js';
import { bodyBytes, sdkClientFor } from '../helpers/s3-client.js';
import { assumeRoleAs, s3ClientWith } from '../helpers/sts-client.js';

const BUCKET = 'sts-forms';
const alice: Keys = { accessKey: 'alice-forms', secretKey: 'alice-forms-secret' };

let cairn: CairnProcess;
let root: S3Client;

const assumeRole = (keys: Keys, policy?: unknown): Promise<Credentials> =>
  assumeRoleAs(cairn, keys, policy === undefined ? {} : { Policy: JSON.stringify(policy) });

/** A presigned POST for `key`, made by the SDK with the temporary credentials. */
async function presignAs(creds: Credentials, key: string) {
  const client = s3ClientWith(cairn, creds);
  try {
    return await createPresignedPost(client, { Bucket: BUCKET, Key: key });
  } finally {
    client.destroy();
  }
}

/** The form field carrying the session token, whatever case the SDK names it in. */
function tokenField(fields: Record<string, string>): string {
  const name = Object.keys(fields).find((n) => n.toLowerCase() === 'x-amz-security-token');
  assert.ok(name, `the SDK's form carries the session token: ${Object.keys(fields).join(', ')}`);
  return name;
}

before(async () => {
  cairn = await startCairn({ drives: 1 });
  root = sdkClientFor(cairn);
  await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await addUser(cairn, alice.accessKey, alice.secretKey);
  await grantPolicy(
    cairn,
    alice.accessKey,
    'alice-forms-uploads',
    allow(['s3:PutObject'], [`arn:aws:s3:::${BUCKET}/uploads/*`]),
  );
});

after(async () => {
  root?.destroy();
  await cairn?.stop();
});

describe('POST Object with temporary credentials (AssumeRole + createPresignedPost)', () => {
  test("a form with the session's token uploads where the parent user may write", async () => {
    const creds = await assumeRole(alice);
    const { url, fields } = await presignAs(creds, 'uploads/from-session.txt');
    tokenField(fields);
    const answer = await postForm(url, fields, { content: 'session bytes', filename: 's.txt' });
    assert.equal(answer.status, 204, answer.body);
    const got = await root.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/from-session.txt' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'session bytes');
  });

  test("a form for a key outside the parent user's rights is AccessDenied", async () => {
    const creds = await assumeRole(alice);
    const { url, fields } = await presignAs(creds, 'elsewhere/x.txt');
    const answer = await postForm(url, fields);
    assert.equal(answer.status, 403, answer.body);
    assert.equal(errorOf(answer)?.code, 'AccessDenied');
  });

  test('a session policy narrows what its forms may upload', async () => {
    const creds = await assumeRole(
      alice,
      allow(['s3:PutObject'], [`arn:aws:s3:::${BUCKET}/uploads/public/*`]),
    );
    const inside = await presignAs(creds, 'uploads/public/ok.txt');
    assert.equal((await postForm(inside.url, inside.fields)).status, 204);
    const outside = await presignAs(creds, 'uploads/private/no.txt');
    const refused = await postForm(outside.url, outside.fields);
    assert.equal(refused.status, 403, refused.body);
    assert.equal(errorOf(refused)?.code, 'AccessDenied');
  });

  test('a form whose session token was altered is InvalidToken (400); one without its token InvalidAccessKeyId', async () => {
    const creds = await assumeRole(alice);
    const { url, fields } = await presignAs(creds, 'uploads/tampered.txt');
    const name = tokenField(fields);
    const token = fields[name] ?? '';
    const flipped = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}${token.slice(-1)}`;
    const tampered = await postForm(url, { ...fields, [name]: flipped });
    assert.equal(tampered.status, 400, tampered.body);
    assert.equal(errorOf(tampered)?.code, 'InvalidToken');
    const { [name]: _dropped, ...withoutToken } = fields;
    const tokenless = await postForm(url, withoutToken);
    assert.equal(tokenless.status, 403, tokenless.body);
    assert.equal(errorOf(tokenless)?.code, 'InvalidAccessKeyId');
  });
});
