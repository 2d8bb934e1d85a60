// curl streaming an upload from standard input (`curl -T -`: chunked, no Content-Length), SigV4-signed
// with curl's own --aws-sigv4, against a real cairn server on 1 and 4 drives.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { type CairnProcess, logTail, startCairn } from '../helpers/cairn-process.js';
import { removeDir, tempDir } from '../helpers/files.js';
import { s3Client } from '../helpers/s3-client.js';
import { findTool, requireTool, runTool } from '../helpers/tools.js';

const toolOpts = requireTool('curl');
const md5hex = (b: Buffer) => createHash('md5').update(b).digest('hex');

for (const driveCount of [1, 4]) {
  describe(`curl against cairn on ${driveCount} drive(s)`, toolOpts, () => {
    let cairn: CairnProcess;
    let s3: S3Client;
    let work: string;
    const bucket = `curl-${driveCount}`;

    const curl = (args: string[], input?: Buffer) =>
      runTool(
        findTool('curl') ?? 'curl',
        [
          '-sS',
          '--fail-with-body',
          '--aws-sigv4',
          `aws:amz:${cairn.region}:s3`,
          '--user',
          `${cairn.accessKey}:${cairn.secretKey}`,
          // S3 requires the header; curl signs the payload as the hash this header names.
          '-H',
          'x-amz-content-sha256: UNSIGNED-PAYLOAD',
          ...args,
        ],
        { timeoutMs: 120_000, context: () => `cairn log:\n${logTail(cairn)}`, ...(input ? { input } : {}) },
      );

    before(async () => {
      cairn = await startCairn({ drives: driveCount });
      s3 = s3Client(cairn);
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      work = await tempDir('curl');
    });
    after(async () => {
      s3?.destroy();
      await cairn?.stop();
      await removeDir(work);
    });

    test('curl -T - uploads standard input, and curl downloads the same bytes', async () => {
      for (const size of [5, 5 * 1024 * 1024 + 11]) {
        const data = randomBytes(size);
        const url = `${cairn.endpoint}/${bucket}/stdin-${size}`;
        const put = await curl(['-T', '-', '-D', '-', '-o', '/dev/null', url], data);
        assert.match(put.stdout, /^HTTP\/1\.1 200/m, put.stdout);
        assert.match(put.stdout, new RegExp(`^etag: "${md5hex(data)}"`, 'im'));
        const out = join(work, `got-${size}`);
        await curl(['-o', out, url]);
        assert.ok((await readFile(out)).equals(data), `${size} bytes`);
      }
    });
  });
}
