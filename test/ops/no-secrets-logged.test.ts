// No secret is ever logged (issue 12, item 2): a server at debug level, with the audit webhook on
// and a trace stream open, serves root, user, service-account and STS requests (presigned ones
// included) and badly signed ones; then neither its output, nor the audit entries a real receiver
// got, nor the trace holds any secret key or session token.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type CairnProcess, freePort, startCairn } from '../helpers/cairn-process.js';
import { addUser, adminCall } from '../helpers/iam-fixtures.js';
import { rawRequest } from '../helpers/raw-http.js';
import { openTrace, type TraceStream } from '../helpers/trace-stream.js';
import { type WebhookReceiver, webhookReceiver } from '../helpers/webhook-process.js';

const TOKEN = 'Bearer webhook-token-secret-77a1';
type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

function s3(cairn: CairnProcess, credentials: Keys): S3Client {
  return new S3Client({
    endpoint: cairn.endpoint,
    region: cairn.region,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials,
  });
}

describe('no secret in logs, audit entries or trace', () => {
  let dir = '';
  let cairn: CairnProcess;
  let receiver: WebhookReceiver;
  let trace: TraceStream;
  const secrets: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-secrets-'));
    const port = await freePort();
    receiver = webhookReceiver(port, join(dir, 'audit.jsonl'), TOKEN);
    await receiver.start();
    cairn = await startCairn({
      drives: 1,
      extraArgs: ['--log-level', 'debug'],
      env: {
        CAIRN_AUDIT_WEBHOOK_ENABLE: 'on',
        CAIRN_AUDIT_WEBHOOK_ENDPOINT: `http://127.0.0.1:${port}/`,
        CAIRN_AUDIT_WEBHOOK_AUTH_TOKEN: TOKEN,
        CAIRN_AUDIT_WEBHOOK_QUEUE_DIR: join(dir, 'queue'),
      },
    });
    trace = await openTrace(cairn, { s3: 'true' });
  });
  after(async () => {
    trace?.close();
    await cairn?.stop();
    await receiver?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('root, user, service account, STS and bad-signature requests leave no secret behind', async () => {
    const root = { accessKeyId: cairn.accessKey, secretAccessKey: cairn.secretKey };
    secrets.push(cairn.secretKey, TOKEN.slice('Bearer '.length));
    const rootS3 = s3(cairn, root);
    await rootS3.send(new CreateBucketCommand({ Bucket: 'vault' }));
    await rootS3.send(new PutObjectCommand({ Bucket: 'vault', Key: 'doc', Body: 'secret document' }));

    // A user: its secret travels in the admin request's body.
    const userSecret = 'user-secret-e91c4d';
    secrets.push(userSecret);
    await addUser(cairn, 'vault-user', userSecret);
    await adminCall(
      cairn,
      'PUT',
      'add-canned-policy',
      { name: 'vault-rw' },
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sts:AssumeRole'], Resource: ['*'] }],
      },
    );
    await adminCall(
      cairn,
      'POST',
      'idp/builtin/policy/attach',
      {},
      { policies: ['vault-rw'], user: 'vault-user' },
    );
    const userS3 = s3(cairn, { accessKeyId: 'vault-user', secretAccessKey: userSecret });
    await userS3
      .send(new GetObjectCommand({ Bucket: 'vault', Key: 'doc' }))
      .then((r) => r.Body?.transformToString());

    // A service account: its secret is in the admin answer.
    const sa = await adminCall(cairn, 'PUT', 'add-service-account', {}, { targetUser: 'vault-user' });
    const saKeys = (JSON.parse(sa.body) as { credentials: { accessKey: string; secretKey: string } })
      .credentials;
    secrets.push(saKeys.secretKey);
    await s3(cairn, { accessKeyId: saKeys.accessKey, secretAccessKey: saKeys.secretKey })
      .send(new GetObjectCommand({ Bucket: 'vault', Key: 'doc' }))
      .then((r) => r.Body?.transformToString());

    // STS: temporary keys and a session token, used in headers and in a presigned URL's query.
    const sts = new STSClient({
      endpoint: cairn.endpoint,
      region: cairn.region,
      maxAttempts: 1,
      credentials: { accessKeyId: 'vault-user', secretAccessKey: userSecret },
    });
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 's' }));
    sts.destroy();
    const temp = assumed.Credentials!;
    secrets.push(temp.SecretAccessKey!, temp.SessionToken!);
    const tempKeys = {
      accessKeyId: temp.AccessKeyId!,
      secretAccessKey: temp.SecretAccessKey!,
      sessionToken: temp.SessionToken!,
    };
    const tempS3 = s3(cairn, tempKeys);
    await tempS3
      .send(new GetObjectCommand({ Bucket: 'vault', Key: 'doc' }))
      .then((r) => r.Body?.transformToString());
    const presigned = await getSignedUrl(tempS3, new GetObjectCommand({ Bucket: 'vault', Key: 'doc' }), {
      expiresIn: 60,
    });
    assert.equal((await fetch(presigned)).status, 200);
    const missing = await getSignedUrl(tempS3, new GetObjectCommand({ Bucket: 'vault', Key: 'missing' }));
    assert.equal((await fetch(missing)).status, 404);

    // Bad signatures: a wrong secret for root and for the user; a forged session token.
    const wrong = 'wrong-secret-0b7d2f';
    secrets.push(wrong);
    assert.equal(
      (await rawRequest(cairn, { method: 'GET', path: '/vault/doc', secretKey: wrong })).status,
      403,
    );
    assert.equal(
      (
        await rawRequest(
          { ...cairn, accessKey: 'vault-user' },
          { method: 'GET', path: '/vault/doc', secretKey: wrong },
        )
      ).status,
      403,
    );
    const forged = `${temp.SessionToken!.slice(0, -8)}AAAAAAAA`;
    secrets.push(forged);
    const bad = s3(cairn, { ...tempKeys, sessionToken: forged });
    await assert.rejects(bad.send(new GetObjectCommand({ Bucket: 'vault', Key: 'doc' })));
    for (const c of [rootS3, userS3, tempS3, bad]) c.destroy();

    // Everything above reached the receiver (the last one included) before looking.
    const lastId = (await rawRequest(cairn, { method: 'GET', path: '/vault', query: { location: '' } }))
      .headers['x-amz-request-id'];
    await receiver.waitFor((es) => es.some((e) => e.requestID === lastId));
    await trace.waitFor((r) => r.custom.requestID === lastId);

    const places: [string, string][] = [
      ['server output', cairn.output()],
      ['audit entries', await readFile(join(dir, 'audit.jsonl'), 'utf8')],
      ['trace', trace.raw()],
    ];
    // The server did log at debug level (one line per request), so silence proves nothing.
    assert.match(cairn.output(), /"level":"debug".*"msg":"request"/);
    assert.ok(places[1]![1].includes('AssumeRole'), 'STS was audited');
    for (const [where, text] of places)
      for (const secret of secrets)
        assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 4)}…) is in the ${where}`);
  });
});
