// rclone (provider Minio, static keys) driving a real cairn server, on 1 and 4 drives.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CairnProcess, logTail, startCairn } from '../helpers/cairn-process.js';
import { removeDir, sha256File, tempDir, writeRandomFile } from '../helpers/files.js';
import { findTool, requireTool, runTool, type ToolRun } from '../helpers/tools.js';

const toolOpts = requireTool('rclone');

for (const driveCount of [1, 4]) {
  describe(`rclone against cairn on ${driveCount} drive(s)`, toolOpts, () => {
    let cairn: CairnProcess;
    let work: string;
    let config: string;
    const bucket = `rclone-${driveCount}`;
    const files = ['a.txt', 'empty', 'sub/b.bin', 'sub/deeper/c.bin', 'big/multipart.bin'];
    const sizes = [12, 0, 250_000, 1_500_000, 12 * 1024 * 1024 + 3];
    const digests = new Map<string, string>();
    let tree: string;

    const rclone = (args: string[], opts: { allowFailure?: boolean } = {}): Promise<ToolRun> =>
      runTool(
        findTool('rclone') ?? 'rclone',
        ['--config', config, '--low-level-retries', '1', '--retries', '1', ...args],
        {
          timeoutMs: 300_000,
          context: () => `cairn log:\n${logTail(cairn)}`,
          // rclone 1.60 fails with "unable to load custom CA" when AWS_CA_BUNDLE is set, even for http.
          env: { AWS_CA_BUNDLE: undefined, HOME: work, RCLONE_CONFIG: undefined },
          ...opts,
        },
      );

    before(async () => {
      cairn = await startCairn({ drives: driveCount });
      work = await tempDir('rclone');
      config = join(work, 'rclone.conf');
      await writeFile(
        config,
        [
          '[cairn]',
          'type = s3',
          'provider = Minio',
          'env_auth = false',
          `access_key_id = ${cairn.accessKey}`,
          `secret_access_key = ${cairn.secretKey}`,
          `endpoint = ${cairn.endpoint}`,
          'region = us-east-1',
          '',
        ].join('\n'),
      );
      tree = join(work, 'tree');
      for (const [i, rel] of files.entries()) {
        await mkdir(join(tree, rel, '..'), { recursive: true });
        digests.set(rel, await writeRandomFile(join(tree, rel), sizes[i]!));
      }
    });

    after(async () => {
      await cairn?.stop();
      await removeDir(work);
    });

    test('rclone mkdir creates the bucket and rclone lsd lists it', async () => {
      await rclone(['mkdir', `cairn:${bucket}`]);
      const lsd = await rclone(['lsd', 'cairn:']);
      assert.match(lsd.stdout, new RegExp(`\\s${bucket}$`, 'm'));
    });

    test('rclone copy uploads a tree (including a multipart file) and rclone check finds 0 differences', async () => {
      // A 5 MiB cutoff makes the 12 MiB file a multipart upload.
      await rclone([
        'copy',
        '--s3-upload-cutoff',
        '5M',
        '--s3-chunk-size',
        '5M',
        tree,
        `cairn:${bucket}/tree`,
      ]);
      const check = await rclone(['check', tree, `cairn:${bucket}/tree`]);
      assert.match(check.stderr, /0 differences found/);
      assert.match(check.stderr, new RegExp(`${files.length} matching files`));
    });

    test('rclone ls lists every object with its size', async () => {
      const ls = await rclone(['ls', `cairn:${bucket}/tree`]);
      for (const [i, rel] of files.entries()) {
        assert.match(ls.stdout, new RegExp(`^\\s*${sizes[i]} ${rel.replace(/\./g, '\\.')}$`, 'm'));
      }
    });

    test('rclone copy back downloads byte-identical files', async () => {
      const back = join(work, 'back');
      await rclone(['copy', `cairn:${bucket}/tree`, back]);
      for (const rel of files) assert.equal(await sha256File(join(back, rel)), digests.get(rel), rel);
    });

    test('rclone check reports a changed file as a difference', async () => {
      await writeFile(join(tree, 'a.txt'), 'changed locally');
      const check = await rclone(['check', tree, `cairn:${bucket}/tree`], { allowFailure: true });
      assert.notEqual(check.code, 0);
      assert.match(check.stderr, /1 differences found/);
    });

    test('rclone delete removes the objects and rclone rmdir removes the bucket', async () => {
      await rclone(['delete', `cairn:${bucket}/tree`]);
      const ls = await rclone(['ls', `cairn:${bucket}`]);
      assert.equal(ls.stdout.trim(), '');
      await rclone(['rmdir', `cairn:${bucket}`]);
      const lsd = await rclone(['lsd', 'cairn:']);
      assert.doesNotMatch(lsd.stdout, new RegExp(`\\s${bucket}$`, 'm'));
    });
  });
}
