// Settings as an operator meets them: `cairn server --help`, a bad value at start, and a server
// configured from MinIO's environment names and a config file.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { SERVER_SETTINGS } from '../../src/cli/server-settings.js';
import { makeDriveDirs, runCairn, startCairn } from '../helpers/cairn-process.js';
import { removeDir } from '../helpers/files.js';
import { s3Client, s3ErrorOf } from '../helpers/s3-client.js';

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

describe('cairn server settings', () => {
  test('cairn server --help lists every setting with its flag and environment names', async () => {
    const run = await runCairn(['server', '--help']);
    assert.equal(run.code, 0);
    for (const s of SERVER_SETTINGS) {
      assert.ok(run.stdout.includes(s.name), `help names ${s.name}`);
      if (s.flag) assert.ok(run.stdout.includes(s.flag), `help shows ${s.flag}`);
      for (const e of s.env) assert.ok(run.stdout.includes(e), `help shows ${e}`);
    }
  });

  test('a bad value stops the start with one line naming the setting, and exit status 2', async () => {
    const { root, driveDirs } = await makeDriveDirs(1);
    cleanup.push(() => removeDir(root));
    const run = await runCairn(['server', '--address', '127.0.0.1:0', ...driveDirs], {
      env: { CAIRN_CAPACITY: '12 parsecs' },
    });
    assert.equal(run.timedOut, false, 'the server must not start');
    assert.equal(run.code, 2);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /invalid capacity \(CAIRN_CAPACITY\) "12 parsecs"/);
    const flag = await runCairn(['server', '--address', 'localhost', ...driveDirs]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /invalid address \(--address\) "localhost": expected HOST:PORT/);
  });

  test('a server starts from MINIO_VOLUMES and a JSON config file, the environment overriding the file', async () => {
    const { root, driveDirs } = await makeDriveDirs(2);
    const file = join(root, 'cairn.json');
    await writeFile(file, JSON.stringify({ region: 'from-file', capacity: '1GiB' }));
    const cairn = await startCairn({
      drives: [],
      env: { MINIO_VOLUMES: driveDirs.join(' '), CAIRN_CONFIG_FILE: file },
    });
    cleanup.push(async () => {
      await cairn.stop();
      await removeDir(root);
    });
    assert.match(cairn.output(), new RegExp(`serving 2 drive\\(s\\): ${driveDirs[0]}`));
    // The region came from the file: a client signing for it is served, one for us-east-1 refused.
    const client = s3Client({ ...cairn, region: 'from-file' });
    await client.send(new CreateBucketCommand({ Bucket: 'configured' }));
    const where = await client.send(new GetBucketLocationCommand({ Bucket: 'configured' }));
    assert.equal(where.LocationConstraint, 'from-file');
    const wrong = await s3Client({ ...cairn, region: 'us-east-1' })
      .send(new ListObjectsV2Command({ Bucket: 'configured' }))
      .then(() => undefined, s3ErrorOf);
    assert.equal(wrong?.code, 'AuthorizationHeaderMalformed');

    await cairn.stop({ keepDrives: true });
    const again = await startCairn({
      drives: [],
      env: { MINIO_VOLUMES: driveDirs.join(' '), CAIRN_CONFIG_FILE: file, MINIO_REGION: 'from-env' },
    });
    cleanup.push(() => again.stop());
    const env = s3Client({ ...again, region: 'from-env' });
    assert.equal((await env.send(new ListBucketsCommand({}))).Buckets?.[0]?.Name, 'configured');
  });
});
