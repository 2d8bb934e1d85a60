// Uploads that never finish: a body shorter than its Content-Length, a connection dropped
// mid-upload. No object appears, the old version survives, no temp file or lock outlives the
// request, and the next PUT to the same key succeeds promptly.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { walkFiles } from '../helpers/files.js';
import { isLive, rawRequest, signedRequestHead } from '../helpers/raw-http.js';
import { s3Client } from '../helpers/s3-client.js';

const MiB = 1024 * 1024;

/**
 * Sends a signed PUT head announcing `declared` bytes, then `sent` bytes of body, then either
 * half-closes (the body is simply short) or destroys the socket (the client vanished).
 * Resolves with whatever the server answered before the socket closed.
 */
async function cutUpload(port: number, head: string, sent: number, how: 'end' | 'destroy'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', () => undefined);
    socket.write(head);
    const body = randomBytes(sent);
    socket.write(body, () => {
      // Give the server a moment to start writing shards, then cut.
      setTimeout(() => {
        if (how === 'end') socket.end();
        else socket.destroy();
      }, 200);
    });
  });
}

describe('aborted and truncated uploads', () => {
  let cairn: CairnProcess;
  before(async () => {
    cairn = await startCairn({ drives: 4 });
    await s3Client(cairn).send(new CreateBucketCommand({ Bucket: 'cut' }));
  });
  after(async () => {
    await cairn?.stop();
  });
  afterEach(async () => {
    assert.ok(await isLive(cairn.endpoint), 'the server still answers its health probe');
  });

  async function tempFiles(): Promise<string[]> {
    const out: string[] = [];
    for (const d of cairn.driveDirs)
      out.push(...(await walkFiles(join(d, '.cairn.sys', 'tmp'))).map((f) => f.path));
    return out;
  }
  async function shardCount(): Promise<number> {
    let n = 0;
    for (const d of cairn.driveDirs) n += (await walkFiles(join(d, 'data'))).length;
    return n;
  }
  /** Polls (bounded: 5 s) until no temp file remains; returns what is left. */
  async function tempFilesAfterWait(): Promise<string[]> {
    const deadline = Date.now() + 5_000;
    let left = await tempFiles();
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = await tempFiles();
    }
    return left;
  }
  /** The next PUT to the key succeeds within 5 s: no lock was left behind. */
  async function putPromptly(key: string, body: Buffer): Promise<void> {
    const started = Date.now();
    const res = await rawRequest(cairn, { method: 'PUT', path: `/cut/${key}`, body, timeoutMs: 5_000 });
    assert.equal(res.status, 200, res.body);
    assert.ok(Date.now() - started < 5_000, `the PUT after the aborted one took ${Date.now() - started} ms`);
    const get = await rawRequest(cairn, { method: 'GET', path: `/cut/${key}` });
    assert.equal(get.body, body.toString('utf8'));
  }

  for (const [how, label] of [
    ['end', 'a body shorter than its Content-Length (then the client half-closes)'],
    ['destroy', 'a connection dropped mid-upload'],
  ] as const) {
    for (const [declared, sent] of [
      [64 * 1024, 10_000],
      [8 * MiB, 3 * MiB],
    ] as const) {
      test(`${label}, ${sent} of ${declared} B: no object, no temp file, no lock, no stray shards`, async () => {
        const key = `${how}-${declared}`;
        const shardsBefore = await shardCount();
        const head = signedRequestHead(cairn, 'PUT', `/cut/${key}`, { 'content-length': String(declared) });
        const answer = await cutUpload(cairn.port, head, sent, how);
        if (answer) {
          // Answering is optional (the client is gone), but an answer is never success.
          assert.doesNotMatch(answer, /^HTTP\/1\.1 200 /, answer.slice(0, 200));
        }
        const headRes = await rawRequest(cairn, { method: 'HEAD', path: `/cut/${key}` });
        assert.equal(headRes.status, 404, 'no object appears from an incomplete upload');
        assert.deepEqual(await tempFilesAfterWait(), [], 'temp files outlive the aborted request');
        assert.equal(
          await shardCount(),
          shardsBefore,
          'shard files of the aborted upload remain under data/',
        );
        await putPromptly(key, Buffer.from(`complete ${key}`));
      });
    }
  }

  test('a dropped overwrite leaves the previous version intact', async () => {
    const old = randomBytes(2 * MiB);
    const put = await rawRequest(cairn, { method: 'PUT', path: '/cut/overwrite', body: old });
    assert.equal(put.status, 200, put.body);
    const head = signedRequestHead(cairn, 'PUT', '/cut/overwrite', { 'content-length': String(6 * MiB) });
    await cutUpload(cairn.port, head, 2 * MiB, 'destroy');
    const get = await s3Client(cairn).send(new GetObjectCommand({ Bucket: 'cut', Key: 'overwrite' }));
    const body = Buffer.from(await get.Body!.transformToByteArray());
    assert.ok(body.equals(old), 'the object still holds the old bytes');
    assert.deepEqual(await tempFilesAfterWait(), []);
  });

  test('a dropped UploadPart leaves no part behind and the upload can be aborted cleanly', async () => {
    const client = s3Client(cairn);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'cut', Key: 'mpu' }));
    const headText = signedRequestHead(
      cairn,
      'PUT',
      '/cut/mpu',
      { 'content-length': String(6 * MiB) },
      { partNumber: '1', uploadId: UploadId! },
    );
    await cutUpload(cairn.port, headText, 2 * MiB, 'destroy');
    const parts = await client.send(new ListPartsCommand({ Bucket: 'cut', Key: 'mpu', UploadId }));
    assert.deepEqual(parts.Parts ?? [], [], 'the incomplete part is not listed');
    assert.deepEqual(await tempFilesAfterWait(), []);
    await client.send(new AbortMultipartUploadCommand({ Bucket: 'cut', Key: 'mpu', UploadId }));
  });
});
