// s3cmd (path-style, SigV4, plain HTTP) driving a real cairn server, on 1 and 4 drives.
import assert from 'node:assert/strict';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { type CairnProcess, logTail, startCairn } from '../helpers/cairn-process.js';
import { removeDir, sha256File, tempDir, writeRandomFile } from '../helpers/files.js';
import { s3Client } from '../helpers/s3-client.js';
import { findTool, requireTool, runTool, type ToolRun } from '../helpers/tools.js';

const toolOpts = requireTool('s3cmd');

for (const driveCount of [1, 4]) {
  describe(`s3cmd against cairn on ${driveCount} drive(s)`, toolOpts, () => {
    let cairn: CairnProcess;
    let work: string;
    let config: string;
    const bucket = `s3cmd-${driveCount}`;

    const s3cmd = (args: string[], opts: { allowFailure?: boolean } = {}): Promise<ToolRun> =>
      runTool(findTool('s3cmd') ?? 's3cmd', ['-c', config, '--no-progress', ...args], {
        timeoutMs: 300_000,
        context: () => `cairn log:\n${logTail(cairn)}`,
        env: { HOME: work },
        ...opts,
      });

    before(async () => {
      cairn = await startCairn({ drives: driveCount });
      work = await tempDir('s3cmd');
      config = join(work, 's3cfg');
      const host = `127.0.0.1:${cairn.port}`;
      await writeFile(
        config,
        [
          '[default]',
          `access_key = ${cairn.accessKey}`,
          `secret_key = ${cairn.secretKey}`,
          `host_base = ${host}`,
          // The same host without %(bucket)s: path-style requests.
          `host_bucket = ${host}`,
          'use_https = False',
          'signature_v2 = False',
          'bucket_location = us-east-1',
          'check_ssl_certificate = False',
          '',
        ].join('\n'),
      );
    });

    after(async () => {
      await cairn?.stop();
      await removeDir(work);
    });

    test('s3cmd mb creates a bucket that s3cmd ls lists', async () => {
      await s3cmd(['mb', `s3://${bucket}`]);
      const ls = await s3cmd(['ls']);
      assert.match(ls.stdout, new RegExp(`s3://${bucket}$`, 'm'));
    });

    test('s3cmd put and get round-trip a small file byte for byte', async () => {
      const src = join(work, 'small.bin');
      const digest = await writeRandomFile(src, 33_333);
      await s3cmd(['put', src, `s3://${bucket}/small.bin`]);
      const out = join(work, 'small.out');
      await s3cmd(['get', '--force', `s3://${bucket}/small.bin`, out]);
      assert.equal(await sha256File(out), digest);
    });

    test('s3cmd put of a 20 MiB file uploads in parts and gets back byte-identical', async () => {
      const src = join(work, 'large.bin');
      const digest = await writeRandomFile(src, 20 * 1024 * 1024 + 5);
      await s3cmd(['put', '--multipart-chunk-size-mb=5', src, `s3://${bucket}/large.bin`]);
      // Five 5 MiB parts: the multipart ETag carries the part count.
      const head = await s3Client(cairn).send(new HeadObjectCommand({ Bucket: bucket, Key: 'large.bin' }));
      assert.match(head.ETag ?? '', /^"[0-9a-f]{32}-5"$/);
      assert.equal(head.ContentLength, 20 * 1024 * 1024 + 5);
      const out = join(work, 'large.out');
      await s3cmd(['get', '--force', `s3://${bucket}/large.bin`, out]);
      assert.equal(await sha256File(out), digest);
      await unlink(out);
    });

    test('s3cmd ls lists objects with their sizes', async () => {
      const ls = await s3cmd(['ls', `s3://${bucket}/`]);
      assert.match(ls.stdout, /\s33333\s+s3:\/\/[^/]+\/small\.bin$/m);
      assert.match(ls.stdout, /\s20971525\s+s3:\/\/[^/]+\/large\.bin$/m);
    });

    test('s3cmd sync uploads a tree, syncs it back identical, and --delete-removed removes deleted files', async () => {
      const tree = join(work, 'tree');
      const files = ['a.txt', 'sub/b.bin', 'sub/deeper/c.bin'];
      const digests = new Map<string, string>();
      for (const [i, rel] of files.entries()) {
        await mkdir(join(tree, rel, '..'), { recursive: true });
        digests.set(rel, await writeRandomFile(join(tree, rel), 1000 * (i + 1) ** 3));
      }
      await s3cmd(['sync', `${tree}/`, `s3://${bucket}/tree/`]);
      const back = join(work, 'back');
      await mkdir(back);
      await s3cmd(['sync', `s3://${bucket}/tree/`, `${back}/`]);
      for (const rel of files) assert.equal(await sha256File(join(back, rel)), digests.get(rel), rel);

      await unlink(join(tree, 'sub/b.bin'));
      await s3cmd(['sync', '--delete-removed', `${tree}/`, `s3://${bucket}/tree/`]);
      const ls = await s3cmd(['ls', '--recursive', `s3://${bucket}/tree/`]);
      assert.doesNotMatch(ls.stdout, /sub\/b\.bin/);
      assert.match(ls.stdout, /sub\/deeper\/c\.bin/);
    });

    test('s3cmd del removes objects, then rb removes the empty bucket', async () => {
      await s3cmd(['del', `s3://${bucket}/small.bin`]);
      const gone = await s3cmd(['get', '--force', `s3://${bucket}/small.bin`, join(work, 'gone')], {
        allowFailure: true,
      });
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /404|NoSuchKey|Not Found|does not exist/i);
      await s3cmd(['del', '--recursive', '--force', `s3://${bucket}/`]);
      const ls = await s3cmd(['ls', '--recursive', `s3://${bucket}/`]);
      assert.equal(ls.stdout.trim(), '');
      await s3cmd(['rb', `s3://${bucket}`]);
      const buckets = await s3cmd(['ls']);
      assert.doesNotMatch(buckets.stdout, new RegExp(`s3://${bucket}$`, 'm'));
    });
  });
}
