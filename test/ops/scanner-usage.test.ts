// Per-bucket usage kept by every write and delete, saved across restarts and corrected by the
// scanner's passes; the capacity limit measured by it; the scanner's per-object visitors; on real
// temp-directory drives (EC 2+2).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ErasureObjectLayer } from '../../src/object/erasure-object-layer.js';
import { openObjectLayer } from '../../src/object/erasure-object-layer.js';
import { ObjectLayerError } from '../../src/object/errors.js';
import type { ObjectLayer } from '../../src/object/object-layer.js';
import { parseScannerSettings } from '../../src/object/scanner-settings.js';
import { bodyOf, drivePaths, put, tempRoot } from '../helpers/object-layer-support.js';

const tmp = await tempRoot();
after(() => tmp.cleanup());

/** A scanner that never runs a pass during the test (its first pass waits a cycle). */
const IDLE = parseScannerSettings({ cycle: '1h', scrubInterval: 'off' });
const FAST = parseScannerSettings({ speed: 'fastest', cycle: '200ms', scrubInterval: 'off' });

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('usage follows every put, overwrite, multipart completion and delete', async () => {
  const drives = drivePaths(join(tmp.root, 'follow'), 4);
  const ol = await openObjectLayer({ drives, parity: 2, scanner: IDLE });
  try {
    await ol.makeBucket('b');
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 0, bytes: 0 });
    await put(ol, 'b', 'small', Buffer.alloc(1000));
    await put(ol, 'b', 'large', Buffer.alloc(300_000));
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 2, bytes: 301_000 });
    await put(ol, 'b', 'small', Buffer.alloc(10)); // overwrite: one object, new size
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 2, bytes: 300_010 });
    const uploadId = await ol.createMultipartUpload('b', 'mp', { metadata: {} });
    const part = Buffer.alloc(5 * 1024 * 1024, 1);
    const p1 = await ol.uploadPart('b', 'mp', bodyOf(part), { uploadId, partNumber: 1, size: part.length });
    const p2 = await ol.uploadPart('b', 'mp', bodyOf(Buffer.alloc(7)), { uploadId, partNumber: 2, size: 7 });
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 2, bytes: 300_010 }, 'parts are not objects yet');
    await ol.completeMultipartUpload('b', 'mp', {
      uploadId,
      parts: [
        { partNumber: 1, etag: p1.etag },
        { partNumber: 2, etag: p2.etag },
      ],
    });
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 3, bytes: 300_010 + part.length + 7 });
    await ol.deleteObject('b', 'large');
    await ol.deleteObject('b', 'never-there');
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 2, bytes: 10 + part.length + 7 });
  } finally {
    await ol.close();
  }
});

test('usage survives a restart', async () => {
  const drives = drivePaths(join(tmp.root, 'restart'), 4);
  const first = await openObjectLayer({ drives, parity: 2, scanner: IDLE });
  await first.makeBucket('b');
  for (let i = 0; i < 4; i++) await put(first, 'b', `k${i}`, Buffer.alloc(100 * (i + 1)));
  await first.close();
  const again = await openObjectLayer({ drives, parity: 2, scanner: IDLE });
  try {
    assert.deepEqual(await again.bucketUsage('b'), { objects: 4, bytes: 1000 });
    assert.equal(again.scanStatus().passes, 0, 'no pass ran: the saved counters answered');
  } finally {
    await again.close();
  }
});

test('a scanner pass corrects usage counters that drifted', async () => {
  const drives = drivePaths(join(tmp.root, 'drift'), 4);
  const first = await openObjectLayer({ drives, parity: 2, scanner: IDLE });
  await first.makeBucket('b');
  for (let i = 0; i < 30; i++) await put(first, 'b', `k${i}`, Buffer.alloc(10));
  await first.close();
  // What a crash between saves leaves: counters saved before the last writes.
  const tamper = await openObjectLayer({ drives, parity: 2, scanner: IDLE });
  const saved = JSON.parse((await tamper.getSystemConfig('scanner/usage'))!.toString()) as {
    buckets: Record<string, { objects: number; bytes: number }>;
  };
  for (const c of Object.values(saved.buckets)) Object.assign(c, { objects: 3, bytes: 7 });
  await tamper.putSystemConfig('scanner/usage', Buffer.from(JSON.stringify(saved)));
  await tamper.close();

  const ol = await openObjectLayer({ drives, parity: 2, scanner: FAST });
  try {
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 3, bytes: 7 }, 'the drifted counters are loaded');
    await until('a scanner pass', () => ol.scanStatus().passes >= 1);
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 30, bytes: 300 });
    const status = ol.scanStatus();
    assert.equal(status.lastPass?.objects, 30);
    assert.equal(status.lastPass?.deep, false);
    assert.ok(status.lastPass?.ended);
  } finally {
    await ol.close();
  }
});

test('writes during a pass are neither lost nor counted twice', async () => {
  const drives = drivePaths(join(tmp.root, 'during'), 4);
  const slowScan = parseScannerSettings({ cycle: '100ms', objectsPerSec: '400', scrubInterval: 'off' });
  const ol = await openObjectLayer({ drives, parity: 2, scanner: slowScan });
  try {
    await ol.makeBucket('b');
    for (let i = 0; i < 200; i++) await put(ol, 'b', `k${String(i).padStart(3, '0')}`, Buffer.alloc(1));
    await until('a pass to start', () => ol.scanStatus().current !== undefined);
    // Keys before and after the scanner's position change while it walks.
    for (let i = 0; i < 200; i += 10) await ol.deleteObject('b', `k${String(i).padStart(3, '0')}`);
    for (let i = 0; i < 20; i++) await put(ol, 'b', `new${i}`, Buffer.alloc(5));
    const passes = ol.scanStatus().passes;
    await until('the pass to end', () => ol.scanStatus().passes > passes, 20_000);
    assert.deepEqual(await ol.bucketUsage('b'), { objects: 200, bytes: 180 + 100 });
  } finally {
    await ol.close();
  }
});

test('visitors see every object of a pass (the lifecycle hook)', async () => {
  const drives = drivePaths(join(tmp.root, 'visit'), 4);
  const ol = (await openObjectLayer({
    drives,
    parity: 2,
    scanner: FAST,
  })) as ObjectLayer as ErasureObjectLayer;
  try {
    await ol.makeBucket('a');
    await ol.makeBucket('b');
    await put(ol, 'a', 'x', Buffer.alloc(3));
    await put(ol, 'b', 'y', Buffer.alloc(4));
    const seen: string[] = [];
    ol.scanner.addVisitor(({ bucket, key, record }) => {
      seen.push(`${bucket}/${key}:${record.size}`);
    });
    const passes = ol.scanStatus().passes;
    await until('a pass', () => ol.scanStatus().passes > passes + 1);
    assert.ok(seen.includes('a/x:3') && seen.includes('b/y:4'), seen.join(' '));
  } finally {
    await ol.close();
  }
});

test('the capacity limit reads the usage counters, counting a bucket with none saved before the first write', async () => {
  const drives = drivePaths(join(tmp.root, 'capacity'), 4);
  const first = await openObjectLayer({ drives, parity: 2, scanner: IDLE });
  await first.makeBucket('a');
  await first.makeBucket('b');
  await put(first, 'a', 'x', Buffer.alloc(600));
  await put(first, 'b', 'y', Buffer.alloc(300));
  await first.close();
  // Drives written before usage was kept: no counter saved for either bucket.
  const tamper = await openObjectLayer({ drives, parity: 2, scanner: IDLE });
  await tamper.putSystemConfig('scanner/usage', Buffer.from(JSON.stringify({ version: 1, buckets: {} })));
  await tamper.close();

  const ol = await openObjectLayer({ drives, parity: 2, scanner: IDLE });
  const storageFull = (err: unknown) => err instanceof ObjectLayerError && err.kind === 'StorageFull';
  try {
    ol.setWriteLimits({ capacity: 1000 });
    await assert.rejects(
      put(ol, 'a', 'z', Buffer.alloc(101)),
      storageFull,
      '900 stored: 101 more passes 1000',
    );
    await put(ol, 'b', 'z', Buffer.alloc(100));
    await assert.rejects(put(ol, 'a', 'one', Buffer.alloc(1)), storageFull, 'full at exactly the capacity');
    await ol.deleteObject('a', 'x');
    await put(ol, 'a', 'w', Buffer.alloc(600));
    assert.deepEqual(await ol.bucketUsage('a'), { objects: 1, bytes: 600 });
    assert.equal(ol.scanStatus().passes, 0, 'no scanner pass ran: the capacity counted the buckets itself');
  } finally {
    await ol.close();
  }
});
