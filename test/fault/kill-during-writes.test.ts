// kill -9 in the middle of a write storm: 16 clients PUT objects of random sizes (some as
// multipart uploads); the server is killed while writes are in flight and restarted. Every PUT
// that was acknowledged must read back byte-exact, and no listed object may be partial.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { walkFiles } from '../helpers/files.js';
import { bodyBytes, s3Client } from '../helpers/s3-client.js';

const BUCKET = 'storm';
const CLIENTS = 16;
const KEYS_PER_CLIENT = 4;
const STORM_MS = 3_000;
const MiB = 1024 * 1024;

interface Attempt {
  sha: string;
  size: number;
  acked: boolean;
}

/** Every PUT attempted per key, in order; each client owns its keys and writes them one at a time. */
type History = Map<string, Attempt[]>;

function randomSize(): number {
  const roll = Math.random();
  if (roll < 0.1) return 0;
  if (roll < 0.5) return randomInt(1, 128 * 1024 + 1);
  return randomInt(128 * 1024, 3 * MiB + 1);
}

async function putOnce(client: S3Client, key: string, body: Buffer, multipart: boolean): Promise<void> {
  if (!multipart) {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    return;
  }
  // Parts of at least 5 MiB except the last: objects up to 3 MiB are one-part uploads.
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
  const up = await client.send(
    new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: body }),
  );
  await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: BUCKET,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: [{ ETag: up.ETag!, PartNumber: 1 }] },
    }),
  );
}

interface StormState {
  /** Set just before the kill: errors after it are expected, errors before it are server faults. */
  killing: boolean;
  stop: boolean;
  earlyErrors: string[];
}

async function stormClient(
  client: S3Client,
  id: number,
  history: History,
  state: StormState,
): Promise<number> {
  let puts = 0;
  // Bounded: at most 10,000 PUTs per client, and the storm ends when the server dies.
  for (let n = 0; n < 10_000 && !state.stop; n++) {
    const key = `client-${id}/key-${n % KEYS_PER_CLIENT}`;
    const body = randomBytes(randomSize());
    const attempt: Attempt = {
      sha: createHash('sha256').update(body).digest('hex'),
      size: body.length,
      acked: false,
    };
    const list = history.get(key) ?? [];
    list.push(attempt);
    history.set(key, list);
    try {
      await putOnce(client, key, body, Math.random() < 0.2);
      attempt.acked = true;
      puts++;
    } catch (err) {
      // Killed under this request: it may or may not have committed. Before the kill: a fault.
      if (!state.killing) state.earlyErrors.push(`${key} (${body.length} B): ${String(err)}`);
      return puts;
    }
  }
  return puts;
}

describe('kill -9 during a write storm', () => {
  let cairn: CairnProcess | undefined;
  after(async () => {
    await cairn?.stop();
  });

  test('after kill -9 and restart, every acknowledged PUT reads back byte-exact and no listed object is partial', async () => {
    cairn = await startCairn({ drives: 4, env: { CAIRN_STORAGE_CLASS_STANDARD: 'EC:2' } });
    const client = s3Client(cairn);
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));

    const history: History = new Map();
    const state: StormState = { killing: false, stop: false, earlyErrors: [] };
    const clients = Array.from({ length: CLIENTS }, (_, i) => stormClient(client, i, history, state));
    await new Promise((r) => setTimeout(r, STORM_MS));
    const inFlight = [...history.values()].filter((list) => list.length > 0 && !list.at(-1)!.acked).length;
    state.killing = true;
    await cairn.kill9();
    state.stop = true;
    const counts = await Promise.all(clients);
    const acked = counts.reduce((a, b) => a + b, 0);
    assert.ok(acked >= CLIENTS, `the storm acknowledged only ${acked} PUTs before the kill`);
    assert.ok(inFlight > 0, 'the kill hit while PUTs were in flight');
    assert.deepEqual(state.earlyErrors, [], 'PUTs failed before the kill');
    client.destroy();

    const restartedAt = Date.now();
    await cairn.restart();
    const reader = s3Client(cairn);

    // Every key with an acknowledged PUT holds its last acknowledged version, or the one attempt
    // after it that was in flight at the kill (which may have committed).
    let checked = 0;
    for (const [key, attempts] of history) {
      let lastAcked = -1;
      attempts.forEach((a, i) => {
        if (a.acked) lastAcked = i;
      });
      const allowed = new Set(attempts.slice(Math.max(lastAcked, 0)).map((a) => a.sha));
      let body: Buffer | undefined;
      try {
        const res = await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        body = await bodyBytes(res.Body);
      } catch (err) {
        if (lastAcked >= 0) {
          assert.fail(`acknowledged object ${key} cannot be read after restart: ${String(err)}`);
        }
        continue; // never acknowledged: absent is right
      }
      const sha = createHash('sha256').update(body).digest('hex');
      assert.ok(
        allowed.has(sha),
        `${key}: ${body.length} B read back match neither the last acknowledged version nor the one in flight ` +
          `(attempts: ${attempts.map((a) => `${a.size}${a.acked ? '✓' : '…'}`).join(' ')})`,
      );
      checked++;
    }
    assert.ok(checked >= CLIENTS, `checked ${checked} keys`);

    // No listed object is partial: each lists with the size it GETs with, and holds a version
    // some client sent for that key.
    const listed = await reader.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1000 }));
    for (const entry of listed.Contents ?? []) {
      const res = await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: entry.Key! }));
      const body = await bodyBytes(res.Body);
      assert.equal(body.length, entry.Size, `${entry.Key}: listed size vs GET length`);
      const sha = createHash('sha256').update(body).digest('hex');
      const known = (history.get(entry.Key!) ?? []).map((a) => a.sha);
      assert.ok(known.includes(sha), `${entry.Key} lists an object whose bytes no client sent`);
    }

    // The restart sweep removes the temp files the killed writes left; only files written after
    // the restart may remain (there are none: nothing writes now).
    const deadline = Date.now() + 15_000;
    let stale: string[] = [];
    do {
      stale = [];
      for (const drive of cairn.driveDirs) {
        for (const f of await walkFiles(join(drive, '.cairn.sys', 'tmp'))) {
          const info = await stat(f.path).catch(() => undefined);
          if (info && info.mtimeMs < restartedAt) stale.push(f.path);
        }
      }
      if (stale.length === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < deadline);
    assert.deepEqual(stale, [], 'temp files from before the kill outlive the restart sweep');
  });
});
