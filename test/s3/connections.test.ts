// Virtual-host addressing, a non-default region, and clients that go away mid-transfer.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { isLive, rawRequest, rawSocket, signedRequestHead } from '../helpers/raw-http.js';
import { bodyBytes } from '../helpers/s3-client.js';
import { DRIVE_COUNTS, defaultSdkClient, sdkError } from './fixture.js';

const DOMAIN = 's3.cairn.test';

for (const drives of DRIVE_COUNTS) {
  describe(`addressing and aborted transfers (${drives} drive${drives > 1 ? 's' : ''})`, () => {
    let cairn: CairnProcess;
    let s3: S3Client;
    const Bucket = 'conn';
    const big = randomBytes(8 * 1024 * 1024);

    before(async () => {
      cairn = await startCairn({ drives, env: { CAIRN_DOMAIN: DOMAIN, CAIRN_REGION: 'eu-central-1' } });
      s3 = defaultSdkClient(cairn);
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(new PutObjectCommand({ Bucket, Key: 'big.bin', Body: big }));
    });
    after(async () => {
      s3?.destroy();
      await cairn?.stop();
    });

    test('a Host of <bucket>.<domain> addresses the bucket virtual-host style', async () => {
      const host = `${Bucket}.${DOMAIN}:${cairn.port}`;
      const put = await rawRequest(cairn, {
        method: 'PUT',
        path: '/vh/key.txt',
        body: 'virtual',
        headers: { host },
      });
      assert.equal(put.status, 200, put.body);
      const got = await rawRequest(cairn, { method: 'GET', path: '/vh/key.txt', headers: { host } });
      assert.equal(got.body, 'virtual');
      const pathStyle = await rawRequest(cairn, { method: 'GET', path: `/${Bucket}/vh/key.txt` });
      assert.equal(pathStyle.body, 'virtual');
      const list = await rawRequest(cairn, {
        method: 'GET',
        path: '/',
        query: { 'list-type': '2' },
        headers: { host },
      });
      assert.match(list.body, /<Name>conn<\/Name>/);
      assert.match(list.body, /<Key>vh\/key\.txt<\/Key>/);
    });

    test('GetBucketLocation reports the configured region', async () => {
      const out = await s3.send(new GetBucketLocationCommand({ Bucket }));
      assert.equal(out.LocationConstraint, 'eu-central-1');
    });

    test('a client signing for us-east-1 is told the right region', async () => {
      const wrong = defaultSdkClient({ ...cairn, region: 'us-east-1' });
      const e = await sdkError(wrong.send(new GetObjectCommand({ Bucket, Key: 'big.bin' })));
      wrong.destroy();
      assert.equal(e.code, 'AuthorizationHeaderMalformed');
      assert.equal(e.status, 400);
    });

    test('a PUT whose client disconnects halfway stores nothing and the server keeps serving', async () => {
      const head = signedRequestHead(cairn, 'PUT', `/${Bucket}/half.bin`, {
        'content-length': String(1024 * 1024),
      });
      await rawSocket(cairn.port, Buffer.concat([Buffer.from(head), randomBytes(300 * 1024)]), {
        destroyAfterMs: 200,
      });
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(await isLive(cairn.endpoint));
      assert.deepEqual(await sdkError(s3.send(new GetObjectCommand({ Bucket, Key: 'half.bin' }))), {
        code: 'NoSuchKey',
        status: 404,
      });
    });

    test('a PUT to a missing bucket is answered without waiting for the whole body', async () => {
      const head = signedRequestHead(cairn, 'PUT', '/no-such-bucket/k', {
        'content-length': String(64 * 1024 * 1024),
      });
      const { response } = await rawSocket(
        cairn.port,
        Buffer.concat([Buffer.from(head), randomBytes(1000)]),
        {
          timeoutMs: 5000,
        },
      );
      assert.match(response, /^HTTP\/1\.1 404 /);
      assert.match(response, /<Code>NoSuchBucket<\/Code>/);
      assert.match(response, /[Cc]onnection: close/);
    });

    test('a GET whose client goes away mid-body does not disturb the next GET', async () => {
      const url = new URL(`/${Bucket}/big.bin`, cairn.endpoint);
      const signed = signedRequestHead(cairn, 'GET', url.pathname, {});
      const headers = Object.fromEntries(
        signed
          .split('\r\n')
          .slice(1)
          .filter((l) => l.includes(': '))
          .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
      );
      await new Promise<void>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: cairn.port, path: url.pathname, headers, agent: false },
          (res) => {
            assert.equal(res.statusCode, 200);
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
        req.end();
      });
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin' }));
      assert.ok((await bodyBytes(got.Body)).equals(big));
    });
  });
}
