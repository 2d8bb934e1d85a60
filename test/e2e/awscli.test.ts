// The AWS CLI (the `aws` on PATH, awscli v1 with CRC32 checksum trailers, and Debian's awscli v2
// at /usr/bin/aws when it is a different binary) driving a real cairn server, on 1 and 4 drives.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CairnProcess, logTail, startCairn } from '../helpers/cairn-process.js';
import { removeDir, sha256File, tempDir, writeRandomFile } from '../helpers/files.js';
import { findTool, realTool, requireTool, runTool, type ToolRun } from '../helpers/tools.js';

interface AwsVariant {
  label: string;
  bin: string;
}

/** The distinct aws binaries to test: the one on PATH, and Debian's /usr/bin/aws if different. */
function awsVariants(): AwsVariant[] {
  const out: AwsVariant[] = [];
  const onPath = findTool('aws');
  if (onPath) out.push({ label: `aws on PATH (${onPath})`, bin: onPath });
  const debian = '/usr/bin/aws';
  if (existsSync(debian) && !out.some((v) => realTool(v.bin) === realTool(debian))) {
    out.push({ label: 'Debian awscli v2 (/usr/bin/aws)', bin: debian });
  }
  return out;
}

const toolOpts = requireTool('aws');
const variants = awsVariants();

for (const variant of variants.length > 0 ? variants : [{ label: 'aws', bin: 'aws' }]) {
  // The second CLI (Debian's v2) runs on 4 drives only: the drive count is the server's concern.
  for (const driveCount of variant === variants[0] ? [1, 4] : [4]) {
    describe(`${variant.label} against cairn on ${driveCount} drive(s)`, toolOpts, () => {
      let cairn: CairnProcess;
      let work: string;
      let awsEnv: Record<string, string | undefined>;
      const bucket = `awscli-${driveCount}`;

      const aws = (
        args: string[],
        opts: { allowFailure?: boolean; timeoutMs?: number } = {},
      ): Promise<ToolRun> =>
        runTool(variant.bin, ['--endpoint-url', cairn.endpoint, ...args], {
          env: awsEnv,
          context: () => `cairn log:\n${logTail(cairn)}`,
          ...opts,
        });
      const s3api = async (args: string[]): Promise<Record<string, unknown>> => {
        const run = await aws(['s3api', ...args, '--output', 'json']);
        return run.stdout.trim() ? (JSON.parse(run.stdout) as Record<string, unknown>) : {};
      };

      before(async () => {
        cairn = await startCairn({ drives: driveCount });
        work = await tempDir('awscli');
        const config = join(work, 'aws-config');
        await writeFile(config, '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n');
        // presign with SigV4 (awscli v1 presigns with SigV2 unless told otherwise).
        const configV4 = join(work, 'aws-config-v4');
        await writeFile(
          configV4,
          '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n    signature_version = s3v4\n',
        );
        awsEnv = {
          AWS_ACCESS_KEY_ID: cairn.accessKey,
          AWS_SECRET_ACCESS_KEY: cairn.secretKey,
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: config,
          AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'),
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_PROFILE: undefined,
          AWS_SESSION_TOKEN: undefined,
          AWS_ENDPOINT_URL: undefined,
        };
      });

      after(async () => {
        await cairn?.stop();
        await removeDir(work);
      });

      test('aws s3 mb creates a bucket that aws s3 ls lists', async () => {
        await aws(['s3', 'mb', `s3://${bucket}`]);
        const ls = await aws(['s3', 'ls']);
        assert.match(ls.stdout, new RegExp(`\\s${bucket}$`, 'm'));
      });

      test('aws s3 cp uploads a small file and downloads the same bytes', async () => {
        const src = join(work, 'small.txt');
        await writeFile(src, 'hello from the aws cli\n'.repeat(100));
        await aws(['s3', 'cp', src, `s3://${bucket}/dir/small.txt`]);
        const dst = join(work, 'small.out');
        await aws(['s3', 'cp', `s3://${bucket}/dir/small.txt`, dst]);
        assert.equal(await sha256File(dst), await sha256File(src));
        const ls = await aws(['s3', 'ls', `s3://${bucket}/dir/`]);
        assert.match(ls.stdout, /\s2300 small\.txt$/m);
      });

      test('aws s3 cp of a 40 MiB file uploads in parts and downloads byte-identical', async () => {
        const src = join(work, 'large.bin');
        const digest = await writeRandomFile(src, 40 * 1024 * 1024 + 12345);
        await aws(['s3', 'cp', src, `s3://${bucket}/large.bin`], { timeoutMs: 300_000 });
        const head = await s3api(['head-object', '--bucket', bucket, '--key', 'large.bin']);
        assert.equal(head.ContentLength, 40 * 1024 * 1024 + 12345);
        // The CLI switches to multipart above 8 MiB: the ETag carries the part count.
        assert.match(String(head.ETag), /^"[0-9a-f]{32}-\d+"$/);
        const dst = join(work, 'large.out');
        await aws(['s3', 'cp', `s3://${bucket}/large.bin`, dst], { timeoutMs: 300_000 });
        assert.equal(await sha256File(dst), digest);
        await unlink(dst);
      });

      test('aws s3 sync uploads a tree, syncs it back identical, and --delete removes what was removed', async () => {
        const tree = join(work, 'tree');
        const files = ['a.txt', 'sub/b.bin', 'sub/deeper/c.bin', 'sub/deeper/empty'];
        const sizes = [10, 70_000, 300_000, 0];
        const digests = new Map<string, string>();
        for (const [i, rel] of files.entries()) {
          await mkdir(join(tree, rel, '..'), { recursive: true });
          digests.set(rel, await writeRandomFile(join(tree, rel), sizes[i]!));
        }
        await aws(['s3', 'sync', tree, `s3://${bucket}/tree`]);
        const ls = await aws(['s3', 'ls', '--recursive', `s3://${bucket}/tree/`]);
        for (const rel of files) assert.match(ls.stdout, new RegExp(`tree/${rel}$`, 'm'));

        const back = join(work, 'tree-back');
        await aws(['s3', 'sync', `s3://${bucket}/tree`, back]);
        for (const rel of files) assert.equal(await sha256File(join(back, rel)), digests.get(rel), rel);

        // A second sync with nothing changed transfers nothing.
        const again = await aws(['s3', 'sync', tree, `s3://${bucket}/tree`]);
        assert.doesNotMatch(again.stdout, /upload:/);

        await unlink(join(tree, 'sub/b.bin'));
        const del = await aws(['s3', 'sync', '--delete', tree, `s3://${bucket}/tree`]);
        assert.match(del.stdout, /delete: s3:\/\/.*tree\/sub\/b\.bin/);
        const after = await aws(['s3', 'ls', '--recursive', `s3://${bucket}/tree/`]);
        assert.doesNotMatch(after.stdout, /sub\/b\.bin/);
        assert.match(after.stdout, /sub\/deeper\/c\.bin/);
      });

      test('s3api put-object, head-object and get-object --range return the stored bytes and metadata', async () => {
        const body = Buffer.alloc(1000);
        for (let i = 0; i < body.length; i++) body[i] = i % 251;
        const src = join(work, 'range.bin');
        await writeFile(src, body);
        const put = await s3api([
          'put-object',
          '--bucket',
          bucket,
          '--key',
          'api/range.bin',
          '--body',
          src,
          '--content-type',
          'application/x-test',
          '--metadata',
          'colour=blue',
        ]);
        const md5 = createHash('md5').update(body).digest('hex');
        assert.equal(put.ETag, `"${md5}"`);
        const head = await s3api(['head-object', '--bucket', bucket, '--key', 'api/range.bin']);
        assert.equal(head.ContentLength, 1000);
        assert.equal(head.ContentType, 'application/x-test');
        assert.equal(head.ETag, `"${md5}"`);
        assert.deepEqual(head.Metadata, { colour: 'blue' });

        const out = join(work, 'range.out');
        const get = await s3api([
          'get-object',
          '--bucket',
          bucket,
          '--key',
          'api/range.bin',
          '--range',
          'bytes=100-199',
          out,
        ]);
        assert.equal(get.ContentLength, 100);
        assert.equal(get.ContentRange, 'bytes 100-199/1000');
        assert.deepEqual(await readFile(out), body.subarray(100, 200));

        await s3api([
          'get-object',
          '--bucket',
          bucket,
          '--key',
          'api/range.bin',
          '--range',
          'bytes=-10',
          out,
        ]);
        assert.deepEqual(await readFile(out), body.subarray(990));
      });

      test('s3api list-objects-v2 with a prefix and delimiter groups keys into common prefixes', async () => {
        const src = join(work, 'one-byte');
        await writeFile(src, 'x');
        for (const key of ['list/a/1', 'list/a/2', 'list/b/1', 'list/top']) {
          await s3api(['put-object', '--bucket', bucket, '--key', key, '--body', src]);
        }
        const res = await s3api([
          'list-objects-v2',
          '--bucket',
          bucket,
          '--prefix',
          'list/',
          '--delimiter',
          '/',
        ]);
        const keys = ((res.Contents as { Key: string }[] | undefined) ?? []).map((c) => c.Key);
        const prefixes = ((res.CommonPrefixes as { Prefix: string }[] | undefined) ?? []).map(
          (p) => p.Prefix,
        );
        assert.deepEqual(keys, ['list/top']);
        assert.deepEqual(prefixes, ['list/a/', 'list/b/']);
        const all = await s3api(['list-objects-v2', '--bucket', bucket, '--prefix', 'list/']);
        assert.deepEqual(
          ((all.Contents as { Key: string }[]) ?? []).map((c) => c.Key),
          ['list/a/1', 'list/a/2', 'list/b/1', 'list/top'],
        );
      });

      test('s3api multipart upload (create, upload-part x2, complete) assembles the parts in order', async () => {
        const part1 = join(work, 'part1');
        const part2 = join(work, 'part2');
        await writeRandomFile(part1, 5 * 1024 * 1024);
        await writeRandomFile(part2, 1024 * 1024 + 7);
        const created = await s3api(['create-multipart-upload', '--bucket', bucket, '--key', 'mpu/object']);
        const uploadId = String(created.UploadId);
        assert.ok(uploadId.length > 0);
        const parts = [];
        for (const [n, file] of [part1, part2].entries()) {
          const up = await s3api([
            'upload-part',
            '--bucket',
            bucket,
            '--key',
            'mpu/object',
            '--upload-id',
            uploadId,
            '--part-number',
            String(n + 1),
            '--body',
            file,
          ]);
          parts.push({ ETag: up.ETag, PartNumber: n + 1 });
        }
        const partsFile = join(work, 'parts.json');
        await writeFile(partsFile, JSON.stringify({ Parts: parts }));
        const done = await s3api([
          'complete-multipart-upload',
          '--bucket',
          bucket,
          '--key',
          'mpu/object',
          '--upload-id',
          uploadId,
          '--multipart-upload',
          `file://${partsFile}`,
        ]);
        assert.match(String(done.ETag), /^"[0-9a-f]{32}-2"$/);
        const out = join(work, 'mpu.out');
        await s3api(['get-object', '--bucket', bucket, '--key', 'mpu/object', out]);
        const expected = createHash('sha256')
          .update(await readFile(part1))
          .update(await readFile(part2))
          .digest('hex');
        assert.equal(await sha256File(out), expected);
        await rm(out);
      });

      test('s3api get-object-attributes answers the requested attributes, and the part count of a multipart object', async () => {
        const src = join(work, 'attrs-src');
        await writeFile(src, 'attributes');
        const md5 = createHash('md5').update('attributes').digest('hex');
        await s3api(['put-object', '--bucket', bucket, '--key', 'attrs/single', '--body', src]);
        const single = await s3api([
          'get-object-attributes',
          '--bucket',
          bucket,
          '--key',
          'attrs/single',
          '--object-attributes',
          'ObjectSize',
          'ETag',
          'StorageClass',
          'ObjectParts',
        ]);
        assert.equal(single.ETag, md5);
        assert.equal(single.ObjectSize, 10);
        assert.equal(single.StorageClass, 'STANDARD');
        assert.equal(single.ObjectParts, undefined);
        assert.ok(single.LastModified);

        const created = await s3api(['create-multipart-upload', '--bucket', bucket, '--key', 'attrs/mpu']);
        const uploadId = String(created.UploadId);
        const up = await s3api([
          'upload-part',
          '--bucket',
          bucket,
          '--key',
          'attrs/mpu',
          '--upload-id',
          uploadId,
          '--part-number',
          '1',
          '--body',
          src,
        ]);
        const partsFile = join(work, 'attrs-parts.json');
        await writeFile(partsFile, JSON.stringify({ Parts: [{ ETag: up.ETag, PartNumber: 1 }] }));
        await s3api([
          'complete-multipart-upload',
          '--bucket',
          bucket,
          '--key',
          'attrs/mpu',
          '--upload-id',
          uploadId,
          '--multipart-upload',
          `file://${partsFile}`,
        ]);
        const multi = await s3api([
          'get-object-attributes',
          '--bucket',
          bucket,
          '--key',
          'attrs/mpu',
          '--object-attributes',
          'ObjectParts',
          'ETag',
        ]);
        assert.match(String(multi.ETag), /^[0-9a-f]{32}-1$/);
        assert.deepEqual(multi.ObjectParts, { TotalPartsCount: 1 });
      });

      test('s3api copy-object copies bytes and delete-objects removes several keys at once', async () => {
        const src = join(work, 'copy-src');
        const digest = await writeRandomFile(src, 200_000);
        await s3api(['put-object', '--bucket', bucket, '--key', 'copy/src', '--body', src]);
        await s3api([
          'copy-object',
          '--bucket',
          bucket,
          '--key',
          'copy/dst',
          '--copy-source',
          `${bucket}/copy/src`,
        ]);
        const out = join(work, 'copy.out');
        await s3api(['get-object', '--bucket', bucket, '--key', 'copy/dst', out]);
        assert.equal(await sha256File(out), digest);

        const del = join(work, 'delete.json');
        await writeFile(
          del,
          JSON.stringify({
            Objects: [{ Key: 'copy/src' }, { Key: 'copy/dst' }, { Key: 'copy/never-existed' }],
          }),
        );
        const res = await s3api(['delete-objects', '--bucket', bucket, '--delete', `file://${del}`]);
        const deleted = ((res.Deleted as { Key: string }[] | undefined) ?? []).map((d) => d.Key).sort();
        assert.deepEqual(deleted, ['copy/dst', 'copy/never-existed', 'copy/src']);
        assert.equal(res.Errors, undefined);
        const left = await s3api(['list-objects-v2', '--bucket', bucket, '--prefix', 'copy/']);
        assert.equal(left.Contents, undefined);
      });

      test('aws s3 presign (SigV4) gives a URL that fetches the object without credentials', async () => {
        const src = join(work, 'presign.txt');
        await writeFile(src, 'presigned content');
        await aws(['s3', 'cp', src, `s3://${bucket}/presign.txt`]);
        const run = await runTool(
          variant.bin,
          [
            '--endpoint-url',
            cairn.endpoint,
            's3',
            'presign',
            `s3://${bucket}/presign.txt`,
            '--expires-in',
            '300',
          ],
          { env: { ...awsEnv, AWS_CONFIG_FILE: join(work, 'aws-config-v4') } },
        );
        const url = run.stdout.trim();
        assert.match(url, /X-Amz-Signature=/);
        const res = await fetch(url);
        assert.equal(res.status, 200);
        assert.equal(await res.text(), 'presigned content');
        // The signature covers the key: the same query on another key is refused.
        const forged = await fetch(url.replace('presign.txt', 'presign.txx'));
        assert.equal(forged.status, 403);
        assert.match(await forged.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
      });

      test('aws s3 presign with the default settings gives a URL that fetches the object', async () => {
        // awscli v1 presigns with SigV2 query auth by default (AWSAccessKeyId/Signature/Expires).
        const run = await aws(['s3', 'presign', `s3://${bucket}/presign.txt`, '--expires-in', '300']);
        const res = await fetch(run.stdout.trim());
        const text = await res.text();
        assert.equal(res.status, 200, `${run.stdout.trim()} answered ${res.status}: ${text}`);
        assert.equal(text, 'presigned content');
      });

      test('aws s3 rm --recursive empties the bucket and aws s3 rb removes it', async () => {
        const notEmpty = await aws(['s3', 'rb', `s3://${bucket}`], { allowFailure: true });
        assert.notEqual(notEmpty.code, 0);
        assert.match(notEmpty.stderr, /BucketNotEmpty/);
        await aws(['s3', 'rm', '--recursive', `s3://${bucket}`]);
        const empty = await aws(['s3', 'ls', `s3://${bucket}`, '--recursive']);
        assert.equal(empty.stdout.trim(), '');
        await aws(['s3', 'rb', `s3://${bucket}`]);
        const ls = await aws(['s3', 'ls']);
        assert.doesNotMatch(ls.stdout, new RegExp(`\\s${bucket}$`, 'm'));
        const head = await aws(['s3api', 'head-bucket', '--bucket', bucket], { allowFailure: true });
        assert.notEqual(head.code, 0);
        assert.match(head.stderr, /404|Not Found/);
      });
    });
  }
}
