// Full drives, on real small filesystems (40 MiB tmpfs mounts): writes are refused with MinIO's
// 507 XMinioStorageFull — never 503 SlowDown, which tells clients to retry — before a drive falls
// below its free-space reserve or when it answers ENOSPC; stored objects stay readable, nothing is
// left half-written, and writes succeed again once space is freed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { seededBytes } from '../helpers/files.js';
import { adminAs } from '../helpers/iam-fixtures.js';
import { parseS3Error, rawRequest } from '../helpers/raw-http.js';
import { bodyBytes, s3Client } from '../helpers/s3-client.js';
import { sdkError } from '../s3/fixture.js';

const MiB = 1024 ** 2;
const Bucket = 'full';

/** Mounts a 40 MiB tmpfs on each of `count` fresh directories; undefined when mounting is not permitted. */
async function smallDrives(root: string, count: number): Promise<string[] | undefined> {
  const dirs: string[] = [];
  for (let i = 1; i <= count; i++) {
    const dir = join(root, `disk${i}`);
    await mkdir(dir);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', dir], { stdio: 'pipe' });
    } catch (err) {
      for (const d of dirs) execFileSync('umount', [d]);
      if (process.env.CI) throw err;
      return undefined;
    }
    dirs.push(dir);
  }
  return dirs;
}

/** Files left in the drives' temp areas (a half-written upload would leave some). */
async function tempFiles(drives: string[]): Promise<number> {
  let n = 0;
  for (const d of drives) n += (await readdir(join(d, '.cairn.sys', 'tmp')).catch(() => [])).length;
  return n;
}

describe('full drives (4 × 40 MiB tmpfs, EC:2)', () => {
  let root = '';
  let drives: string[] | undefined;
  let cairn: CairnProcess | undefined;
  let s3: S3Client;
  const stored = new Map<string, Buffer>();

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'cairn-full-'));
    drives = await smallDrives(root, 4);
    if (drives === undefined) return;
    // The default reserve: max(64 MiB, 1%) capped at 10% of a drive, so 4 MiB here.
    cairn = await startCairn({ drives, env: { CAIRN_STORAGE_CLASS_STANDARD: 'EC:2' } });
    s3 = s3Client(cairn);
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(async () => {
    s3?.destroy();
    await cairn?.stop({ keepDrives: true });
    for (const d of drives ?? []) execFileSync('umount', [d]);
    await rm(root, { recursive: true, force: true });
  });

  test('writes of known size stop with 507 XMinioStorageFull before the reserve, and what was stored stays readable', async (t) => {
    if (!cairn) return t.skip('mounting tmpfs is not permitted here (run as root, or in CI)');
    let refused: { code: string; status: number | undefined } | undefined;
    for (let i = 0; i < 20 && refused === undefined; i++) {
      const key = `obj-${i}`;
      const body = seededBytes(6 * MiB, i);
      try {
        await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: body }));
        stored.set(key, body);
      } catch (err) {
        refused = await sdkError(Promise.reject(err));
        assert.equal((await sdkError(s3.send(new HeadObjectCommand({ Bucket, Key: key })))).status, 404);
      }
    }
    assert.deepEqual(refused, { code: 'XMinioStorageFull', status: 507 });
    // 6 MiB objects put 3 MiB on each 40 MiB drive: about ten fit above the 4 MiB reserve.
    assert.ok(stored.size >= 8, `only ${stored.size} objects were stored before the drives were full`);
    for (const [Key, body] of stored) {
      const got = await bodyBytes((await s3.send(new GetObjectCommand({ Bucket, Key }))).Body);
      assert.ok(got.equals(body), `${Key} reads back byte-identical`);
    }
    assert.equal(await tempFiles(drives!), 0, 'nothing half-written is left in the temp areas');
    for (const d of drives!) {
      const { bavail, bsize } = await statfs(d);
      assert.ok(bavail * bsize >= 3 * MiB, `${d} kept its reserve: ${bavail * bsize} bytes free`);
    }
  });

  test('a body of unknown length that meets ENOSPC is 507 XMinioStorageFull, and storing nothing', async (t) => {
    if (!cairn) return t.skip('mounting tmpfs is not permitted here (run as root, or in CI)');
    // No reserve at all: the stream runs into the full filesystems themselves.
    const set = await adminAs(cairn)('PUT', 'set-config-kv', {}, { drive_reserve: '0' });
    assert.equal(set.status, 200, set.body);
    const pieces = Array.from({ length: 24 }, (_, i) => seededBytes(MiB, 100 + i));
    const res = await rawRequest(cairn, {
      method: 'PUT',
      path: `/${Bucket}/streamed`,
      chunks: pieces,
      payloadHash: 'UNSIGNED-PAYLOAD',
      timeoutMs: 60_000,
    });
    assert.equal(res.status, 507, res.body);
    assert.equal(parseS3Error(res.body)?.code, 'XMinioStorageFull');
    assert.equal((await sdkError(s3.send(new HeadObjectCommand({ Bucket, Key: 'streamed' })))).status, 404);
    assert.equal(await tempFiles(drives!), 0);
    const [first] = stored;
    const got = await bodyBytes((await s3.send(new GetObjectCommand({ Bucket, Key: first![0] }))).Body);
    assert.ok(got.equals(first![1]));
    await adminAs(cairn)('PUT', 'set-config-kv', {}, { drive_reserve: '' });
  });

  test('writes succeed again once space is freed', async (t) => {
    if (!cairn) return t.skip('mounting tmpfs is not permitted here (run as root, or in CI)');
    for (const key of [...stored.keys()].slice(0, 3)) {
      await s3.send(new DeleteObjectCommand({ Bucket, Key: key }));
      stored.delete(key);
    }
    const body = seededBytes(6 * MiB, 999);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'after-delete', Body: body }));
    const got = await bodyBytes((await s3.send(new GetObjectCommand({ Bucket, Key: 'after-delete' }))).Body);
    assert.ok(got.equals(body));
  });
});
