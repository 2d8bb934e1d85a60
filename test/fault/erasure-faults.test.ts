// Erasure coding under failure on a 4-drive server with parity 2 (2 data + 2 parity shards):
// shard files deleted, torn or rotted, whole drives emptied or gone. Up to 2 failed drives the
// bytes come back exact; a 3rd failed drive makes GET fail with a 5xx error, never wrong bytes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type CairnProcess, logTail, startCairn } from '../helpers/cairn-process.js';
import {
  deleteFiles,
  emptyDrive,
  flipBytes,
  killDrive,
  shardFiles,
  truncateFiles,
} from '../helpers/drive-damage.js';
import { sha256 } from '../helpers/files.js';
import { s3Client, s3ErrorOf } from '../helpers/s3-client.js';

const BUCKET = 'faults';
const KiB = 1024;
const MiB = 1024 * KiB;
const EC2 = { CAIRN_STORAGE_CLASS_STANDARD: 'EC:2' };

/** Sizes around the inline limit (128 KiB) and across several 1 MiB erasure blocks. */
const SIZES: Record<string, number> = {
  'inline/empty': 0,
  'inline/one-byte': 1,
  'inline/4k': 4 * KiB,
  'inline/at-limit': 128 * KiB,
  'large/just-over-inline': 128 * KiB + 1,
  'large/1m': MiB,
  'large/3m-odd': 3 * MiB + 5,
  'large/9m-odd': 9 * MiB + 7,
};
const MULTIPART_KEY = 'large/multipart';
const MULTIPART_PARTS = [5 * MiB, 2 * MiB + 3];

type Objects = Map<string, Buffer>;

async function uploadAll(client: S3Client): Promise<Objects> {
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const objects: Objects = new Map();
  for (const [key, size] of Object.entries(SIZES)) {
    const body = randomBytes(size);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    objects.set(key, body);
  }
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: MULTIPART_KEY }),
  );
  const parts = MULTIPART_PARTS.map((n) => randomBytes(n));
  const etags: { ETag: string; PartNumber: number }[] = [];
  for (const [i, body] of parts.entries()) {
    const up = await client.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: MULTIPART_KEY, UploadId, PartNumber: i + 1, Body: body }),
    );
    etags.push({ ETag: up.ETag!, PartNumber: i + 1 });
  }
  await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: BUCKET,
      Key: MULTIPART_KEY,
      UploadId,
      MultipartUpload: { Parts: etags },
    }),
  );
  objects.set(MULTIPART_KEY, Buffer.concat(parts));
  return objects;
}

type ReadOutcome =
  | { kind: 'ok'; bytes: Buffer }
  | { kind: 'error'; status: number | undefined; code: string }
  | { kind: 'broken-body'; status: number; received: number; error: string };

/** GET that separates an error answer from a body that breaks off after a 200. */
async function readObject(client: S3Client, key: string, range?: string): Promise<ReadOutcome> {
  let res: GetObjectCommandOutput;
  try {
    res = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: key, ...(range ? { Range: range } : {}) }),
    );
  } catch (err) {
    const e = s3ErrorOf(err);
    return { kind: 'error', status: e.status, code: e.code };
  }
  const status = res.$metadata.httpStatusCode ?? 0;
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of res.Body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  } catch (err) {
    const received = chunks.reduce((n, c) => n + c.length, 0);
    return { kind: 'broken-body', status, received, error: String(err) };
  }
  const bytes = Buffer.concat(chunks);
  if (res.ContentLength !== undefined && bytes.length !== res.ContentLength) {
    return {
      kind: 'broken-body',
      status,
      received: bytes.length,
      error: `Content-Length ${res.ContentLength}`,
    };
  }
  return { kind: 'ok', bytes };
}

async function assertAllExact(client: S3Client, objects: Objects, what: string): Promise<void> {
  for (const [key, expected] of objects) {
    const got = await readObject(client, key);
    assert.equal(got.kind, 'ok', `${what}: GET ${key} (${expected.length} B) failed: ${JSON.stringify(got)}`);
    if (got.kind !== 'ok') continue;
    assert.equal(got.bytes.length, expected.length, `${what}: ${key} length`);
    assert.equal(sha256(got.bytes), sha256(expected), `${what}: ${key} bytes differ`);
  }
  // A range inside the third erasure block of the large object.
  const big = objects.get('large/9m-odd')!;
  const ranged = await readObject(client, 'large/9m-odd', 'bytes=2500000-2600000');
  assert.equal(ranged.kind, 'ok', `${what}: ranged GET: ${JSON.stringify(ranged)}`);
  if (ranged.kind === 'ok')
    assert.ok(ranged.bytes.equals(big.subarray(2_500_000, 2_600_001)), `${what}: range bytes`);
}

/** A GET that must fail cleanly: a 5xx S3 error, or at worst a body that breaks off, never wrong bytes. */
function assertNeverWrongBytes(outcome: ReadOutcome, expected: Buffer, key: string): void {
  if (outcome.kind === 'ok') {
    assert.ok(
      outcome.bytes.equals(expected),
      `GET ${key} returned ${outcome.bytes.length} wrong bytes with 200`,
    );
  }
}

const started: CairnProcess[] = [];
async function freshServer(): Promise<{ cairn: CairnProcess; client: S3Client; objects: Objects }> {
  const cairn = await startCairn({ drives: 4, env: EC2 });
  started.push(cairn);
  const client = s3Client(cairn);
  const objects = await uploadAll(client);
  await cairn.stop({ keepDrives: true });
  return { cairn, client, objects };
}

after(async () => {
  for (const c of started) await c.stop();
});

describe('erasure faults on 4 drives with parity 2', () => {
  test('shard files deleted on one drive and truncated or bit-flipped on another: every object reads back byte-exact', async () => {
    const { cairn, client, objects } = await freshServer();
    const [, d1, d2] = cairn.driveDirs;
    const onD1 = await shardFiles(d1!);
    const onD2 = await shardFiles(d2!);
    // Objects over 128 KiB live in shard files: each drive holds one per such object (or part).
    assert.ok(onD1.length >= 5, `expected shard files under ${d1}/data, found ${onD1.length}`);
    assert.ok(onD2.length >= 5, `expected shard files under ${d2}/data, found ${onD2.length}`);
    await deleteFiles(onD1);
    await truncateFiles(onD2.filter((_, i) => i % 2 === 0));
    await flipBytes(onD2.filter((_, i) => i % 2 === 1));
    await cairn.restart();
    await assertAllExact(client, objects, 'after shard damage on 2 drives');
    // Reading twice (after any repair the first read may have queued) still gives the same bytes.
    await assertAllExact(client, objects, 'second read');
  });

  test('every shard file bit-flipped on two drives: every object reads back byte-exact (bitrot detected)', async () => {
    const { cairn, client, objects } = await freshServer();
    const [d0, , , d3] = cairn.driveDirs;
    await flipBytes(await shardFiles(d0!));
    await flipBytes(await shardFiles(d3!));
    await cairn.restart();
    await assertAllExact(client, objects, 'after bitrot on 2 drives');
  });

  test('two whole drives emptied (replaced disks): inline and multi-MiB objects read back byte-exact', async () => {
    const { cairn, client, objects } = await freshServer();
    await emptyDrive(cairn.driveDirs[0]!);
    await emptyDrive(cairn.driveDirs[2]!);
    await cairn.restart();
    await assertAllExact(client, objects, 'after emptying drives 1 and 3');
  });

  test('two drives gone at start: the server starts, reads are byte-exact, and PUT fails with a 5xx error (write quorum is 3)', async () => {
    const { cairn, client, objects } = await freshServer();
    await killDrive(cairn.driveDirs[1]!);
    await killDrive(cairn.driveDirs[3]!);
    await cairn.restart();
    await assertAllExact(client, objects, 'with drives 2 and 4 gone');
    for (const size of [10, 2 * MiB]) {
      const key = `new/after-two-gone-${size}`;
      let status: number | undefined;
      let code = '';
      try {
        const res = await client.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: randomBytes(size) }),
        );
        status = res.$metadata.httpStatusCode;
      } catch (err) {
        ({ status, code } = s3ErrorOf(err));
      }
      assert.ok(
        status !== undefined && status >= 500,
        `PUT ${size} B with 2 of 4 drives: status ${status} ${code}`,
      );
      assert.notEqual(code, 'Unknown', 'the 5xx answer is an S3 XML error with a code');
      // The failed PUT left no object behind.
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
        () => 200,
        (err: unknown) => s3ErrorOf(err).status,
      );
      assert.notEqual(head, 200, `HEAD ${key} after the failed PUT`);
    }
  });

  test('one drive gone at start: PUT still succeeds (write quorum 3 of 4) and reads back byte-exact', async () => {
    const { cairn, client, objects } = await freshServer();
    await killDrive(cairn.driveDirs[2]!);
    await cairn.restart();
    for (const size of [0, 100 * KiB, 4 * MiB + 1]) {
      const key = `new/after-one-gone-${size}`;
      const body = randomBytes(size);
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
      objects.set(key, body);
    }
    await assertAllExact(client, objects, 'with drive 3 gone');
  });

  test('drives failing while the server runs: reads stay byte-exact; with 1 gone PUT works, with 2 gone PUT fails with a 5xx error', async () => {
    const { cairn, client, objects } = await freshServer();
    await cairn.restart();
    await killDrive(cairn.driveDirs[1]!);
    for (const size of [10, 300 * KiB]) {
      const key = `new/one-gone-while-running-${size}`;
      const body = randomBytes(size);
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
      objects.set(key, body);
    }
    await killDrive(cairn.driveDirs[3]!);
    await assertAllExact(client, objects, 'with drives 2 and 4 gone while running');
    for (const size of [10, 300 * KiB]) {
      const key = `new/two-gone-while-running-${size}`;
      const outcome = await client
        .send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: randomBytes(size) }))
        .then(
          (res) => ({ status: res.$metadata.httpStatusCode, code: 'none' }),
          (err: unknown) => s3ErrorOf(err),
        );
      assert.ok(
        outcome.status !== undefined && outcome.status >= 500,
        `PUT of ${size} B with 2 of 4 drives gone must fail (write quorum 3), got ${outcome.status} ${outcome.code}`,
      );
    }
  });

  for (const comeback of ['the same drive', 'an empty replacement'] as const) {
    test(`a drive unplugged while running comes back as ${comeback}: it is put back and healed, without a restart`, async () => {
      const { cairn, client, objects } = await freshServer();
      await cairn.restart();
      const drive = cairn.driveDirs[1]!;
      await rename(drive, `${drive}.unplugged`);
      // Written while drive 2 is away (write quorum 3 of 4 holds): inline, single-file and multi-block.
      for (const size of [10, 300 * KiB, 3 * MiB + 5]) {
        const key = `new/while-unplugged-${size}`;
        const body = randomBytes(size);
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
        objects.set(key, body);
      }
      assert.match(cairn.output(), /drive #2 .* went offline/);
      if (comeback === 'the same drive') await rename(`${drive}.unplugged`, drive);
      else await mkdir(drive);
      const done = cairn.output().split('heal sweep done').length;
      const deadline = Date.now() + 30_000;
      while (cairn.output().split('heal sweep done').length === done) {
        assert.ok(Date.now() < deadline, `drive 2 was not put back and healed in 30 s:\n${logTail(cairn)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.match(cairn.output(), /drive #2 .* is back/);
      // Only drives 1 and 2 left: every object, old and new, must now come from them (2 of 4 shards).
      await killDrive(cairn.driveDirs[2]!);
      await killDrive(cairn.driveDirs[3]!);
      await assertAllExact(client, objects, `with drive 2 back (${comeback}) and drives 3 and 4 gone`);
    });
  }

  test('a drive that was away while a bucket was made, another deleted and objects deleted gets all of it right when it comes back', async () => {
    const { cairn, client } = await freshServer();
    await cairn.restart();
    await client.send(new CreateBucketCommand({ Bucket: 'deleted-while-away' }));
    for (const [key, size] of [
      ['gone/inline', 100],
      ['gone/file', 300 * KiB],
    ] as const)
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: randomBytes(size) }));
    const drive = cairn.driveDirs[1]!;
    await rename(drive, `${drive}.unplugged`);
    await client.send(new CreateBucketCommand({ Bucket: 'made-while-away' }));
    const body = randomBytes(5000);
    await client.send(new PutObjectCommand({ Bucket: 'made-while-away', Key: 'k', Body: body }));
    await client.send(new DeleteBucketCommand({ Bucket: 'deleted-while-away' }));
    for (const key of ['gone/inline', 'gone/file'])
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    await rename(`${drive}.unplugged`, drive);
    const done = cairn.output().split('heal sweep done').length;
    const deadline = Date.now() + 30_000;
    while (cairn.output().split('heal sweep done').length === done) {
      assert.ok(Date.now() < deadline, `drive 2 was not put back and healed in 30 s:\n${logTail(cairn)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // The objects deleted while it was away are gone from drive 2 too: it holds the shard files
    // drive 1 holds, no more (drive 1 never missed a write).
    const names = async (d: string) => (await shardFiles(d)).map((f) => f.path.slice(d.length));
    assert.deepEqual(await names(drive), await names(cairn.driveDirs[0]!), logTail(cairn));
    // Only drives 1 and 2 left, and a restart forgets every cached bucket: drive 2 must now hold
    // the new bucket's record and no longer the deleted one's.
    await cairn.stop({ keepDrives: true });
    await killDrive(cairn.driveDirs[2]!);
    await killDrive(cairn.driveDirs[3]!);
    await cairn.restart();
    const got = await client.send(new GetObjectCommand({ Bucket: 'made-while-away', Key: 'k' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
    const gone = await client.send(new HeadBucketCommand({ Bucket: 'deleted-while-away' })).then(
      () => 'exists',
      (err: unknown) => `${s3ErrorOf(err).status}`,
    );
    assert.equal(gone, '404', `HEAD of the bucket deleted while drive 2 was away:\n${logTail(cairn)}`);
    const buckets = (await client.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
    assert.deepEqual(buckets, [BUCKET, 'made-while-away']);
  });

  test('shard files deleted on three drives: GET of a multi-MiB object answers a 5xx S3 error', async () => {
    const { cairn, client, objects } = await freshServer();
    for (const d of cairn.driveDirs.slice(0, 3)) await deleteFiles(await shardFiles(d));
    await cairn.restart();
    for (const [key, expected] of objects) {
      const got = await readObject(client, key);
      if (key.startsWith('inline/')) {
        // Inline data lives in the metadata records, which are intact: readable, and exact.
        assertNeverWrongBytes(got, expected, key);
        continue;
      }
      assert.equal(
        got.kind,
        'error',
        `GET ${key} with 3 of 4 shards gone: ${JSON.stringify(got).slice(0, 300)}`,
      );
      if (got.kind === 'error') {
        assert.ok(
          got.status !== undefined && got.status >= 500,
          `GET ${key}: status ${got.status} ${got.code}`,
        );
        assert.notEqual(got.code, 'Unknown', 'the 5xx answer is an S3 XML error with a code');
      }
    }
  });

  test('shard files bit-flipped on three drives: GET never returns wrong bytes', async () => {
    const { cairn, client, objects } = await freshServer();
    for (const d of cairn.driveDirs.slice(0, 3)) await flipBytes(await shardFiles(d));
    await cairn.restart();
    for (const [key, expected] of objects) {
      const got = await readObject(client, key);
      assertNeverWrongBytes(got, expected, key);
      if (!key.startsWith('inline/') && got.kind === 'error') {
        assert.ok(
          got.status !== undefined && got.status >= 500,
          `GET ${key}: status ${got.status} ${got.code}`,
        );
      }
      if (!key.startsWith('inline/'))
        assert.notEqual(got.kind, 'ok', `GET ${key} cannot succeed with 3 rotten shards`);
    }
  });

  test('three drives emptied: the server refuses to start, or GET answers a 5xx error and never wrong bytes', async () => {
    const { cairn, client, objects } = await freshServer();
    for (const d of cairn.driveDirs.slice(1, 4)) await emptyDrive(d);
    let startError: unknown;
    await cairn.restart().catch((err: unknown) => {
      startError = err;
    });
    if (startError !== undefined) {
      // Refusing to start is a fine answer, if it says why.
      assert.match(String(startError), /exited|quorum|drive|format/i);
      return;
    }
    for (const [key, expected] of objects) {
      const got = await readObject(client, key);
      assertNeverWrongBytes(got, expected, key);
      assert.equal(
        got.kind,
        'error',
        `GET ${key} with 3 of 4 drives empty: ${JSON.stringify(got).slice(0, 300)}`,
      );
      if (got.kind === 'error') {
        assert.ok(
          got.status !== undefined && got.status >= 500,
          `GET ${key}: status ${got.status} ${got.code}`,
        );
      }
    }
  });
});
