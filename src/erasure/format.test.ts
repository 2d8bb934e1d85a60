import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { drivePaths, tempRoot } from '../../test/helpers/object-layer-support.js';
import { StorageConfigError, UnsupportedDriveEndpoint } from '../drive/errors.js';
import { openSetDrives, reopenDrive } from './format.js';

const tmp = await tempRoot();
after(() => tmp.cleanup());
let n = 0;

async function formatted(count: number, parity?: number) {
  const drives = drivePaths(join(tmp.root, `s${n++}`), count);
  const set = await openSetDrives(drives, parity);
  await Promise.all(set.drives.map((d) => d?.close()));
  return { drives, set };
}

async function openAndClose(drives: string[], parity?: number) {
  const set = await openSetDrives(drives, parity);
  await Promise.all(set.drives.map((d) => d?.close()));
  return set;
}

function configError(pattern: RegExp) {
  return (err: unknown) => err instanceof StorageConfigError && pattern.test(err.message);
}

test('first start formats every drive with one deployment id and the default parity', async () => {
  const { drives, set } = await formatted(6);
  assert.equal(set.format.parity, 3);
  const formats = await Promise.all(
    drives.map(async (d) => JSON.parse(await readFile(join(d, '.cairn.sys', 'format.json'), 'utf8'))),
  );
  assert.equal(new Set(formats.map((f) => f.deploymentId)).size, 1);
  formats.forEach((f, i) => {
    assert.equal(f.index, i);
    assert.equal(f.uuid, f.drives[i]);
  });
  const again = await openAndClose(drives);
  assert.equal(again.format.deploymentId, formats[0].deploymentId);
});

test('default parity follows MinIO and too much parity is refused', async () => {
  for (const [count, parity] of [
    [1, 0],
    [2, 1],
    [3, 1],
    [4, 2],
    [5, 2],
    [7, 3],
    [8, 4],
    [16, 4],
  ]) {
    assert.equal((await formatted(count as number)).set.format.parity, parity, `${count} drives`);
  }
  await assert.rejects(formatted(4, 3), configError(/more than half/));
  await assert.rejects(formatted(1, 1), configError(/more than half/));
  await assert.rejects(formatted(4, -1), StorageConfigError);
  await assert.rejects(formatted(16, 8), configError(/maximum/));
});

test('reordered drives are refused, naming the drive', async () => {
  const { drives } = await formatted(4);
  const swapped = [drives[1], drives[0], drives[2], drives[3]] as string[];
  await assert.rejects(openAndClose(swapped), configError(new RegExp(`${drives[1]} is drive #2`)));
});

test('a drive of another deployment is refused', async () => {
  const a = await formatted(4);
  const b = await formatted(4);
  const mixed = [a.drives[0], a.drives[1], a.drives[2], b.drives[3]] as string[];
  await assert.rejects(
    openAndClose(mixed),
    configError(new RegExp(`${b.drives[3]} belongs to another deployment`)),
  );
});

test('a duplicated drive (copied directory) is refused', async () => {
  const { drives } = await formatted(4);
  const src = join(drives[0] as string, '.cairn.sys', 'format.json');
  await rm(drives[1] as string, { recursive: true });
  await mkdir(join(drives[1] as string, '.cairn.sys'), { recursive: true });
  await writeFile(join(drives[1] as string, '.cairn.sys', 'format.json'), await readFile(src));
  await assert.rejects(openAndClose(drives), configError(/duplicate/));
  await assert.rejects(
    openSetDrives([drives[0] as string, drives[0] as string]),
    configError(/listed twice/),
  );
});

test('a wiped drive is re-formatted with its old identity when quorum is met', async () => {
  const { drives } = await formatted(4);
  const before = JSON.parse(await readFile(join(drives[2] as string, '.cairn.sys', 'format.json'), 'utf8'));
  await rm(drives[2] as string, { recursive: true });
  const set = await openAndClose(drives);
  assert.deepEqual(set.fresh, [2]);
  const afterFormat = JSON.parse(
    await readFile(join(drives[2] as string, '.cairn.sys', 'format.json'), 'utf8'),
  );
  assert.equal(afterFormat.uuid, before.uuid);
  assert.equal(afterFormat.index, 2);
  // three wiped drives of four (parity 2) are too many
  for (const d of drives.slice(0, 3)) await rm(d, { recursive: true });
  await assert.rejects(openAndClose(drives), configError(/only 1 of 4 drives are formatted/));
});

test('a non-empty directory without a format is not taken over', async () => {
  const drives = drivePaths(join(tmp.root, `s${n++}`), 2);
  await mkdir(drives[0] as string, { recursive: true });
  await writeFile(join(drives[0] as string, 'precious.txt'), 'keep me');
  await assert.rejects(openAndClose(drives), configError(/not empty/));
});

/** A dead disk whose mount point is gone: a plain file where the drive directory was. */
async function killDrive(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, 'this drive has failed\n');
}

test('drives that cannot be opened are offline, and the set opens while read quorum holds', async () => {
  const { drives } = await formatted(4);
  await killDrive(drives[1] as string);
  const one = await openAndClose(drives);
  assert.equal(one.drives[1], undefined);
  assert.equal(one.drives.filter(Boolean).length, 3);
  assert.deepEqual(
    one.offline.map((o) => [o.index, o.path]),
    [[1, drives[1]]],
  );
  assert.match(one.offline[0]?.reason ?? '', /ENOTDIR/);
  // A corrupt format file is a failed disk too, not a reason to stop.
  await writeFile(join(drives[3] as string, '.cairn.sys', 'format.json'), '{"version":1,"dri');
  const two = await openAndClose(drives);
  assert.deepEqual(
    two.offline.map((o) => o.index),
    [1, 3],
  );
  assert.match(two.offline[1]?.reason ?? '', /corrupt/);
  // Below read quorum (2 of 4 with parity 2) it refuses, naming the offline drives.
  await killDrive(drives[0] as string);
  await assert.rejects(
    openAndClose(drives),
    configError(
      new RegExp(
        `only 1 of 4 drives are formatted and readable .*${drives[0]}: cannot read directory: ENOTDIR`,
      ),
    ),
  );
});

test('a new set is formatted only when write quorum of its drives is usable', async () => {
  const drives = drivePaths(join(tmp.root, `s${n++}`), 4);
  await killDrive(drives[2] as string);
  const set = await openAndClose(drives);
  assert.equal(set.created, true);
  assert.deepEqual(
    set.offline.map((o) => o.index),
    [2],
  );
  const fresh = drivePaths(join(tmp.root, `s${n++}`), 4);
  await killDrive(fresh[0] as string);
  await killDrive(fresh[3] as string);
  await assert.rejects(
    openAndClose(fresh),
    configError(/only 2 of 4 drives are usable, 3 are needed to format/),
  );
});

test('a remote drive endpoint is refused at start-up with UnsupportedDriveEndpoint', async () => {
  const drives = drivePaths(join(tmp.root, `s${n++}`), 3);
  await assert.rejects(
    openSetDrives([drives[0] as string, 'http://node2:9000/mnt/disk1', drives[2] as string]),
    (err: unknown) =>
      err instanceof UnsupportedDriveEndpoint && /http:\/\/node2:9000\/mnt\/disk1/.test(err.message),
  );
  // Nothing was created for the local drives either.
  await assert.rejects(readFile(join(drives[0] as string, '.cairn.sys', 'format.json')), { code: 'ENOENT' });
});

test("a drive is taken back only when it is its slot's drive or an empty replacement; a missing path is never created", async () => {
  const { drives, set } = await formatted(4);
  const slot = drives[1] as string;
  const before = JSON.parse(await readFile(join(slot, '.cairn.sys', 'format.json'), 'utf8'));

  // The same drive back at its path.
  const same = await reopenDrive(slot, set.format, 1);
  assert.equal(same?.fresh, false);
  assert.equal(same?.drive.endpoint, slot);
  await same?.drive.close();
  // Not this slot's drive (another slot's, or another deployment's): left out.
  assert.equal(await reopenDrive(slot, set.format, 2), undefined);
  const other = await formatted(4);
  assert.equal(await reopenDrive(other.drives[1] as string, set.format, 1), undefined);

  // Unplugged: the path is missing, and stays missing.
  await rm(slot, { recursive: true });
  assert.equal(await reopenDrive(slot, set.format, 1), undefined);
  await assert.rejects(stat(slot), { code: 'ENOENT' });
  // A dead disk (a file where the directory was) or a non-empty foreign directory: left out.
  await killDrive(slot);
  assert.equal(await reopenDrive(slot, set.format, 1), undefined);
  await rm(slot);
  await mkdir(slot);
  await writeFile(join(slot, 'precious.txt'), 'keep me');
  assert.equal(await reopenDrive(slot, set.format, 1), undefined);
  assert.deepEqual(await readdir(slot), ['precious.txt']);

  // An empty replacement is formatted with the slot's identity.
  await rm(join(slot, 'precious.txt'));
  const fresh = await reopenDrive(slot, set.format, 1);
  assert.equal(fresh?.fresh, true);
  await fresh?.drive.close();
  const after = JSON.parse(await readFile(join(slot, '.cairn.sys', 'format.json'), 'utf8'));
  assert.equal(after.uuid, before.uuid);
  assert.equal(after.index, 1);
  assert.equal(after.deploymentId, before.deploymentId);
});
