// SIGTERM lets a request in flight finish: an upload that is halfway through when the operator
// stops the server still gets its 200, the object is stored, and the process exits 0.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { sha256 } from '../helpers/files.js';
import { bodyBytes, s3Client } from '../helpers/s3-client.js';
import { signRequest } from '../helpers/sigv4-signer.js';

const MiB = 1024 * 1024;

describe('graceful shutdown', () => {
  let cairn: CairnProcess | undefined;
  after(async () => {
    await cairn?.stop();
  });

  test('SIGTERM during a large upload lets it finish with 200, then the process exits 0', async () => {
    cairn = await startCairn({ drives: 4 });
    const client = s3Client(cairn);
    await client.send(new CreateBucketCommand({ Bucket: 'shutdown' }));

    const size = 48 * MiB;
    const chunk = randomBytes(MiB);
    const digest = createHash('sha256');
    for (let i = 0; i < size / MiB; i++) digest.update(chunk);
    const expected = digest.digest('hex');

    const headers = signRequest({
      method: 'PUT',
      path: '/shutdown/big',
      headers: { host: `127.0.0.1:${cairn.port}`, 'content-length': String(size) },
      payloadHash: 'UNSIGNED-PAYLOAD',
      accessKey: cairn.accessKey,
      secretKey: cairn.secretKey,
      region: cairn.region,
    });
    const server = cairn;
    let signalled = false;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, method: 'PUT', path: '/shutdown/big', headers, agent: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.setTimeout(120_000, () => req.destroy(new Error('upload timed out')));
      // Send 1 MiB every 40 ms (about 2 s in all); SIGTERM after a quarter has gone.
      let sent = 0;
      const pump = () => {
        if (sent === size) {
          req.end();
          return;
        }
        req.write(chunk);
        sent += MiB;
        if (!signalled && sent >= size / 4) {
          signalled = true;
          server.signal('SIGTERM');
        }
        setTimeout(pump, 40);
      };
      pump();
    });
    assert.ok(signalled);
    assert.equal(status, 200, 'the upload in flight at SIGTERM completes');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      server.exited(),
      new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), 20_000);
      }),
    ]);
    clearTimeout(timer);
    assert.deepEqual(exit, { code: 0, signal: null }, 'the server exits 0 once the upload is done');

    // The upload was stored, not just answered.
    await server.restart();
    const res = await client.send(new GetObjectCommand({ Bucket: 'shutdown', Key: 'big' }));
    const body = await bodyBytes(res.Body);
    assert.equal(body.length, size);
    assert.equal(sha256(body), expected);
  });

  test('after SIGTERM the server stops accepting new connections', async () => {
    const c = await startCairn({ drives: 1 });
    try {
      c.signal('SIGTERM');
      const exit = await c.exited();
      assert.deepEqual(exit, { code: 0, signal: null });
      await assert.rejects(fetch(`${c.endpoint}/minio/health/live`));
    } finally {
      await c.stop();
    }
  });
});
