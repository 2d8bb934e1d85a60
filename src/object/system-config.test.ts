// The system configuration store (IAM's documents), on real temp-directory drives.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { emptyDrive, killDrive } from '../../test/helpers/drive-damage.js';
import { drivePaths, tempRoot } from '../../test/helpers/object-layer-support.js';
import { openObjectLayer } from './erasure-object-layer.js';
import { ObjectLayerError } from './errors.js';
import type { ObjectLayer } from './object-layer.js';

const tmp = await tempRoot();
after(() => tmp.cleanup());

const isKind = (kind: string) => (err: unknown) => err instanceof ObjectLayerError && err.kind === kind;

async function openSet(name: string): Promise<{ drives: string[]; ol: ObjectLayer }> {
  const drives = drivePaths(join(tmp.root, name), 4);
  return { drives, ol: await openObjectLayer({ drives, parity: 2 }) };
}

test('a system document is stored, read back, listed by prefix, replaced and deleted', async () => {
  const { ol } = await openSet('roundtrip');
  try {
    assert.equal(await ol.getSystemConfig('iam/users/alice'), undefined);
    await ol.putSystemConfig('iam/users/alice', Buffer.from('{"a":1}'));
    await ol.putSystemConfig('iam/users/bob', Buffer.from('{"b":1}'));
    await ol.putSystemConfig('iam/groups/g', Buffer.from('{"g":1}'));
    assert.equal((await ol.getSystemConfig('iam/users/alice'))?.toString(), '{"a":1}');
    const users = await ol.listSystemConfig('iam/users/');
    assert.deepEqual(
      [...users].map(([k, v]) => [k, v.toString()]),
      [
        ['iam/users/alice', '{"a":1}'],
        ['iam/users/bob', '{"b":1}'],
      ],
    );
    assert.equal((await ol.listSystemConfig('')).size, 3);
    await ol.putSystemConfig('iam/users/alice', Buffer.from('{"a":2}'));
    assert.equal((await ol.getSystemConfig('iam/users/alice'))?.toString(), '{"a":2}');
    await ol.deleteSystemConfig('iam/users/alice');
    await ol.deleteSystemConfig('iam/users/alice'); // deleting what is not there succeeds
    assert.equal(await ol.getSystemConfig('iam/users/alice'), undefined);
    assert.deepEqual([...(await ol.listSystemConfig('iam/users/')).keys()], ['iam/users/bob']);
    await assert.rejects(ol.putSystemConfig('', Buffer.from('x')), isKind('InvalidArgument'));
    await assert.rejects(ol.getSystemConfig('a\u0000b'), isKind('InvalidArgument'));
  } finally {
    await ol.close();
  }
});

test('system documents are no bucket: buckets made and deleted leave them alone, and list none of them', async () => {
  const { ol } = await openSet('apart');
  try {
    await ol.putSystemConfig('iam/policies/p', Buffer.from('{}'));
    await ol.makeBucket('system');
    await ol.putBucketConfig('system', 'policy', Buffer.from('{"bucket":true}'));
    assert.deepEqual(
      (await ol.listBuckets()).map((b) => b.name),
      ['system'],
    );
    await ol.deleteBucket('system');
    assert.equal((await ol.getSystemConfig('iam/policies/p'))?.toString(), '{}');
    assert.deepEqual([...(await ol.listSystemConfig('')).keys()], ['iam/policies/p']);
  } finally {
    await ol.close();
  }
});

test('system documents survive a restart and the loss of parity drives, and heal onto an emptied drive', async () => {
  const { drives, ol } = await openSet('durable');
  await ol.putSystemConfig('iam/users/alice', Buffer.from('alice'));
  await ol.putSystemConfig('iam/users/carol', Buffer.from('carol'));
  await ol.close();
  await killDrive(drives[0] as string);
  await emptyDrive(drives[3] as string);
  const again = await openObjectLayer({ drives, parity: 2 });
  try {
    assert.equal((await again.getSystemConfig('iam/users/alice'))?.toString(), 'alice');
    assert.deepEqual(
      [...(await again.listSystemConfig('iam/')).keys()],
      ['iam/users/alice', 'iam/users/carol'],
    );
  } finally {
    await again.close();
  }
});

test('a system write that cannot reach write quorum fails and leaves the old document', async () => {
  const { drives, ol } = await openSet('quorum');
  await ol.putSystemConfig('iam/users/alice', Buffer.from('v1'));
  await ol.close();
  await killDrive(drives[0] as string);
  await killDrive(drives[1] as string);
  const again = await openObjectLayer({ drives, parity: 2 });
  try {
    assert.equal((await again.getSystemConfig('iam/users/alice'))?.toString(), 'v1');
    await assert.rejects(again.putSystemConfig('iam/users/alice', Buffer.from('v2')), isKind('WriteQuorum'));
    assert.equal((await again.getSystemConfig('iam/users/alice'))?.toString(), 'v1');
  } finally {
    await again.close();
  }
});
