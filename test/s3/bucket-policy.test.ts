// Bucket policy operations as S3 answers them: PutBucketPolicy 204 (validated, the bytes kept as
// sent), GetBucketPolicy the document byte for byte, DeleteBucketPolicy 204 with or without one,
// GetBucketPolicyStatus, NoSuchBucketPolicy, MalformedPolicy with the validator's message, the
// 20 KiB limit, Content-MD5, and awscli's put-bucket-policy. What a policy grants is proven in
// bucket-policy-access.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { removeDir, tempDir } from '../helpers/files.js';
import { publicReadPolicy } from '../helpers/iam-fixtures.js';
import { assertS3Error, parseS3Error, rawRequest } from '../helpers/raw-http.js';
import { requireTool, runTool } from '../helpers/tools.js';
import { sdkError, useServer } from './fixture.js';

const BUCKET = 'policies';

function policyRequest(method: string, body?: string, headers: Record<string, string> = {}) {
  return {
    method,
    path: `/${BUCKET}`,
    query: { policy: '' },
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

/** A one-statement public-read policy for the bucket, with `extra` changing the statement. */
function statement(extra: Record<string, unknown>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        ...extra,
      },
    ],
  });
}

describe('bucket policy operations', () => {
  const server = useServer({ drives: 4, bucket: BUCKET });

  test('a bucket without a policy answers 404 NoSuchBucketPolicy to GetBucketPolicy and GetBucketPolicyStatus', async () => {
    assert.deepEqual(await sdkError(server.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))), {
      code: 'NoSuchBucketPolicy',
      status: 404,
    });
    assert.deepEqual(await sdkError(server.s3.send(new GetBucketPolicyStatusCommand({ Bucket: BUCKET }))), {
      code: 'NoSuchBucketPolicy',
      status: 404,
    });
    const res = await rawRequest(server.cairn, policyRequest('GET'));
    assertS3Error(res, 404, 'NoSuchBucketPolicy');
    assert.equal(parseS3Error(res.body)?.message, 'The bucket policy does not exist');
    assert.match(res.body, /<BucketName>policies<\/BucketName>/);
  });

  test('PutBucketPolicy answers 204 and GetBucketPolicy gives the document back byte for byte', async () => {
    // Odd spacing, member order and a non-ASCII Sid: S3 clients compare what they sent.
    const text = `{ "Statement":[ {"Sid":"Lecture publique é","Resource":"arn:aws:s3:::${BUCKET}/*",\n\t"Action":"s3:GetObject","Principal":{"AWS":["*"]},"Effect":"Allow"}],"Version":"2012-10-17"}  `;
    const put = await rawRequest(server.cairn, policyRequest('PUT', text));
    assert.equal(put.status, 204, put.body);
    assert.equal(put.body, '');
    const get = await rawRequest(server.cairn, policyRequest('GET'));
    assert.equal(get.status, 200);
    assert.equal(get.body, text);
    assert.equal(get.headers['content-length'], String(Buffer.byteLength(text)));
    const sdk = await server.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }));
    assert.equal(sdk.Policy, text);
  });

  test('GetBucketPolicyStatus says whether the policy grants to everyone', async () => {
    await server.s3.send(
      new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(publicReadPolicy(BUCKET)) }),
    );
    const pub = await server.s3.send(new GetBucketPolicyStatusCommand({ Bucket: BUCKET }));
    assert.equal(pub.PolicyStatus?.IsPublic, true);
    const raw = await rawRequest(server.cairn, {
      method: 'GET',
      path: `/${BUCKET}`,
      query: { policyStatus: '' },
    });
    assert.match(raw.body, /<PolicyStatus xmlns="[^"]+"><IsPublic>true<\/IsPublic><\/PolicyStatus>$/);

    const limited = publicReadPolicy(BUCKET) as { Statement: Array<Record<string, unknown>> };
    limited.Statement[0]!.Condition = { IpAddress: { 'aws:SourceIp': '10.1.2.0/24' } };
    await server.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(limited) }));
    const notPublic = await server.s3.send(new GetBucketPolicyStatusCommand({ Bucket: BUCKET }));
    assert.equal(notPublic.PolicyStatus?.IsPublic, false);
  });

  test('DeleteBucketPolicy answers 204, then NoSuchBucketPolicy; a second delete is 204 too', async () => {
    await server.s3.send(
      new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(publicReadPolicy(BUCKET)) }),
    );
    const del = await server.s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    assert.equal(
      (await sdkError(server.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET })))).code,
      'NoSuchBucketPolicy',
    );
    const again = await rawRequest(server.cairn, policyRequest('DELETE'));
    assert.equal(again.status, 204);
  });

  test('a document that is not a valid policy for this bucket is 400 MalformedPolicy naming why, and the stored policy stays', async () => {
    const kept = JSON.stringify(publicReadPolicy(BUCKET));
    await server.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: kept }));
    const cases: Array<[string, string]> = [
      ['not JSON', 'this is not json'],
      ['empty', ''],
      ['no Statement', '{}'],
      ['another bucket', statement({ Resource: 'arn:aws:s3:::other-bucket/*' })],
      ['no Principal', statement({ Principal: undefined })],
      ['a bad Effect', statement({ Effect: 'Maybe' })],
      ['an unknown action', statement({ Action: 's3:FlyAway' })],
      ['a bad version', JSON.stringify({ Version: '2020-01-01', Statement: [] })],
    ];
    for (const [name, body] of cases) {
      const res = await rawRequest(server.cairn, policyRequest('PUT', body));
      assertS3Error(res, 400, 'MalformedPolicy', name);
      assert.ok((parseS3Error(res.body)?.message ?? '').length > 0, `${name}: a message says why`);
    }
    const other = await rawRequest(
      server.cairn,
      policyRequest('PUT', statement({ Resource: 'arn:aws:s3:::other-bucket/*' })),
    );
    assert.match(parseS3Error(other.body)?.message ?? '', /resource/i);
    const get = await server.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }));
    assert.equal(get.Policy, kept);
  });

  test("MalformedPolicy messages are S3's words: not an object, broken JSON, no or empty Statement, bad version, resource, action, principal", async () => {
    const notAnObject = "Policies must be valid JSON and the first byte must be '{'";
    const cases: Array<[string, string]> = [
      ['this is not json', notAnObject],
      ['', notAnObject],
      ['[]', notAnObject],
      ['"a string"', notAnObject],
      ['{"Version":', 'This policy contains invalid Json'],
      ['{"Version":"2012-10-17"}', 'Missing required field Statement'],
      ['{"Version":"2012-10-17","Statement":[]}', 'Could not parse the policy: Statement is empty!'],
      ['{"Version":"2020-01-01","Statement":[]}', 'The policy must contain a valid version string'],
      [statement({ Resource: 'arn:aws:s3:::other-bucket/*' }), 'Policy has invalid resource'],
      [statement({ Action: 's3:FlyAway' }), 'Policy has invalid action'],
      [statement({ Principal: { AWS: 'arn:aws:iam::*:user/x*' } }), 'Invalid principal in policy'],
    ];
    for (const [body, message] of cases) {
      const res = await rawRequest(server.cairn, policyRequest('PUT', body));
      assertS3Error(res, 400, 'MalformedPolicy', body);
      assert.equal(parseS3Error(res.body)?.message.replaceAll('&apos;', "'"), message, body);
    }
    // White space before the object is JSON, not a reason to refuse it.
    const padded = await rawRequest(server.cairn, policyRequest('PUT', `\n  ${statement({})}`));
    assert.equal(padded.status, 204, padded.body);
  });

  test('a policy over 20 KiB is MalformedPolicy; one just under is accepted', async () => {
    const sized = (bytes: number) => {
      const base = JSON.stringify({ ...publicReadPolicy(BUCKET), Id: '' });
      return base.replace('"Id":""', `"Id":"${'x'.repeat(bytes - base.length)}"`);
    };
    const ok = sized(20 * 1024);
    assert.equal(Buffer.byteLength(ok), 20 * 1024);
    assert.equal((await rawRequest(server.cairn, policyRequest('PUT', ok))).status, 204);
    for (const size of [20 * 1024 + 1, 100 * 1024]) {
      const res = await rawRequest(server.cairn, policyRequest('PUT', sized(size)));
      assertS3Error(res, 400, 'MalformedPolicy', `${size} bytes`);
      assert.match(parseS3Error(res.body)?.message ?? '', /exceeds the maximum allowed size of 20480 bytes/);
    }
  });

  test('a Content-MD5 that does not match is 400 BadDigest and stores nothing; a matching one is accepted', async () => {
    await server.s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    const body = JSON.stringify(publicReadPolicy(BUCKET));
    const wrong = await rawRequest(
      server.cairn,
      policyRequest('PUT', body, { 'content-md5': createHash('md5').update('x').digest('base64') }),
    );
    assertS3Error(wrong, 400, 'BadDigest');
    assertS3Error(await rawRequest(server.cairn, policyRequest('GET')), 404, 'NoSuchBucketPolicy');
    const invalid = await rawRequest(server.cairn, policyRequest('PUT', body, { 'content-md5': 'nope' }));
    assertS3Error(invalid, 400, 'InvalidDigest');
    const right = await rawRequest(
      server.cairn,
      policyRequest('PUT', body, { 'content-md5': createHash('md5').update(body).digest('base64') }),
    );
    assert.equal(right.status, 204, right.body);
  });

  test('every policy operation on a bucket that does not exist is 404 NoSuchBucket', async () => {
    for (const [method, query] of [
      ['PUT', 'policy'],
      ['GET', 'policy'],
      ['DELETE', 'policy'],
      ['GET', 'policyStatus'],
    ] as const) {
      const res = await rawRequest(server.cairn, {
        method,
        path: '/no-such-policy-bucket',
        query: { [query]: '' },
        ...(method === 'PUT' ? { body: JSON.stringify(publicReadPolicy('no-such-policy-bucket')) } : {}),
      });
      assertS3Error(res, 404, 'NoSuchBucket', `${method} ?${query}`);
    }
  });

  test('a bucket deleted and made again starts without a policy', async () => {
    await server.s3.send(new CreateBucketCommand({ Bucket: 'reborn' }));
    await server.s3.send(
      new PutBucketPolicyCommand({ Bucket: 'reborn', Policy: JSON.stringify(publicReadPolicy('reborn')) }),
    );
    assert.equal((await rawRequest(server.cairn, { method: 'DELETE', path: '/reborn' })).status, 204);
    await server.s3.send(new CreateBucketCommand({ Bucket: 'reborn' }));
    assert.equal(
      (await sdkError(server.s3.send(new GetBucketPolicyCommand({ Bucket: 'reborn' })))).code,
      'NoSuchBucketPolicy',
    );
  });
});

describe('awscli s3api bucket policies', requireTool('aws'), () => {
  const server = useServer({ drives: 1 });
  let work: string;
  let env: Record<string, string | undefined>;
  before(async () => {
    work = await tempDir('policy-cli');
    const config = join(work, 'aws-config');
    await writeFile(config, '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n');
    env = {
      AWS_ACCESS_KEY_ID: server.cairn.accessKey,
      AWS_SECRET_ACCESS_KEY: server.cairn.secretKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_ENDPOINT_URL: undefined,
    };
  });
  after(async () => {
    await removeDir(work);
  });
  const s3api = (args: string[], allowFailure = false) =>
    runTool('aws', ['--endpoint-url', server.cairn.endpoint, 's3api', ...args, '--output', 'json'], {
      env,
      allowFailure,
    });

  test('put-bucket-policy --policy file://… stores the file, get-bucket-policy and get-bucket-policy-status read it back', async () => {
    await s3api(['create-bucket', '--bucket', 'public-site']);
    const file = join(work, 'public-read.json');
    const text = `${JSON.stringify(publicReadPolicy('public-site'), null, 2)}\n`;
    await writeFile(file, text);
    await s3api(['put-bucket-policy', '--bucket', 'public-site', '--policy', `file://${file}`]);
    const got = JSON.parse((await s3api(['get-bucket-policy', '--bucket', 'public-site'])).stdout) as {
      Policy: string;
    };
    assert.equal(got.Policy, text);
    const status = JSON.parse((await s3api(['get-bucket-policy-status', '--bucket', 'public-site'])).stdout);
    assert.deepEqual(status, { PolicyStatus: { IsPublic: true } });
    await s3api(['delete-bucket-policy', '--bucket', 'public-site']);
    const gone = await s3api(['get-bucket-policy', '--bucket', 'public-site'], true);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NoSuchBucketPolicy/);
  });

  test('put-bucket-policy with an invalid document fails with MalformedPolicy', async () => {
    const file = join(work, 'bad.json');
    await writeFile(file, JSON.stringify(publicReadPolicy('some-other-bucket')));
    const run = await s3api(
      ['put-bucket-policy', '--bucket', 'public-site', '--policy', `file://${file}`],
      true,
    );
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /MalformedPolicy/);
  });
});
