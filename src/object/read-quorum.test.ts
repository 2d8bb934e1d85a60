// Reads over a 4-drive set (2 data + 2 parity) decide on 3 drives when those agree and on all 4
// when they do not: whichever drives a GET asks first, it returns what a read of every drive would.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { drivePaths, get, mountDrive, put, tempRoot } from '../../test/helpers/object-layer-support.js';
import { openObjectLayer } from './erasure-object-layer.js';
import { objectKey } from './index-keys.js';
import type { ObjectLayer } from './object-layer.js';
import { decodeRecord, encodeRecord, type ObjectRecord } from './object-record.js';

const tmp = await tempRoot();
after(() => tmp.cleanup());

async function openSet(name: string) {
  const drives = drivePaths(join(tmp.root, name), 4);
  return { drives, ol: await openObjectLayer({ drives, parity: 2 }) };
}

/** The raw object record of `key` on each drive (the object layer must be closed). */
async function recordsOn(paths: string[], key: string): Promise<(Buffer | undefined)[]> {
  const out: (Buffer | undefined)[] = [];
  for (const p of paths) {
    const d = await mountDrive(p);
    const bucket = JSON.parse(((await d.metaGet('buckets', Buffer.from('b'))) as Buffer).toString()) as {
      id: string;
    };
    out.push(await d.metaGet('objects', objectKey(bucket.id, key)));
    await d.close();
  }
  return out;
}

async function putRecord(path: string, key: string, value: Buffer): Promise<void> {
  const d = await mountDrive(path);
  const bucket = JSON.parse(((await d.metaGet('buckets', Buffer.from('b'))) as Buffer).toString()) as {
    id: string;
  };
  await d.metaCommit([{ op: 'put', table: 'objects', key: objectKey(bucket.id, key), value }]);
  await d.close();
}

/** GETs the key as many times as there are drives, so every drive is among the first asked. */
async function getEachWay(ol: ObjectLayer, key: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) seen.push((await get(ol, 'b', key)).toString());
  return seen;
}

test('a drive that missed an overwrite never shows through, and is healed from a read', async () => {
  let { drives, ol } = await openSet('lagging');
  await ol.makeBucket('b');
  await put(ol, 'b', 'k', Buffer.from('old'));
  await ol.close();
  const [oldRecord] = await recordsOn(drives.slice(3), 'k');
  ({ ol } = await openSet('lagging'));
  await put(ol, 'b', 'k', Buffer.from('new'));
  await ol.close();
  // Drive 3 goes back to the old version (as if it had been offline during the overwrite).
  await putRecord(drives[3] as string, 'k', oldRecord as Buffer);
  ({ ol } = await openSet('lagging'));
  try {
    assert.deepEqual(await getEachWay(ol, 'k'), ['new', 'new', 'new', 'new']);
    assert.equal((await ol.getObjectInfo('b', 'k')).size, 3);
    await (ol as unknown as { idle(): Promise<void> }).idle();
  } finally {
    await ol.close();
  }
  const now = await recordsOn(drives, 'k');
  assert.ok(
    now.every((v) => v?.equals(now[0] as Buffer)),
    'every drive holds the new record again',
  );
});

test('a newer version on exactly read quorum wins over an older one on the other drives', async () => {
  let { drives, ol } = await openSet('split');
  await ol.makeBucket('b');
  await put(ol, 'b', 'k', Buffer.from('v1'));
  await ol.close();
  const [v1] = await recordsOn(drives.slice(0, 1), 'k');
  ({ ol } = await openSet('split'));
  await put(ol, 'b', 'k', Buffer.from('v2'));
  await ol.close();
  // Two drives (read quorum) hold v2, two hold v1: v2 is the version, asked in any order.
  for (const p of drives.slice(2)) await putRecord(p, 'k', v1 as Buffer);
  ({ ol } = await openSet('split'));
  try {
    assert.deepEqual(await getEachWay(ol, 'k'), ['v2', 'v2', 'v2', 'v2']);
  } finally {
    await ol.close();
  }
});

test('a version on fewer drives than read quorum is never returned, first asked or not', async () => {
  let { drives, ol } = await openSet('minority');
  await ol.makeBucket('b');
  await put(ol, 'b', 'k', Buffer.from('v1'));
  await ol.close();
  const [raw] = await recordsOn(drives.slice(0, 1), 'k');
  const rec = decodeRecord(raw as Buffer);
  const newer: ObjectRecord = { ...rec, mtime: rec.mtime + 1000, dataId: 'e'.repeat(32), size: 5 };
  await putRecord(drives[0] as string, 'k', encodeRecord(newer));
  ({ ol } = await openSet('minority'));
  try {
    assert.deepEqual(await getEachWay(ol, 'k'), ['v1', 'v1', 'v1', 'v1']);
  } finally {
    await ol.close();
  }
});

test('a key deleted while a drive was away reads as absent there, not as a read-quorum failure', async () => {
  let { drives, ol } = await openSet('dangling');
  await ol.makeBucket('b');
  await put(ol, 'b', 'k', Buffer.from('deleted later'));
  await ol.close();
  const [record] = await recordsOn(drives.slice(2, 3), 'k');
  ({ ol } = await openSet('dangling'));
  await ol.deleteObject('b', 'k');
  await ol.close();
  // Drive 3 still holds the record (as if it had been offline during the delete).
  await putRecord(drives[2] as string, 'k', record as Buffer);
  ({ ol } = await openSet('dangling'));
  try {
    for (let i = 0; i < 4; i++)
      await assert.rejects(
        ol.getObjectInfo('b', 'k'),
        (err: Error & { kind?: string }) => err.kind === 'NoSuchKey',
      );
  } finally {
    await ol.close();
  }
});
