// Limits changed at run time: `cairn admin config get|set` (real CLI processes) against a real
// server: applied at once, kept across a restart, and — as MinIO's environment does — overridden
// by a value given in the environment.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type CairnProcess, runCairn, startCairn } from '../helpers/cairn-process.js';
import { adminCall } from '../helpers/iam-fixtures.js';
import { s3Client } from '../helpers/s3-client.js';
import { sdkError } from '../s3/fixture.js';

const MiB = 1024 ** 2;
const Bucket = 'limits';

interface Setting {
  key: string;
  value: string;
  source: string;
  origin?: string;
  stored?: string;
}

describe('cairn admin config get|set', () => {
  let cairn: CairnProcess;
  let s3: S3Client;
  let home = '';
  const admin = (...args: string[]) =>
    runCairn(['admin', ...args], { env: { CAIRN_CONFIG_DIR: home }, timeoutMs: 30_000 });
  const settings = async (key?: string): Promise<Setting[]> => {
    const r = await admin('config', 'get', 'local', ...(key ? [key] : []), '--json');
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { settings: Setting[] }).settings;
  };
  const put = (Key: string, bytes: number) =>
    s3.send(new PutObjectCommand({ Bucket, Key, Body: Buffer.alloc(bytes, 7) }));

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'cairn-config-cli-'));
    cairn = await startCairn({ drives: 2 });
    s3 = s3Client(cairn);
    await s3.send(new CreateBucketCommand({ Bucket }));
    const alias = await admin('alias', 'set', 'local', cairn.endpoint, cairn.accessKey, cairn.secretKey);
    assert.equal(alias.code, 0, alias.stderr);
  });
  after(async () => {
    s3?.destroy();
    await cairn?.stop();
    await rm(home, { recursive: true, force: true });
  });

  test('get lists the dynamic settings with their defaults', async () => {
    const all = await settings();
    assert.deepEqual(
      all.map((s) => s.key),
      ['capacity', 'bandwidth_in', 'bandwidth_out', 'drive_reserve', 'scanner_speed'],
    );
    const [capacity] = await settings('capacity');
    assert.equal(capacity?.value, '');
    assert.equal(capacity?.source, 'default');
    const text = await admin('config', 'get', 'local');
    assert.match(text.stdout, /capacity\s+\(none\)\s+default/);
  });

  test('set applies the capacity at once; a bad value is refused naming the setting and changes nothing', async () => {
    await put('first', 3 * MiB);
    const set = await admin('config', 'set', 'local', 'capacity=4MiB');
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /capacity\s+4MiB\s+config set/);
    assert.deepEqual(await sdkError(put('second', 2 * MiB)), { code: 'XMinioStorageFull', status: 507 });
    await put('small', 512 * 1024);

    const bad = await admin('config', 'set', 'local', 'capacity=lots');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid capacity.*"lots"/);
    const unknown = await admin('config', 'set', 'local', 'region=eu-west-1');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /region is not a dynamic setting/);
    assert.equal((await settings('capacity'))[0]?.value, '4MiB');
  });

  test('set bandwidth_out paces downloads at once; clearing it lifts the limit', async () => {
    await put('paced', 96 * 1024);
    const timedGet = async () => {
      const started = performance.now();
      const res = await s3.send(new GetObjectCommand({ Bucket, Key: 'paced' }));
      const bytes = await res.Body?.transformToByteArray();
      assert.equal(bytes?.length, 96 * 1024);
      return performance.now() - started;
    };
    const set = await admin('config', 'set', 'local', 'bandwidth_out=32KiB');
    assert.equal(set.code, 0, set.stderr);
    // 96 KiB at 32 KiB/s: about 3 s (headers and a 50 ms burst aside).
    const limitedMs = await timedGet();
    assert.ok(limitedMs > 2000, `a 96 KiB download at 32 KiB/s took ${limitedMs.toFixed(0)} ms`);
    const clear = await admin('config', 'set', 'local', 'bandwidth_out=');
    assert.equal(clear.code, 0, clear.stderr);
    const freeMs = await timedGet();
    assert.ok(freeMs < 1500, `without a limit the download took ${freeMs.toFixed(0)} ms`);
  });

  test('a restart keeps the stored value; the environment overrides it, as MinIO does', async () => {
    await cairn.stop({ keepDrives: true });
    await cairn.restart();
    assert.deepEqual(await sdkError(put('second', 2 * MiB)), { code: 'XMinioStorageFull', status: 507 });
    assert.equal((await settings('capacity'))[0]?.source, 'stored');

    await cairn.stop({ keepDrives: true });
    const pinned = await startCairn({ drives: cairn.driveDirs, env: { CAIRN_CAPACITY: '100MiB' } });
    try {
      const client = s3Client(pinned);
      await client.send(new PutObjectCommand({ Bucket, Key: 'second', Body: Buffer.alloc(2 * MiB) }));
      client.destroy();
      const alias = await admin(
        'alias',
        'set',
        'pinned',
        pinned.endpoint,
        pinned.accessKey,
        pinned.secretKey,
      );
      assert.equal(alias.code, 0);
      const shown = await admin('config', 'get', 'pinned', 'capacity', '--json');
      const [capacity] = (JSON.parse(shown.stdout) as { settings: Setting[] }).settings;
      assert.deepEqual(
        {
          value: capacity?.value,
          source: capacity?.source,
          origin: capacity?.origin,
          stored: capacity?.stored,
        },
        { value: '100MiB', source: 'env', origin: 'CAIRN_CAPACITY', stored: '4MiB' },
      );
      const text = await admin('config', 'get', 'pinned');
      assert.match(text.stdout, /stored 4MiB is overridden by CAIRN_CAPACITY/);
    } finally {
      await pinned.stop();
    }
    await cairn.restart();
  });

  test('set scanner_speed paces the running scanner at once: fastest starts the pass the default pause held back', async () => {
    const scanner = async () =>
      ((await adminCall(cairn, 'POST', 'background-heal/status')).json as { scanner: ScannerState }).scanner;
    const before = await scanner();
    assert.equal(before.settings.speed, 'default');
    assert.equal(before.passes, 0, 'the default speed waits a minute after start before its first pass');

    const set = await admin('config', 'set', 'local', 'scanner_speed=fastest');
    assert.equal(set.code, 0, set.stderr);
    const deadline = Date.now() + 15_000;
    let now = await scanner();
    while (now.passes === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      now = await scanner();
    }
    assert.equal(now.settings.speed, 'fastest');
    assert.ok(now.passes >= 1, 'a pass ran within seconds of the change');

    const reset = await admin('config', 'set', 'local', 'scanner_speed=');
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal((await scanner()).settings.speed, 'default');
  });
});

interface ScannerState {
  settings: { speed: string };
  passes: number;
}
