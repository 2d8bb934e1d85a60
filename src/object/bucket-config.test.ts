// The bucket configuration store and the storage reports, on real temp-directory drives.
import assert from 'node:assert/strict';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { emptyDrive, killDrive } from '../../test/helpers/drive-damage.js';
import { drivePaths, put, tempRoot } from '../../test/helpers/object-layer-support.js';
import { openObjectLayer } from './erasure-object-layer.js';
import { ObjectLayerError } from './errors.js';
import type { ObjectLayer } from './object-layer.js';

const tmp = await tempRoot();
after(() => tmp.cleanup());

const policy = Buffer.from('{"Version":"2012-10-17","Statement":[]}');
const isKind = (kind: string) => (err: unknown) => err instanceof ObjectLayerError && err.kind === kind;

async function openSet(name: string): Promise<{ drives: string[]; ol: ObjectLayer }> {
  const drives = drivePaths(join(tmp.root, name), 4);
  return { drives, ol: await openObjectLayer({ drives, parity: 2 }) };
}

test('a bucket document is stored, read back, replaced and deleted', async () => {
  const { ol } = await openSet('roundtrip');
  try {
    await ol.makeBucket('b');
    assert.equal(await ol.getBucketConfig('b', 'policy'), undefined);
    await ol.putBucketConfig('b', 'policy', policy);
    assert.deepEqual(await ol.getBucketConfig('b', 'policy'), policy);
    assert.equal(await ol.getBucketConfig('b', 'versioning'), undefined, 'documents are kept by name');
    await ol.putBucketConfig('b', 'policy', Buffer.from('{}'));
    assert.equal((await ol.getBucketConfig('b', 'policy'))?.toString(), '{}');
    await ol.deleteBucketConfig('b', 'policy');
    assert.equal(await ol.getBucketConfig('b', 'policy'), undefined);
    await ol.deleteBucketConfig('b', 'policy'); // deleting what is not there succeeds
    await assert.rejects(ol.getBucketConfig('nope', 'policy'), isKind('NoSuchBucket'));
    await assert.rejects(ol.putBucketConfig('nope', 'policy', policy), isKind('NoSuchBucket'));
  } finally {
    await ol.close();
  }
});

test('documents survive a restart and the loss of parity drives', async () => {
  const { drives, ol } = await openSet('durable');
  await ol.makeBucket('b');
  await ol.putBucketConfig('b', 'lifecycle', policy);
  await ol.close();
  await killDrive(drives[0] as string);
  await emptyDrive(drives[3] as string);
  const again = await openObjectLayer({ drives, parity: 2 });
  try {
    assert.deepEqual(await again.getBucketConfig('b', 'lifecycle'), policy);
  } finally {
    await again.close();
  }
});

test("a bucket's documents go with it: made again, it has none", async () => {
  const { ol } = await openSet('recreate');
  try {
    await ol.makeBucket('b');
    await ol.putBucketConfig('b', 'tagging', policy);
    await ol.deleteBucket('b');
    await ol.makeBucket('b');
    assert.equal(await ol.getBucketConfig('b', 'tagging'), undefined);
  } finally {
    await ol.close();
  }
});

test('storage info names every drive with its state and capacity, and usable space after parity', async () => {
  const { drives, ol } = await openSet('info');
  await ol.close();
  await killDrive(drives[2] as string);
  const again = await openObjectLayer({ drives, parity: 2 });
  try {
    const info = await again.storageInfo();
    assert.deepEqual(
      info.drives.map((d) => [d.endpoint, d.index, d.state]),
      drives.map((p, i) => [p, i, i === 2 ? 'offline' : 'online']),
    );
    assert.equal(info.data, 2);
    assert.equal(info.parity, 2);
    const online = info.drives.filter((d) => d.state === 'online');
    assert.ok(online.every((d) => d.total > 0 && d.free > 0 && d.free <= d.total));
    assert.equal(
      info.rawTotal,
      online.reduce((a, d) => a + d.total, 0),
    );
    assert.equal(info.usableTotal, Math.floor(info.rawTotal / 2));
  } finally {
    await again.close();
  }
});

test('bucket usage counts objects and bytes; heal status starts idle', async () => {
  const { ol } = await openSet('usage');
  try {
    await ol.makeBucket('b');
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 0, bytes: 0 });
    for (let i = 0; i < 5; i++) await put(ol, 'b', `k${i}`, Buffer.alloc(1000 * (i + 1)));
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 5, bytes: 15_000 });
    const heal = ol.healStatus();
    assert.equal(heal.queued, 0);
    assert.equal(heal.healedObjects, 0);
  } finally {
    await ol.close();
  }
});

test('a drive that missed a change is brought in line when the document is read', async () => {
  const { drives, ol } = await openSet('repair');
  await ol.makeBucket('b');
  await ol.putBucketConfig('b', 'cors', policy);
  await ol.close();
  // Drive 1 is away (its disk unplugged) while the document changes.
  const drive1 = drives[1] as string;
  await rename(drive1, `${drive1}.away`);
  await writeFile(drive1, 'unplugged\n');
  const without = await openObjectLayer({ drives, parity: 2 });
  await without.putBucketConfig('b', 'cors', Buffer.from('<CORSConfiguration/>'));
  await without.close();
  await rm(drive1);
  await rename(`${drive1}.away`, drive1);
  const back = await openObjectLayer({ drives, parity: 2 });
  try {
    assert.equal((await back.getBucketConfig('b', 'cors'))?.toString(), '<CORSConfiguration/>');
  } finally {
    await back.close();
  }
  // With two other drives gone, drive 1 must now hold the new document itself.
  await killDrive(drives[2] as string);
  await killDrive(drives[3] as string);
  const two = await openObjectLayer({ drives, parity: 2 });
  try {
    assert.equal((await two.getBucketConfig('b', 'cors'))?.toString(), '<CORSConfiguration/>');
  } finally {
    await two.close();
  }
});
