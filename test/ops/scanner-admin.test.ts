// `cairn admin heal start` and `heal status` as an operator types them (real `node bin/cairn.js
// admin …` processes) against a real 4-drive `cairn server` (EC 2+2) whose background scanner is
// idle: a heal run over one prefix finds, with --deep only, a shard file deleted from a drive, and
// the healer puts it back.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type CairnProcess, runCairn, startCairn } from '../helpers/cairn-process.js';
import { deleteFiles, shardFiles } from '../helpers/drive-damage.js';
import { s3Client } from '../helpers/s3-client.js';

interface RunJson {
  summary: string;
  objectsScanned: number;
  shardBytesVerified: number;
  findings: { missing: number };
}

interface StatusJson {
  heal: { healedShards: number };
  scanner: {
    totals: { findings: { missing: number } };
    settings: { speed: string; scrubIntervalMs?: number };
  };
}

describe('cairn admin heal against a real server', () => {
  let cairn: CairnProcess;
  let s3: S3Client;
  let configDir = '';
  let root = '';

  async function admin(...args: string[]) {
    const r = await runCairn(['admin', ...args], { env: { CAIRN_CONFIG_DIR: configDir }, timeoutMs: 30_000 });
    assert.equal(r.timedOut, false, `cairn admin ${args.join(' ')} did not finish`);
    return r;
  }

  before(async () => {
    cairn = await startCairn({
      drives: 4,
      env: { CAIRN_STORAGE_CLASS_STANDARD: 'EC:2', CAIRN_SCANNER_CYCLE: '1h', CAIRN_SCRUB_INTERVAL: 'off' },
    });
    s3 = s3Client(cairn);
    root = await mkdtemp(join(tmpdir(), 'cairn-heal-cli-'));
    configDir = join(root, '.cairn');
    const set = await admin('alias', 'set', 'local', cairn.endpoint, cairn.accessKey, cairn.secretKey);
    assert.equal(set.code, 0, set.stderr);
    await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
    // One file-backed object (over the 128 KiB inline limit) under 2024/, small ones beside it.
    await s3.send(
      new PutObjectCommand({ Bucket: 'photos', Key: '2024/big.raw', Body: randomBytes(600_000) }),
    );
    for (const k of ['2024/a.jpg', '2024/b.jpg', '2025/c.jpg'])
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: k, Body: randomBytes(2000) }));
  });
  after(async () => {
    s3?.destroy();
    await cairn?.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('a heal run reads shards only with --deep, finds a deleted shard file and the healer restores it', async () => {
    const drive = cairn.driveDirs[1]!;
    const [shard] = await shardFiles(drive);
    assert.ok(shard, 'the big object has a shard file on every drive');
    const original = await readFile(shard.path);
    await deleteFiles([shard]);

    const quick = await admin('heal', 'start', 'local', 'photos/2024/', '--wait', '--json');
    assert.equal(quick.code, 0, quick.stderr);
    const q = JSON.parse(quick.stdout) as RunJson;
    assert.equal(q.summary, 'finished');
    assert.equal(q.objectsScanned, 3, 'only the prefix is scanned');
    assert.equal(q.shardBytesVerified, 0, 'a normal run compares records, it reads no shards');
    assert.equal(q.findings.missing, 0);

    const deep = await admin('heal', 'start', 'local', 'photos/2024/', '--deep', '--wait');
    assert.equal(deep.code, 0, deep.stderr);
    assert.match(deep.stdout, /State:\s+finished/);
    assert.match(deep.stdout, /Found:\s+1 missing \(queued for healing\)/);
    assert.match(deep.stdout, /photos\/2024\/big\.raw: missing/);

    const end = Date.now() + 20_000;
    let status: StatusJson | undefined;
    for (;;) {
      const r = await admin('heal', 'status', 'local', '--json');
      assert.equal(r.code, 0, r.stderr);
      status = JSON.parse(r.stdout) as StatusJson;
      if (status.heal.healedShards >= 1) break;
      assert.ok(Date.now() < end, `not healed: ${r.stdout}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok((await readFile(shard.path)).equals(original), 'the shard file is back, byte for byte');
    assert.ok(status);
    assert.equal(status.scanner.totals.findings.missing, 1);
    assert.equal(status.scanner.settings.speed, 'default');
    assert.equal(status.scanner.settings.scrubIntervalMs, undefined, 'scrub is off');

    const human = await admin('heal', 'status', 'local');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Scanner:\s+default speed; scrub off/);
    assert.match(human.stdout, /Found:\s+1 missing since start/);
    assert.match(human.stdout, /Healing:\s+0 queued; healed 1 objects \(1 shards\), 0 failed since start/);
    assert.match(human.stdout, /Drives:\s+4\/4 online/);
  });

  test('heal start refuses a bucket that does not exist and a prefix without a bucket', async () => {
    const missing = await admin('heal', 'start', 'local', 'no-such-bucket');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /NoSuchBucket/);
    const noBucket = await admin('heal', 'start', 'local', '/prefix');
    assert.equal(noBucket.code, 2);
    assert.match(noBucket.stderr, /a prefix needs a bucket/);
  });
});
