import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSServiceException } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { addUser, adminCall, allow, grantPolicy, type Keys } from '../helpers/iam-fixtures.js';
import { rawRequest } from '../helpers/raw-http.js';
import { s3ErrorOf } from '../helpers/s3-client.js';
import { signRequest } from '../helpers/sigv4-signer.js';
import { assumeRoleAs, s3ClientWith, stsClientFor } from '../helpers/sts-client.js';

async function stsError(
  promise: Promise<unknown>,
): Promise<{ code: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof STSServiceException, String(err));
    return { code: err.name, status: err.$metadata.httpStatusCode, message: err.message };
  }
  throw new Error('expected the STS call to fail');
}

/** A user whose one policy (named after it) is `policy`. */
async function addUserWith(
  cairn: CairnProcess,
  name: string,
  secretKey: string,
  policy: object,
): Promise<void> {
  await addUser(cairn, name, secretKey);
  await grantPolicy(cairn, name, `${name}-policy`, policy);
}

async function s3Error(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return s3ErrorOf(err);
  }
  throw new Error('expected the S3 call to fail');
}

describe('STS AssumeRole on the S3 endpoint', () => {
  let cairn: CairnProcess;
  let root: Keys;

  before(async () => {
    cairn = await startCairn({ drives: 1 });
    root = { accessKey: cairn.accessKey, secretKey: cairn.secretKey };
  });
  after(async () => {
    await cairn?.stop();
  });

  it('answers the AWS SDK STS client with credentials that expire in an hour by default', async () => {
    const before = Date.now();
    const creds = await assumeRoleAs(cairn, root);
    assert.match(creds.AccessKeyId ?? '', /^[A-Z2-7]{20}$/);
    assert.equal(creds.SecretAccessKey?.length, 40);
    assert.ok((creds.SessionToken?.length ?? 0) > 40);
    const expires = creds.Expiration?.getTime() ?? 0;
    assert.ok(expires >= Math.floor(before / 1000) * 1000 + 3600_000 - 1000, String(creds.Expiration));
    assert.ok(expires <= Date.now() + 3600_000, String(creds.Expiration));
  });

  it('root temporary credentials work in the S3 client, including presigned URLs', async () => {
    const creds = await assumeRoleAs(cairn, root, { DurationSeconds: 900 });
    const expires = creds.Expiration?.getTime() ?? 0;
    assert.ok(Math.abs(expires - (Date.now() + 900_000)) < 5000, String(creds.Expiration));
    const s3 = s3ClientWith(cairn, creds);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'sts-root' }));
      await s3.send(new PutObjectCommand({ Bucket: 'sts-root', Key: 'hello.txt', Body: 'hi there' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'sts-root', Key: 'hello.txt' }));
      assert.equal(await got.Body?.transformToString(), 'hi there');
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'sts-root', Key: 'hello.txt' }), {
        expiresIn: 300,
      });
      assert.match(url, /X-Amz-Security-Token=/);
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'hi there');
    } finally {
      s3.destroy();
    }
  });

  it('DurationSeconds outside 900 s – 12 h is a ValidationError', async () => {
    const sts = stsClientFor(cairn, root);
    try {
      for (const DurationSeconds of [899, 43_201]) {
        const err = await stsError(
          sts.send(new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 's', DurationSeconds })),
        );
        assert.equal(err.code, 'ValidationError');
        assert.equal(err.status, 400);
        assert.match(err.message, /durationSeconds/);
      }
      const longest = await sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 's', DurationSeconds: 43_200 }),
      );
      assert.ok(
        Math.abs((longest.Credentials?.Expiration?.getTime() ?? 0) - (Date.now() + 43_200_000)) < 5000,
      );
    } finally {
      sts.destroy();
    }
  });

  it('temporary credentials without their session token are InvalidAccessKeyId', async () => {
    const creds = await assumeRoleAs(cairn, root);
    const s3 = s3ClientWith(cairn, creds, { token: null });
    try {
      const err = await s3Error(s3.send(new ListBucketsCommand({})));
      assert.equal(err.code, 'InvalidAccessKeyId');
      assert.equal(err.status, 403);
    } finally {
      s3.destroy();
    }
  });

  it('an altered session token, or another session’s token, is InvalidToken', async () => {
    const creds = await assumeRoleAs(cairn, root);
    const other = await assumeRoleAs(cairn, root);
    const token = creds.SessionToken ?? '';
    const flipped = `${token.slice(0, 30)}${token[30] === 'A' ? 'B' : 'A'}${token.slice(31)}`;
    for (const bad of [flipped, token.slice(0, -8), other.SessionToken ?? '', 'garbage']) {
      const s3 = s3ClientWith(cairn, creds, { token: bad });
      try {
        const err = await s3Error(s3.send(new ListBucketsCommand({})));
        assert.equal(err.code, 'InvalidToken', bad.slice(0, 20));
        assert.equal(err.status, 400);
        assert.equal(err.message, 'The provided token is malformed or otherwise invalid.');
      } finally {
        s3.destroy();
      }
    }
  });

  it('a session token sent with long-term credentials is InvalidToken', async () => {
    const creds = await assumeRoleAs(cairn, root);
    const s3 = s3ClientWith(cairn, {
      AccessKeyId: root.accessKey,
      SecretAccessKey: root.secretKey,
      SessionToken: creds.SessionToken,
      Expiration: undefined,
    });
    try {
      assert.equal((await s3Error(s3.send(new ListBucketsCommand({})))).code, 'InvalidToken');
    } finally {
      s3.destroy();
    }
  });

  it('temporary credentials cannot assume a role again', async () => {
    const creds = await assumeRoleAs(cairn, root);
    const sts = stsClientFor(
      cairn,
      { accessKey: creds.AccessKeyId ?? '', secretKey: creds.SecretAccessKey ?? '' },
      creds.SessionToken,
    );
    try {
      const err = await stsError(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 's' })));
      assert.deepEqual([err.code, err.status], ['AccessDenied', 403]);
    } finally {
      sts.destroy();
    }
  });

  it('a wrong secret is AccessDenied in the STS error form', async () => {
    const err = await stsError(
      stsClientFor(cairn, { accessKey: root.accessKey, secretKey: 'wrong-secret-key' }).send(
        new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 's' }),
      ),
    );
    assert.deepEqual([err.code, err.status], ['AccessDenied', 403]);
    assert.match(err.message, /signature/);
  });

  it('errors are STS ErrorResponse documents; other STS actions are NotImplemented', async () => {
    const form = (body: string) =>
      rawRequest(cairn, {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
        sign: false,
      });
    const unsigned = await form('Action=AssumeRole&Version=2011-06-15');
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.headers['content-type'] as string, /xml/);
    assert.match(
      unsigned.body,
      /^<\?xml[^>]*>\n<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>AccessDenied<\/Code><Message>[^<]+<\/Message><\/Error><RequestId>[^<]+<\/RequestId><\/ErrorResponse>$/,
    );
    const web = await form('Action=AssumeRoleWithWebIdentity&Version=2011-06-15&WebIdentityToken=x');
    assert.equal(web.status, 501);
    assert.match(web.body, /<Code>NotImplemented<\/Code>/);
    const version = await form('Action=AssumeRole&Version=2010-01-01');
    assert.equal(version.status, 400);
    assert.match(version.body, /<Code>MissingParameter<\/Code>/);
    const unknown = await form('Action=Frobnicate&Version=2011-06-15');
    assert.equal(unknown.status, 400);
    assert.match(unknown.body, /<Code>InvalidAction<\/Code>/);
    // Signed for STS, as a client sends it: the wire codes of AssumeRole's documented errors.
    const signedForm = async (body: string) => {
      const headers = signRequest({
        method: 'POST',
        path: '/',
        headers: { host: `127.0.0.1:${cairn.port}`, 'content-type': 'application/x-www-form-urlencoded' },
        payloadHash: createHash('sha256').update(body).digest('hex'),
        service: 'sts',
        region: cairn.region,
        ...root,
      });
      const res = await fetch(`${cairn.endpoint}/`, { method: 'POST', headers, body });
      return { status: res.status, body: await res.text() };
    };
    const malformed = await signedForm('Action=AssumeRole&Version=2011-06-15&Policy=%7Bnot%20json');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body, /<Type>Sender<\/Type><Code>MalformedPolicyDocument<\/Code>/);
    const ok = await signedForm('Action=AssumeRole&Version=2011-06-15&DurationSeconds=900');
    assert.equal(ok.status, 200);
    assert.match(
      ok.body,
      /^<\?xml[^>]*>\n<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleResult><Credentials><AccessKeyId>[A-Z2-7]{20}<\/AccessKeyId><SecretAccessKey>[^<]{40}<\/SecretAccessKey><SessionToken>[A-Za-z0-9_-]+<\/SessionToken><Expiration>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/Expiration><\/Credentials><\/AssumeRoleResult><ResponseMetadata><RequestId>[^<]+<\/RequestId><\/ResponseMetadata><\/AssumeRoleResponse>$/,
    );
  });

  it('an STS signature is refused for S3, and an S3 signature for STS', async () => {
    const body = 'Action=AssumeRole&Version=2011-06-15';
    const s3Signed = await rawRequest(cairn, {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    assert.equal(s3Signed.status, 403);
    assert.match(s3Signed.body, /<Code>AccessDenied<\/Code><Message>[^<]*incorrect service &quot;s3&quot;/);
    const host = `127.0.0.1:${cairn.port}`;
    const headers = signRequest({
      method: 'GET',
      path: '/',
      headers: { host },
      service: 'sts',
      region: cairn.region,
      ...root,
    });
    const listing = await fetch(`${cairn.endpoint}/`, { headers });
    assert.equal(listing.status, 400);
    assert.match(
      await listing.text(),
      /<Code>AuthorizationHeaderMalformed<\/Code>.*incorrect service &quot;sts&quot;/,
    );
  });

  it('temporary credentials keep working after a restart', async () => {
    const creds = await assumeRoleAs(cairn, root);
    await cairn.stop({ keepDrives: true });
    await cairn.restart();
    const s3 = s3ClientWith(cairn, creds);
    try {
      const out = await s3.send(new ListBucketsCommand({}));
      assert.ok(out.Buckets?.some((b) => b.Name === 'sts-root'));
    } finally {
      s3.destroy();
    }
  });
});

describe('STS AssumeRole by IAM users', () => {
  let cairn: CairnProcess;
  let root: Keys;
  const alice = { accessKey: 'alice', secretKey: 'alice-secret-123' };

  before(async () => {
    cairn = await startCairn({ drives: 1 });
    root = { accessKey: cairn.accessKey, secretKey: cairn.secretKey };
    const s3 = s3ClientWith(
      cairn,
      {
        AccessKeyId: root.accessKey,
        SecretAccessKey: root.secretKey,
        SessionToken: undefined,
        Expiration: undefined,
      },
      { token: null },
    );
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
      await s3.send(new CreateBucketCommand({ Bucket: 'private' }));
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'public/a.txt', Body: 'public a' }));
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'secret/b.txt', Body: 'secret b' }));
      await s3.send(new PutObjectCommand({ Bucket: 'private', Key: 'c.txt', Body: 'private c' }));
    } finally {
      s3.destroy();
    }
    await addUserWith(
      cairn,
      alice.accessKey,
      alice.secretKey,
      allow(['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::photos/*']),
    );
  });
  after(async () => {
    await cairn?.stop();
  });

  async function expectDenied(promise: Promise<unknown>): Promise<void> {
    const err = await s3Error(promise);
    assert.deepEqual([err.code, err.status], ['AccessDenied', 403]);
  }

  it('a user’s temporary credentials have exactly the user’s rights', async () => {
    const creds = await assumeRoleAs(cairn, alice);
    const s3 = s3ClientWith(cairn, creds);
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'secret/b.txt' }));
      assert.equal(await got.Body?.transformToString(), 'secret b');
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'new.txt', Body: 'by alice' }));
      await expectDenied(s3.send(new GetObjectCommand({ Bucket: 'private', Key: 'c.txt' })));
      await expectDenied(s3.send(new ListBucketsCommand({})));
    } finally {
      s3.destroy();
    }
  });

  it('a session policy narrows the session to parent ∩ session policy', async () => {
    // The session policy grants more than alice has (private/*, PutObject) and less (public/ only).
    const policy = allow(['s3:GetObject'], ['arn:aws:s3:::photos/public/*', 'arn:aws:s3:::private/*']);
    const creds = await assumeRoleAs(cairn, alice, { Policy: JSON.stringify(policy, null, 2) });
    const s3 = s3ClientWith(cairn, creds);
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'public/a.txt' }));
      assert.equal(await got.Body?.transformToString(), 'public a');
      await expectDenied(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'secret/b.txt' })));
      await expectDenied(s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'public/x.txt', Body: 'x' })));
      await expectDenied(s3.send(new GetObjectCommand({ Bucket: 'private', Key: 'c.txt' })));
    } finally {
      s3.destroy();
    }
  });

  it('an explicit Deny in the session policy wins over its Allow', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::photos/*'] },
        { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::photos/secret/*'] },
      ],
    };
    const creds = await assumeRoleAs(cairn, alice, { Policy: JSON.stringify(policy) });
    const s3 = s3ClientWith(cairn, creds);
    try {
      await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'public/a.txt' }));
      await expectDenied(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'secret/b.txt' })));
    } finally {
      s3.destroy();
    }
  });

  it('a malformed session policy is MalformedPolicyDocument; one over 2048 packed characters PackedPolicyTooLarge', async () => {
    const sts = stsClientFor(cairn, alice);
    const send = (Policy: string) =>
      stsError(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 's', Policy })));
    try {
      for (const bad of [
        '{not json',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Maybe', Action: 's3:*', Resource: '*' }],
        }),
        JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }),
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
        }),
      ]) {
        const err = await send(bad);
        // The SDK turns the wire code MalformedPolicyDocument into its modelled exception.
        assert.deepEqual([err.code, err.status], ['MalformedPolicyDocumentException', 400], bad);
      }
      const resources = Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::photos/folder-${i}/*`);
      const large = await send(JSON.stringify(allow(['s3:GetObject'], resources)));
      assert.deepEqual([large.code, large.status], ['PackedPolicyTooLargeException', 400]);
      // Whitespace does not count: the same rights in a pretty-printed document under the limit pass.
      const small = allow(['s3:GetObject'], resources.slice(0, 40));
      assert.ok(JSON.stringify(small, null, 8).length > 2048 && JSON.stringify(small).length <= 2048);
      const ok = await sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:x',
          RoleSessionName: 's',
          Policy: JSON.stringify(small, null, 8),
        }),
      );
      assert.ok(ok.Credentials?.SessionToken);
    } finally {
      sts.destroy();
    }
  });

  it('disabling the parent stops its temporary credentials at once; enabling restores them', async () => {
    const creds = await assumeRoleAs(cairn, alice);
    const s3 = s3ClientWith(cairn, creds);
    try {
      await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'public/a.txt' }));
      await adminCall(cairn, 'PUT', 'set-user-status', { accessKey: 'alice', status: 'disabled' });
      const err = await s3Error(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'public/a.txt' })));
      assert.deepEqual([err.code, err.status], ['InvalidAccessKeyId', 403]);
      const sts = await stsError(
        stsClientFor(cairn, alice).send(new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 's' })),
      );
      assert.deepEqual([sts.code, sts.status], ['AccessDenied', 403]);
      await adminCall(cairn, 'PUT', 'set-user-status', { accessKey: 'alice', status: 'enabled' });
      await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'public/a.txt' }));
    } finally {
      s3.destroy();
    }
  });

  it('a deleted parent’s sessions stay dead when a user of the same name is made again', async () => {
    await addUserWith(cairn, 'bob', 'bob-secret-1234', allow(['s3:GetObject'], ['arn:aws:s3:::photos/*']));
    const creds = await assumeRoleAs(cairn, { accessKey: 'bob', secretKey: 'bob-secret-1234' });
    const s3 = s3ClientWith(cairn, creds);
    try {
      await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'public/a.txt' }));
      await adminCall(cairn, 'DELETE', 'remove-user', { accessKey: 'bob' });
      const gone = await s3Error(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'public/a.txt' })));
      assert.deepEqual([gone.code, gone.status], ['InvalidAccessKeyId', 403]);
      await addUserWith(
        cairn,
        'bob',
        'another-bob-secret',
        allow(['s3:GetObject'], ['arn:aws:s3:::photos/*']),
      );
      const still = await s3Error(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'public/a.txt' })));
      assert.deepEqual([still.code, still.status], ['InvalidAccessKeyId', 403]);
    } finally {
      s3.destroy();
    }
  });

  it('service accounts cannot assume a role', async () => {
    const res = await adminCall(cairn, 'PUT', 'add-service-account', {}, { targetUser: 'alice' });
    const { credentials } = res.json as { credentials: Keys };
    const err = await stsError(
      stsClientFor(cairn, credentials).send(
        new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 's' }),
      ),
    );
    assert.deepEqual([err.code, err.status], ['AccessDenied', 403]);
  });

  it('a user’s session, with its session policy, survives a restart', async () => {
    const creds = await assumeRoleAs(cairn, alice, {
      Policy: JSON.stringify(allow(['s3:GetObject'], ['arn:aws:s3:::photos/public/*'])),
    });
    await cairn.stop({ keepDrives: true });
    await cairn.restart();
    const s3 = s3ClientWith(cairn, creds);
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'public/a.txt' }));
      assert.equal(await got.Body?.transformToString(), 'public a');
      await expectDenied(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'secret/b.txt' })));
    } finally {
      s3.destroy();
    }
  });
});
