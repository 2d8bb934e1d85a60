/** What "it serves S3" means for a shipped build: the checks both ship tests run on a live server. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { CairnProcess } from '../helpers/cairn-process.js';
import { bodyBytes, sdkClientFor } from '../helpers/s3-client.js';

/**
 * Health probes answer 200; objects stored inline (100 B), in shard files (300 KiB) and over
 * several erasure blocks hashed on the worker pool (3 MiB + 7 bytes) come back byte for byte and
 * are listed.
 */
export async function assertServesS3(cairn: CairnProcess): Promise<void> {
  for (const probe of ['live', 'ready']) {
    const res = await fetch(`${cairn.endpoint}/minio/health/${probe}`);
    await res.arrayBuffer();
    assert.equal(res.status, 200, `/minio/health/${probe}`);
  }
  const s3 = sdkClientFor(cairn);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'shipped' }));
    const objects = new Map([
      ['small.txt', randomBytes(100)],
      ['medium.bin', randomBytes(300 * 1024)],
      ['dir/large.bin', randomBytes(3 * 1024 * 1024 + 7)],
    ]);
    for (const [Key, Body] of objects) await s3.send(new PutObjectCommand({ Bucket: 'shipped', Key, Body }));
    for (const [Key, body] of objects) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'shipped', Key }));
      assert.ok((await bodyBytes(got.Body)).equals(body), `${Key} reads back byte for byte`);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'shipped' }));
    assert.deepEqual(
      listed.Contents?.map((o) => [o.Key, o.Size]),
      [...objects].map(([k, b]) => [k, b.length]).sort(),
    );
  } finally {
    s3.destroy();
  }
}

/** Runs a built cairn to completion (bounded) and returns its exit code and output. */
export function runBuilt(
  command: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = command;
    const proc = spawn(program!, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    proc.once('error', reject);
    proc.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
