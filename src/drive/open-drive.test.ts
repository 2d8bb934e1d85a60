import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { StorageConfigError, UnsupportedDriveEndpoint } from './errors.js';
import { LocalDrive } from './local-drive.js';
import { MonitoredDrive } from './monitored-drive.js';
import { openDrive } from './open-drive.js';

const root = await mkdtemp(join(tmpdir(), 'cairn-open-drive-'));
after(() => rm(root, { recursive: true, force: true }));

test('a local path opens a monitored local drive that touches nothing until it is mounted', async () => {
  const path = join(root, 'new');
  const d = openDrive(path);
  assert.ok(d instanceof MonitoredDrive);
  assert.ok(d.inner instanceof LocalDrive);
  assert.equal(d.endpoint, path);
  assert.deepEqual(await d.probe(), { kind: 'missing' });
  assert.equal(await d.readSysFile('format.json'), undefined);
  await assert.rejects(stat(path), { code: 'ENOENT' });
  await d.mount({ createRoot: true });
  assert.deepEqual((await readdir(path)).sort(), ['.cairn.sys', 'data']);
  assert.deepEqual(await d.probe(), { kind: 'directory', foreign: [] });
  await d.close();
});

test('mounting without createRoot never creates a missing drive directory', async () => {
  const path = join(root, 'unmounted-disk');
  const d = openDrive(path);
  await assert.rejects(d.mount(), { code: 'ENOENT' });
  await assert.rejects(stat(path), { code: 'ENOENT' });
  await d.close();
});

test('http and https endpoints throw UnsupportedDriveEndpoint, a StorageConfigError naming the endpoint', () => {
  for (const endpoint of ['http://node2:9000/mnt/disk1', 'HTTPS://node3/mnt/disk1']) {
    assert.throws(
      () => openDrive(endpoint),
      (err: unknown) =>
        err instanceof UnsupportedDriveEndpoint &&
        err instanceof StorageConfigError &&
        err.message.includes(endpoint) &&
        /distributed mode/.test(err.message),
    );
  }
});

test('a relative path is refused', () => {
  assert.throws(
    () => openDrive('data/disk1'),
    (err: unknown) => err instanceof StorageConfigError && /must be absolute/.test(err.message),
  );
});
