// What a bucket policy grants, seen by real clients: anonymous curl and raw HTTP reads of a public
// bucket, anonymous uploads into the one prefix a policy opens, a user named in a policy, Deny
// over Allow, and PublicAccessBlock: BlockPublicPolicy refuses public policies, RestrictPublicBuckets
// keeps anonymous callers out of a public policy while the account's users keep their grants.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { addUser, publicReadPolicy } from '../helpers/iam-fixtures.js';
import { assertS3Error, type RawRequest, rawRequest } from '../helpers/raw-http.js';
import { bodyBytes, sdkClientFor } from '../helpers/s3-client.js';
import { requireTool, runTool } from '../helpers/tools.js';
import { sdkError, useServer } from './fixture.js';

const SITE = 'public-site';
const DROPBOX = 'dropbox';
const PRIVATE = 'private-stuff';

const anonymousGet = (path: string) => ({ method: 'GET', path, sign: false }) as const;

describe('what bucket policies grant', () => {
  const server = useServer({ drives: 4 });
  let alice: S3Client;

  before(async () => {
    const { s3, cairn } = server;
    for (const bucket of [SITE, DROPBOX, PRIVATE]) {
      assert.equal((await rawRequest(cairn, { method: 'PUT', path: `/${bucket}` })).status, 200);
    }
    await s3.send(new PutObjectCommand({ Bucket: SITE, Key: 'index.html', Body: '<h1>hello</h1>' }));
    await s3.send(new PutObjectCommand({ Bucket: PRIVATE, Key: 'secret.txt', Body: 'secret' }));
    await s3.send(new PutObjectCommand({ Bucket: PRIVATE, Key: 'shared/for-alice.txt', Body: 'hi alice' }));
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: SITE, Policy: JSON.stringify(publicReadPolicy(SITE)) }),
    );
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: DROPBOX,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: ['*'] },
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::${DROPBOX}/uploads/*`,
            },
          ],
        }),
      }),
    );
    alice = sdkClientFor(await addUser(cairn, 'alice', 'alice-secret-123'));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: PRIVATE,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: ['arn:aws:iam:::user/alice'] },
              Action: 's3:GetObject',
              Resource: `arn:aws:s3:::${PRIVATE}/shared/*`,
            },
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: `arn:aws:s3:::${PRIVATE}/shared/denied*`,
            },
          ],
        }),
      }),
    );
  });

  test('anonymous GET of an object in a public-read bucket is 200 with its bytes', async () => {
    const res = await rawRequest(server.cairn, anonymousGet(`/${SITE}/index.html`));
    assert.equal(res.status, 200, res.body);
    assert.equal(res.body, '<h1>hello</h1>');
  });

  test(
    'anonymous curl reads the public bucket and is refused the private one',
    requireTool('curl'),
    async () => {
      const ok = await runTool('curl', [
        '-sS',
        '-w',
        '\n%{http_code}',
        `${server.cairn.endpoint}/${SITE}/index.html`,
      ]);
      assert.equal(ok.stdout, '<h1>hello</h1>\n200');
      const denied = await runTool('curl', [
        '-sS',
        '-w',
        '\n%{http_code}',
        `${server.cairn.endpoint}/${PRIVATE}/secret.txt`,
      ]);
      assert.match(denied.stdout, /<Code>AccessDenied<\/Code>[\s\S]*\n403$/);
    },
  );

  test('the public-read policy grants nothing else to anonymous callers: list, write, delete, policy reads are 403', async () => {
    const { cairn } = server;
    const requests: RawRequest[] = [
      { method: 'GET', path: `/${SITE}` },
      { method: 'GET', path: `/${SITE}`, query: { 'list-type': '2' } },
      { method: 'PUT', path: `/${SITE}/index.html`, body: 'defaced' },
      { method: 'DELETE', path: `/${SITE}/index.html` },
      { method: 'GET', path: `/${SITE}`, query: { policy: '' } },
      { method: 'DELETE', path: `/${SITE}`, query: { policy: '' } },
      { method: 'GET', path: `/${PRIVATE}/secret.txt` },
      { method: 'GET', path: '/' },
    ];
    for (const req of requests) {
      const res = await rawRequest(cairn, { ...req, sign: false });
      assertS3Error(res, 403, 'AccessDenied', `${req.method} ${req.path} ${JSON.stringify(req.query ?? {})}`);
    }
    const still = await rawRequest(cairn, anonymousGet(`/${SITE}/index.html`));
    assert.equal(still.body, '<h1>hello</h1>');
  });

  test('anonymous PUT into the prefix a policy opens is stored; anywhere else it is 403', async () => {
    const { cairn, s3 } = server;
    const put = await rawRequest(cairn, {
      method: 'PUT',
      path: `/${DROPBOX}/uploads/drop.txt`,
      body: 'dropped',
      sign: false,
    });
    assert.equal(put.status, 200, put.body);
    const stored = await s3.send(new GetObjectCommand({ Bucket: DROPBOX, Key: 'uploads/drop.txt' }));
    assert.equal((await bodyBytes(stored.Body)).toString(), 'dropped');
    for (const path of [`/${DROPBOX}/elsewhere.txt`, `/${DROPBOX}/uploadsX/x`, `/${SITE}/uploads/x`]) {
      const res = await rawRequest(cairn, { method: 'PUT', path, body: 'x', sign: false });
      assertS3Error(res, 403, 'AccessDenied', path);
    }
    const read = await rawRequest(cairn, anonymousGet(`/${DROPBOX}/uploads/drop.txt`));
    assertS3Error(read, 403, 'AccessDenied', 'the upload policy does not grant reads');
  });

  test('a user named in a bucket policy gets exactly its grant; Deny wins over Allow', async () => {
    const got = await alice.send(new GetObjectCommand({ Bucket: PRIVATE, Key: 'shared/for-alice.txt' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'hi alice');
    assert.deepEqual(
      await sdkError(alice.send(new GetObjectCommand({ Bucket: PRIVATE, Key: 'secret.txt' }))),
      {
        code: 'AccessDenied',
        status: 403,
      },
    );
    await server.s3.send(new PutObjectCommand({ Bucket: PRIVATE, Key: 'shared/denied.txt', Body: 'no' }));
    assert.equal(
      (await sdkError(alice.send(new GetObjectCommand({ Bucket: PRIVATE, Key: 'shared/denied.txt' })))).code,
      'AccessDenied',
    );
    assert.equal(
      (await sdkError(alice.send(new PutObjectCommand({ Bucket: PRIVATE, Key: 'shared/new', Body: 'x' }))))
        .code,
      'AccessDenied',
    );
    assert.equal(
      (await sdkError(alice.send(new GetBucketPolicyCommand({ Bucket: PRIVATE })))).code,
      'AccessDenied',
    );
    // The root user is never locked out of its bucket by a bucket policy.
    const root = await server.s3.send(new GetObjectCommand({ Bucket: PRIVATE, Key: 'shared/denied.txt' }));
    assert.equal((await bodyBytes(root.Body)).toString(), 'no');
    assert.equal(
      (await rawRequest(server.cairn, anonymousGet(`/${PRIVATE}/shared/for-alice.txt`))).status,
      403,
    );
  });

  test('BlockPublicPolicy refuses a public policy with AccessDenied and keeps the old one; a non-public one is accepted', async () => {
    const { s3 } = server;
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: PRIVATE,
        PublicAccessBlockConfiguration: { BlockPublicPolicy: true },
      }),
    );
    const before = (await s3.send(new GetBucketPolicyCommand({ Bucket: PRIVATE }))).Policy;
    assert.deepEqual(
      await sdkError(
        s3.send(
          new PutBucketPolicyCommand({ Bucket: PRIVATE, Policy: JSON.stringify(publicReadPolicy(PRIVATE)) }),
        ),
      ),
      { code: 'AccessDenied', status: 403 },
    );
    assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: PRIVATE }))).Policy, before);
    assert.equal((await rawRequest(server.cairn, anonymousGet(`/${PRIVATE}/secret.txt`))).status, 403);
    const limited = publicReadPolicy(PRIVATE) as { Statement: Array<Record<string, unknown>> };
    limited.Statement[0]!.Condition = { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } };
    const put = await s3.send(
      new PutBucketPolicyCommand({ Bucket: PRIVATE, Policy: JSON.stringify(limited) }),
    );
    assert.equal(put.$metadata.httpStatusCode, 204);
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: PRIVATE }));
    const now = await s3.send(new PutBucketPolicyCommand({ Bucket: PRIVATE, Policy: before }));
    assert.equal(now.$metadata.httpStatusCode, 204, 'without the block the same document is accepted');
  });

  test('RestrictPublicBuckets takes a public policy away from anonymous callers, not from the account’s users', async () => {
    const { s3, cairn } = server;
    assert.equal((await rawRequest(cairn, anonymousGet(`/${SITE}/index.html`))).status, 200);
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: SITE,
        PublicAccessBlockConfiguration: { RestrictPublicBuckets: true },
      }),
    );
    assertS3Error(await rawRequest(cairn, anonymousGet(`/${SITE}/index.html`)), 403, 'AccessDenied');
    // alice has no policy of her own: the public statement still grants her, a user of the account.
    const got = await alice.send(new GetObjectCommand({ Bucket: SITE, Key: 'index.html' }));
    assert.equal((await bodyBytes(got.Body)).toString(), '<h1>hello</h1>');
    // Other buckets are not affected.
    const drop = await rawRequest(cairn, {
      method: 'PUT',
      path: `/${DROPBOX}/uploads/2`,
      body: 'x',
      sign: false,
    });
    assert.equal(drop.status, 200);
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: SITE }));
    const again = await rawRequest(cairn, anonymousGet(`/${SITE}/index.html`));
    assert.equal(again.status, 200, 'without the block the public policy grants again');
  });
});
