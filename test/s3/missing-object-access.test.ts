// S3's rule for reads of a key that does not exist (GetObject's "Permissions"): a caller without
// s3:ListBucket on the bucket is answered 403 AccessDenied, so a refusal tells nothing about which
// keys exist; root and callers who may list the bucket are answered 404 NoSuchKey / NoSuchVersion.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { addUser, allow, clientAs, grantPolicy, type Keys } from '../helpers/iam-fixtures.js';
import { bodyBytes } from '../helpers/s3-client.js';
import { sdkError, useServer } from './fixture.js';

const Bucket = 'hidden-keys';
const PUBLIC = 'hidden-public';
const READ_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectAttributes',
  's3:GetObjectVersionAttributes',
];

/** The four reads of one key the rule covers, as the SDK sends them. */
function reads(s3: S3Client, Key: string): Record<string, () => Promise<unknown>> {
  return {
    GetObject: () => s3.send(new GetObjectCommand({ Bucket, Key })),
    HeadObject: () => s3.send(new HeadObjectCommand({ Bucket, Key })),
    GetObjectAttributes: () =>
      s3.send(new GetObjectAttributesCommand({ Bucket, Key, ObjectAttributes: ['ETag'] })),
    'GetObject of a version': () =>
      s3.send(new GetObjectCommand({ Bucket, Key, VersionId: 'no-such-version' })),
  };
}

describe('a read of a missing key answers 403 to callers who may not list the bucket', () => {
  const server = useServer({ drives: 1, bucket: Bucket });
  const reader: Keys = { accessKey: 'reader', secretKey: 'reader-secret-123' };
  const lister: Keys = { accessKey: 'lister', secretKey: 'lister-secret-123' };

  before(async () => {
    const { cairn, s3 } = server;
    await s3.send(new PutObjectCommand({ Bucket, Key: 'present.txt', Body: 'here' }));
    await addUser(cairn, reader.accessKey, reader.secretKey);
    await grantPolicy(
      cairn,
      reader.accessKey,
      'reader-policy',
      allow(READ_ACTIONS, [`arn:aws:s3:::${Bucket}/*`]),
    );
    await addUser(cairn, lister.accessKey, lister.secretKey);
    await grantPolicy(cairn, lister.accessKey, 'lister-policy', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: READ_ACTIONS, Resource: [`arn:aws:s3:::${Bucket}/*`] },
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${Bucket}`] },
      ],
    });
  });

  test('a user with s3:GetObject but not s3:ListBucket gets 403 AccessDenied for GET, HEAD, attributes and a version', async () => {
    const s3 = clientAs(server.cairn, reader);
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'present.txt' }));
      assert.equal((await bodyBytes(got.Body)).toString(), 'here', 'an existing key is readable');
      for (const [name, read] of Object.entries(reads(s3, 'absent.txt'))) {
        const err = await sdkError(read());
        // HEAD has no body: the status is all a client sees.
        if (name === 'HeadObject') assert.equal(err.status, 403, name);
        else assert.deepEqual(err, { code: 'AccessDenied', status: 403 }, name);
      }
    } finally {
      s3.destroy();
    }
  });

  test('a user who may also list the bucket, and root, get 404 NoSuchKey / NoSuchVersion', async () => {
    const s3 = clientAs(server.cairn, lister);
    try {
      for (const client of [s3, server.s3]) {
        const expected: Record<string, string> = {
          GetObject: 'NoSuchKey',
          HeadObject: 'NotFound',
          GetObjectAttributes: 'NoSuchKey',
          'GetObject of a version': 'NoSuchVersion',
        };
        for (const [name, read] of Object.entries(reads(client, 'absent.txt'))) {
          assert.deepEqual(await sdkError(read()), { code: expected[name], status: 404 }, name);
        }
      }
    } finally {
      s3.destroy();
    }
  });

  test('anonymous readers of a public-read bucket get 403 for a missing key; 404 once the policy lets them list', async () => {
    const { cairn, s3 } = server;
    const readAll = {
      Effect: 'Allow',
      Principal: '*',
      Action: ['s3:GetObject'],
      Resource: [`arn:aws:s3:::${PUBLIC}/*`],
    };
    const listAll = {
      Effect: 'Allow',
      Principal: '*',
      Action: ['s3:ListBucket'],
      Resource: [`arn:aws:s3:::${PUBLIC}`],
    };
    await s3.send(new CreateBucketCommand({ Bucket: PUBLIC }));
    await s3.send(new PutObjectCommand({ Bucket: PUBLIC, Key: 'index.html', Body: '<p>hi</p>' }));
    const setPolicy = (statements: unknown[]) =>
      s3.send(
        new PutBucketPolicyCommand({
          Bucket: PUBLIC,
          Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
        }),
      );
    await setPolicy([readAll]);
    assert.equal((await fetch(`${cairn.endpoint}/${PUBLIC}/index.html`)).status, 200);
    const hidden = await fetch(`${cairn.endpoint}/${PUBLIC}/missing.html`);
    assert.equal(hidden.status, 403);
    assert.match(await hidden.text(), /<Code>AccessDenied<\/Code>/);
    await setPolicy([readAll, listAll]);
    const missing = await fetch(`${cairn.endpoint}/${PUBLIC}/missing.html`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /<Code>NoSuchKey<\/Code>/);
  });
});
