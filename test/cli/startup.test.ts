// What an operator sees when starting `cairn server`: generated credentials, and clear refusals
// for configurations that cannot work.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  type CairnProcess,
  freePort,
  makeDriveDirs,
  runCairn,
  startCairn,
} from '../helpers/cairn-process.js';
import { removeDir } from '../helpers/files.js';
import { bodyBytes, s3Client, s3ErrorOf } from '../helpers/s3-client.js';

const NO_CREDENTIALS = {
  CAIRN_ROOT_USER: undefined,
  CAIRN_ROOT_PASSWORD: undefined,
  MINIO_ROOT_USER: undefined,
  MINIO_ROOT_PASSWORD: undefined,
};

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

async function drives(count: number): Promise<string[]> {
  const { root, driveDirs } = await makeDriveDirs(count);
  cleanup.push(() => removeDir(root));
  return driveDirs;
}

async function serverArgs(driveDirs: string[]): Promise<string[]> {
  return ['server', '--address', `127.0.0.1:${await freePort()}`, ...driveDirs];
}

describe('cairn server start-up', () => {
  test('without credentials in the environment it generates strong ones, prints them, stores them 0600 and reuses them on restart', async () => {
    const driveDirs = await drives(1);
    const cairn = await startCairn({ drives: driveDirs, env: NO_CREDENTIALS });
    cleanup.push(() => cairn.stop());
    const banner = cairn.output();
    const user = /RootUser: (\S+)/.exec(banner)?.[1];
    const pass = /RootPass: (\S+)/.exec(banner)?.[1];
    assert.ok(user && pass, `the banner prints the generated credentials:\n${banner}`);
    assert.notEqual(user, 'minioadmin');
    assert.ok(pass.length >= 32, `a generated secret of ${pass.length} characters is too short to be strong`);
    assert.ok(new Set(pass).size >= 16, 'the generated secret is random, not a repeated pattern');

    const file = join(driveDirs[0]!, '.cairn.sys', 'root-credentials.json');
    const info = await stat(file);
    assert.equal(info.mode & 0o777, 0o600, `mode of ${file}`);
    const stored = JSON.parse(await readFile(file, 'utf8')) as { accessKey: string; secretKey: string };
    assert.deepEqual(stored, { accessKey: user, secretKey: pass });

    const client = s3Client({ ...cairn, accessKey: user, secretKey: pass });
    const listed = await client.send(new ListBucketsCommand({}));
    assert.equal(listed.$metadata.httpStatusCode, 200);
    const wrong = s3Client({ ...cairn, accessKey: user, secretKey: `${pass}x` });
    const denied = await wrong.send(new ListBucketsCommand({})).then(
      () => undefined,
      (err: unknown) => s3ErrorOf(err),
    );
    assert.equal(denied?.code, 'SignatureDoesNotMatch');
    assert.equal(denied?.status, 403);

    await cairn.stop({ keepDrives: true });
    await cairn.restart();
    const again = cairn.output().slice(banner.length);
    assert.match(again, new RegExp(`RootUser: ${user}`), 'the restarted server prints the stored user');
    assert.equal((await client.send(new ListBucketsCommand({}))).$metadata.httpStatusCode, 200);
  });

  test('a root password shorter than 8 characters is refused with a clear message', async () => {
    const run = await runCairn(await serverArgs(await drives(1)), {
      env: { CAIRN_ROOT_USER: 'admin', CAIRN_ROOT_PASSWORD: 'short' },
    });
    assert.equal(run.timedOut, false, 'the server must not start');
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /CAIRN_ROOT_PASSWORD.*at least 8/);
  });

  test('the same drive given twice is refused with a message naming it', async () => {
    const [d] = await drives(1);
    const run = await runCairn(await serverArgs([d!, d!, `${d}/`, `${d}/../disk1`]));
    assert.equal(run.timedOut, false);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /twice|duplicate/i);
    assert.ok(run.stderr.includes(d!), run.stderr);
  });

  test('an impossible parity (EC:3 on 4 drives) is refused with a clear message', async () => {
    const run = await runCairn(await serverArgs(await drives(4)), {
      env: { CAIRN_STORAGE_CLASS_STANDARD: 'EC:3' },
    });
    assert.equal(run.timedOut, false);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /parity/i);
    assert.match(run.stderr, /EC:3/);
  });

  test('a port already in use is refused with a message saying so', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      const run = await runCairn(['server', '--address', `127.0.0.1:${port}`, ...(await drives(1))]);
      assert.equal(run.timedOut, false);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /in use|EADDRINUSE/i);
      assert.match(run.stderr, new RegExp(String(port)));
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  test('drives given in a different order than they were formatted are refused, and the original order still serves the data', async () => {
    const driveDirs = await drives(4);
    const cairn: CairnProcess = await startCairn({ drives: driveDirs });
    cleanup.push(() => cairn.stop());
    const client = s3Client(cairn);
    await client.send(new CreateBucketCommand({ Bucket: 'order' }));
    await client.send(new PutObjectCommand({ Bucket: 'order', Key: 'k', Body: Buffer.alloc(300_000, 7) }));
    await cairn.stop({ keepDrives: true });

    const swapped = [driveDirs[0]!, driveDirs[2]!, driveDirs[1]!, driveDirs[3]!];
    const run = await runCairn(await serverArgs(swapped));
    assert.equal(run.timedOut, false, `the server started on reordered drives:\n${run.stdout}${run.stderr}`);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /order|position|expected|belongs/i);
    assert.ok(
      run.stderr.includes(driveDirs[1]!) || run.stderr.includes(driveDirs[2]!),
      `the message names a misplaced drive:\n${run.stderr}`,
    );

    await cairn.restart();
    const res = await client.send(new GetObjectCommand({ Bucket: 'order', Key: 'k' }));
    assert.ok((await bodyBytes(res.Body)).equals(Buffer.alloc(300_000, 7)));
  });

  test('a drive from another deployment mixed in is refused with a message naming it', async () => {
    const mine = await drives(4);
    const theirs = await drives(4);
    for (const set of [mine, theirs]) {
      const c = await startCairn({ drives: set });
      await c.stop({ keepDrives: true });
    }
    const mixed = [mine[0]!, mine[1]!, theirs[2]!, mine[3]!];
    const run = await runCairn(await serverArgs(mixed));
    assert.equal(run.timedOut, false, `the server started on mixed drives:\n${run.stdout}${run.stderr}`);
    assert.notEqual(run.code, 0);
    assert.ok(run.stderr.includes(theirs[2]!), `the message names the foreign drive:\n${run.stderr}`);
  });
});

describe('health probes', () => {
  test('GET and HEAD /minio/health/live and /minio/health/ready answer 200 without credentials', async () => {
    const cairn = await startCairn({ drives: 1 });
    cleanup.push(() => cairn.stop());
    for (const path of ['/minio/health/live', '/minio/health/ready']) {
      for (const method of ['GET', 'HEAD']) {
        const res = await fetch(`${cairn.endpoint}${path}`, { method });
        await res.arrayBuffer();
        assert.equal(res.status, 200, `${method} ${path}`);
      }
    }
  });
});
