import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import {
  bodyOf,
  drivePaths,
  filesUnder,
  get,
  pattern,
  put,
  readAll,
  tempRoot,
} from '../../test/helpers/object-layer-support.js';
import { checksumBase64 } from '../util/checksum.js';
import { createLogger } from '../util/pino-logger.js';
import { type ErasureObjectLayer, openObjectLayer } from './erasure-object-layer.js';
import { ObjectLayerError } from './errors.js';
import type { ObjectLayer } from './object-layer.js';

/** The real logger, writing its JSON lines into `lines`. */
function collectingLogger(lines: string[]) {
  return createLogger({ level: 'debug', human: false, destination: { write: (l: string) => lines.push(l) } });
}

const KiB = 1024;
const MiB = 1024 * 1024;
const SIZES = [0, 1, 128 * KiB - 1, 128 * KiB, 128 * KiB + 1, MiB - 1, MiB, MiB + 1, 5 * MiB + 3];

const tmp = await tempRoot();
after(() => tmp.cleanup());
let n = 0;
/** A fresh set of `count` drives under the test root. */
function newDrives(count: number): string[] {
  return drivePaths(join(tmp.root, `set${n++}`), count);
}

function isKind(kind: string) {
  return (err: unknown) => err instanceof ObjectLayerError && err.kind === kind;
}

async function open(drives: string[], parity?: number): Promise<ObjectLayer> {
  return openObjectLayer(parity === undefined ? { drives } : { drives, parity });
}

/** Shard files of one object on each drive (data dirs only), absolute paths. */
async function shardFiles(drives: string[]): Promise<string[][]> {
  return Promise.all(
    drives.map(async (d) => (await filesUnder(join(d, 'data'))).map((f) => join(d, 'data', f))),
  );
}

async function tempAndDataFiles(drives: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of drives) {
    out.push(...(await filesUnder(join(d, '.cairn.sys', 'tmp'))));
    out.push(...(await filesUnder(join(d, 'data'))));
  }
  return out;
}

for (const [count, parity] of [
  [1, undefined],
  [4, 2],
  [6, undefined],
] as const) {
  test(`round trip of every size boundary on ${count} drive(s)`, async () => {
    const ol = await open(newDrives(count), parity);
    await ol.makeBucket('b');
    for (const size of SIZES) {
      const data = pattern(size, size);
      const info = await put(ol, 'b', `k${size}`, data, { metadata: { 'content-type': 'x/y' } });
      assert.equal(info.etag, createHash('md5').update(data).digest('hex'));
      assert.equal(info.size, size);
      const back = await get(ol, 'b', `k${size}`);
      assert.ok(back.equals(data), `size ${size} reads back byte-exact`);
      const head = await ol.getObjectInfo('b', `k${size}`);
      assert.equal(head.etag, info.etag);
      assert.deepEqual(head.metadata, { 'content-type': 'x/y' });
    }
    await ol.close();
  });
}

test('ranges return exactly the requested bytes', async () => {
  const ol = await open(newDrives(4), 2);
  await ol.makeBucket('b');
  const data = pattern(5 * MiB + 3);
  await put(ol, 'b', 'big', data);
  const small = pattern(1000);
  await put(ol, 'b', 'small', small);
  for (const [start, end] of [
    [0, 0],
    [0, data.length - 1],
    [MiB - 1, MiB],
    [3 * MiB + 17, 4 * MiB + 99],
    [data.length - 1, data.length - 1],
    [262143, 262144],
  ] as const) {
    assert.ok(
      (await get(ol, 'b', 'big', { start, end })).equals(data.subarray(start, end + 1)),
      `${start}-${end}`,
    );
  }
  assert.ok((await get(ol, 'b', 'small', { start: 10, end: 20 })).equals(small.subarray(10, 21)));
  const r = await ol.openObject('b', 'small');
  assert.throws(() => r.read({ start: 5, end: 1000 }), isKind('InvalidRange'));
  await ol.close();
});

describe('degraded reads on 4 drives with parity 2', () => {
  const big = pattern(5 * MiB + 3, 7);
  const inline = pattern(100 * KiB, 8);

  async function setup() {
    const drives = newDrives(4);
    const ol = await open(drives, 2);
    await ol.makeBucket('b');
    await put(ol, 'b', 'big', big);
    await put(ol, 'b', 'inline', inline);
    return { drives, ol };
  }

  test('two drive directories removed: reads are byte-exact', async () => {
    const { drives, ol } = await setup();
    await rm(drives[0] as string, { recursive: true, force: true });
    await rm(drives[3] as string, { recursive: true, force: true });
    assert.ok((await get(ol, 'b', 'big')).equals(big));
    assert.ok(
      (await get(ol, 'b', 'big', { start: MiB + 5, end: 3 * MiB })).equals(
        big.subarray(MiB + 5, 3 * MiB + 1),
      ),
    );
    assert.ok((await get(ol, 'b', 'inline')).equals(inline));
    await ol.close();
  });

  test('two drives emptied and restarted: reads are exact and healing refills them', async () => {
    const { drives, ol } = await setup();
    await ol.close();
    await rm(drives[1] as string, { recursive: true, force: true });
    await rm(drives[2] as string, { recursive: true, force: true });
    const again = (await open(drives)) as ErasureObjectLayer;
    assert.ok((await get(again, 'b', 'big')).equals(big));
    assert.ok((await get(again, 'b', 'inline')).equals(inline));
    const listed = await again.listObjects('b', { prefix: '', delimiter: '', after: '', maxKeys: 10 });
    assert.deepEqual(
      listed.objects.map((o) => o.key),
      ['big', 'inline'],
    );
    await again.idle();
    await again.close();
    // The two healed drives now carry the data: lose the other two and read again.
    await rm(drives[0] as string, { recursive: true, force: true });
    await rm(drives[3] as string, { recursive: true, force: true });
    const healed = await open(drives);
    assert.ok((await get(healed, 'b', 'big')).equals(big));
    assert.ok((await get(healed, 'b', 'inline')).equals(inline));
    await healed.close();
  });

  test('bytes flipped in shard files of two drives: reads are byte-exact, then healed', async () => {
    const { drives, ol } = await setup();
    const files = await shardFiles(drives);
    for (const d of [0, 2]) {
      const f = (files[d] as string[])[0] as string;
      const buf = await readFile(f);
      for (let i = 100; i < buf.length; i += 300_000) buf[i] = (buf[i] as number) ^ 0x5a;
      await writeFile(f, buf);
    }
    assert.ok((await get(ol, 'b', 'big')).equals(big));
    await (ol as ErasureObjectLayer).idle();
    // After healing, two other drives can fail and the data still reads.
    await rm(drives[1] as string, { recursive: true, force: true });
    await rm(drives[3] as string, { recursive: true, force: true });
    assert.ok((await get(ol, 'b', 'big')).equals(big));
    await ol.close();
  });

  test('truncated shard files on two drives: reads are byte-exact', async () => {
    const { drives, ol } = await setup();
    const files = await shardFiles(drives);
    for (const d of [1, 3]) {
      const f = (files[d] as string[])[0] as string;
      const buf = await readFile(f);
      await writeFile(f, buf.subarray(0, Math.floor(buf.length / 2)));
    }
    assert.ok((await get(ol, 'b', 'big')).equals(big));
    await ol.close();
  });

  test('a third failed drive makes the read fail with ReadQuorum', async () => {
    const { drives, ol } = await setup();
    for (const d of [0, 1, 2]) await rm(join(drives[d] as string, 'data'), { recursive: true, force: true });
    await assert.rejects(get(ol, 'b', 'big'), isKind('ReadQuorum'));
    await ol.close();
  });
});

/** A dead disk whose mount point is gone: a plain file where the drive directory was. */
async function killDrive(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  await writeFile(path, 'this drive has failed\n');
}

test('openRead rejects with ReadQuorum before any byte when the first block of the range cannot be read', async () => {
  const drives = newDrives(4);
  const ol = await open(drives, 2);
  await ol.makeBucket('b');
  const data = pattern(3 * MiB + 5);
  await put(ol, 'b', 'big', data);
  for (const d of [0, 2]) await rm(join(drives[d] as string, 'data'), { recursive: true, force: true });
  // Two shards of four gone: still readable, through openRead as through read.
  const ok = await ol.openObject('b', 'big');
  assert.ok(
    (await readAll(await ok.openRead({ start: 2 * MiB + 1, end: 3 * MiB }))).equals(
      data.subarray(2 * MiB + 1, 3 * MiB + 1),
    ),
  );
  assert.ok((await readAll(await ok.openRead())).equals(data));
  await rm(join(drives[1] as string, 'data'), { recursive: true, force: true });
  const reader = await ol.openObject('b', 'big');
  await assert.rejects(reader.openRead(), isKind('ReadQuorum'));
  await assert.rejects(reader.openRead({ start: 2 * MiB, end: 2 * MiB + 9 }), isKind('ReadQuorum'));
  await ol.close();
});

test('a drive that cannot be opened at start is offline: reads reconstruct and writes reach quorum without it', async () => {
  const drives = newDrives(4);
  let ol = await open(drives, 2);
  await ol.makeBucket('b');
  const small = pattern(10 * KiB, 3);
  const big = pattern(2 * MiB + 1, 4);
  await put(ol, 'b', 'small', small);
  await put(ol, 'b', 'big', big);
  await ol.close();
  await killDrive(drives[1] as string);
  const logs: string[] = [];
  ol = await openObjectLayer({ drives, parity: 2, logger: collectingLogger(logs) });
  assert.ok(
    logs.some((m) => m.includes(`${drives[1]} is offline`) && m.includes('ENOTDIR')),
    logs.join('\n'),
  );
  assert.ok((await get(ol, 'b', 'small')).equals(small));
  assert.ok((await get(ol, 'b', 'big')).equals(big));
  await put(ol, 'b', 'new-small', small);
  await put(ol, 'b', 'new-big', big);
  assert.ok((await get(ol, 'b', 'new-big')).equals(big));
  const listed = await ol.listObjects('b', { prefix: '', delimiter: '', after: '', maxKeys: 10 });
  assert.deepEqual(
    listed.objects.map((o) => o.key),
    ['big', 'new-big', 'new-small', 'small'],
  );
  await ol.close();
});

test('drives failing while running: an inline PUT fails with WriteQuorum once 2 of 4 are gone, and reads stay exact', async () => {
  const drives = newDrives(4);
  const logs: string[] = [];
  const ol = await openObjectLayer({ drives, parity: 2, logger: collectingLogger(logs) });
  await ol.makeBucket('b');
  const small = pattern(10, 5);
  await put(ol, 'b', 'before', small);
  await killDrive(drives[1] as string);
  await put(ol, 'b', 'one-gone', small); // 3 of 4: write quorum
  await killDrive(drives[3] as string);
  // Their LMDB environments are still open on unlinked files; the commits must not count.
  await assert.rejects(put(ol, 'b', 'two-gone', small), isKind('WriteQuorum'));
  await assert.rejects(ol.getObjectInfo('b', 'two-gone'), isKind('NoSuchKey'));
  assert.ok((await get(ol, 'b', 'before')).equals(small));
  assert.ok((await get(ol, 'b', 'one-gone')).equals(small));
  assert.ok(
    logs.some((m) => m.includes(`${drives[3]} went offline`)),
    logs.join('\n'),
  );
  await ol.close();
});

test('an inline overwrite that fails on write quorum puts the previous version back whole, shards included', async () => {
  const drives = newDrives(4);
  const ol = await openObjectLayer({ drives, parity: 2 });
  try {
    await ol.makeBucket('b');
    const before = pattern(3 * KiB, 7);
    await put(ol, 'b', 'k', before);
    await killDrive(drives[2] as string);
    await killDrive(drives[3] as string);
    // Drives 0 and 1 commit the overwrite (dropping the old inline shard), then revert it.
    await assert.rejects(put(ol, 'b', 'k', pattern(3 * KiB, 8)), isKind('WriteQuorum'));
    // Only the two reverted drives answer now: the old version must read back from their shards.
    assert.ok((await get(ol, 'b', 'k')).equals(before));
  } finally {
    await ol.close();
  }
});

test('a write reaching fewer than write quorum drives fails with WriteQuorum and leaves nothing', async () => {
  const drives = newDrives(4);
  const ol = await open(drives, 2);
  await ol.makeBucket('b');
  await rm(drives[0] as string, { recursive: true, force: true });
  await put(ol, 'b', 'ok', pattern(2 * MiB)); // 3 drives: still write quorum
  await rm(drives[1] as string, { recursive: true, force: true });
  await assert.rejects(put(ol, 'b', 'fails', pattern(2 * MiB)), isKind('WriteQuorum'));
  await assert.rejects(ol.getObjectInfo('b', 'fails'), isKind('NoSuchKey'));
  for (const d of drives.slice(2)) assert.deepEqual(await filesUnder(join(d, '.cairn.sys', 'tmp')), []);
  await ol.close();
});

describe('rejected bodies leave no object and no files', () => {
  for (const size of [10 * KiB, 3 * MiB]) {
    test(`BadDigest, ChecksumMismatch, short and long bodies (${size} bytes)`, async () => {
      const drives = newDrives(4);
      const ol = await open(drives, 2);
      await ol.makeBucket('b');
      const data = pattern(size);
      await assert.rejects(put(ol, 'b', 'k', data, { contentMd5: Buffer.alloc(16) }), isKind('BadDigest'));
      await assert.rejects(
        put(ol, 'b', 'k', data, { checksum: { algorithm: 'CRC32C', expected: () => 'AAAAAA==' } }),
        isKind('ChecksumMismatch'),
      );
      await assert.rejects(
        ol.putObject('b', 'k', bodyOf(data.subarray(0, size - 1)), { size, metadata: {} }),
        isKind('IncompleteBody'),
      );
      await assert.rejects(
        ol.putObject('b', 'k', bodyOf(Buffer.concat([data, Buffer.from('x')])), { size, metadata: {} }),
        isKind('InvalidArgument'),
      );
      const failing = new Readable({
        read() {
          this.destroy(new Error('client went away'));
        },
      });
      await assert.rejects(ol.putObject('b', 'k', failing, { size, metadata: {} }), /client went away/);
      await assert.rejects(ol.getObjectInfo('b', 'k'), isKind('NoSuchKey'));
      assert.deepEqual(await tempAndDataFiles(drives), []);
      const listed = await ol.listObjects('b', { prefix: '', delimiter: '', after: '', maxKeys: 10 });
      assert.equal(listed.objects.length, 0);
      // and a good checksum is stored
      const info = await put(ol, 'b', 'k', data, {
        contentMd5: createHash('md5').update(data).digest(),
        checksum: { algorithm: 'CRC32C', expected: () => checksumBase64('CRC32C', data) },
      });
      assert.deepEqual(info.checksum, {
        algorithm: 'CRC32C',
        value: checksumBase64('CRC32C', data),
        type: 'FULL_OBJECT',
      });
      await ol.close();
    });
  }
});

test('overwrites and deletes remove the old data files', async () => {
  const drives = newDrives(4);
  const ol = await open(drives, 2);
  await ol.makeBucket('b');
  await put(ol, 'b', 'k', pattern(2 * MiB, 1));
  const first = (await shardFiles(drives)).flat();
  await put(ol, 'b', 'k', pattern(3 * MiB, 2));
  const second = (await shardFiles(drives)).flat();
  assert.equal(second.length, 4);
  assert.ok(second.every((f) => !first.includes(f)));
  assert.ok((await get(ol, 'b', 'k')).equals(pattern(3 * MiB, 2)));
  await put(ol, 'b', 'k', pattern(10, 3)); // inline replaces files
  assert.deepEqual((await shardFiles(drives)).flat(), []);
  await ol.deleteObject('b', 'k');
  await ol.deleteObject('b', 'k'); // idempotent
  await assert.rejects(ol.getObjectInfo('b', 'k'), isKind('NoSuchKey'));
  await assert.rejects(ol.deleteObject('nope', 'k'), isKind('NoSuchBucket'));
  await ol.close();
});

test('a read that started before an overwrite finishes with the old bytes', async () => {
  const ol = await open(newDrives(4), 2);
  await ol.makeBucket('b');
  const v1 = pattern(4 * MiB, 1);
  await put(ol, 'b', 'k', v1);
  const reader = await ol.openObject('b', 'k');
  await put(ol, 'b', 'k', pattern(4 * MiB, 2));
  const chunks: Buffer[] = [];
  for await (const c of reader.read()) chunks.push(c);
  assert.ok(Buffer.concat(chunks).equals(v1));
  await ol.close();
});

test('a read of an inline object that started before an overwrite finishes with the old bytes', async () => {
  const ol = await open(newDrives(4), 2);
  await ol.makeBucket('b');
  const v1 = pattern(4 * KiB, 1);
  await put(ol, 'b', 'k', v1);
  const reader = await ol.openObject('b', 'k');
  await put(ol, 'b', 'k', pattern(4 * KiB, 2));
  const chunks: Buffer[] = [];
  for await (const c of reader.read({ start: 1, end: 4 * KiB - 1 })) chunks.push(c);
  assert.ok(Buffer.concat(chunks).equals(v1.subarray(1)));
  assert.ok(reader.readBuffer?.().equals(v1));
  await ol.close();
});

test('If-None-Match * and If-Match are enforced', async () => {
  const ol = await open(newDrives(1));
  await ol.makeBucket('b');
  await assert.rejects(put(ol, 'b', 'k', pattern(5), { ifMatch: '"abc"' }), isKind('NoSuchKey'));
  const v1 = await put(ol, 'b', 'k', pattern(5), { ifNoneMatch: '*' });
  await assert.rejects(put(ol, 'b', 'k', pattern(6), { ifNoneMatch: '*' }), isKind('PreconditionFailed'));
  await assert.rejects(put(ol, 'b', 'k', pattern(6), { ifMatch: '"0000"' }), isKind('PreconditionFailed'));
  const v2 = await put(ol, 'b', 'k', pattern(7), { ifMatch: `"${v1.etag}"` });
  assert.equal((await ol.getObjectInfo('b', 'k')).etag, v2.etag);
  await ol.close();
});

test('concurrent puts of the same key with If-None-Match: exactly one wins', async () => {
  const ol = await open(newDrives(4), 2);
  await ol.makeBucket('b');
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => put(ol, 'b', 'race', pattern(1000, i), { ifNoneMatch: '*' })),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  await ol.close();
});

test('200 concurrent small puts all complete and read back', async () => {
  const ol = await open(newDrives(4), 2);
  await ol.makeBucket('b');
  await Promise.all(Array.from({ length: 200 }, (_, i) => put(ol, 'b', `obj/${i}`, pattern(4096, i))));
  for (let i = 0; i < 200; i++) assert.ok((await get(ol, 'b', `obj/${i}`)).equals(pattern(4096, i)));
  const page = await ol.listObjects('b', { prefix: 'obj/', delimiter: '', after: '', maxKeys: 1000 });
  assert.equal(page.objects.length, 200);
  await ol.close();
});

test('buckets: create, list, info, delete only when empty', async () => {
  const ol = await open(newDrives(4), 2);
  await ol.makeBucket('b1');
  await ol.makeBucket('a2');
  await assert.rejects(ol.makeBucket('b1'), isKind('BucketAlreadyOwnedByYou'));
  assert.deepEqual(
    (await ol.listBuckets()).map((b) => b.name),
    ['a2', 'b1'],
  );
  assert.ok((await ol.getBucketInfo('b1')).created instanceof Date);
  await put(ol, 'b1', 'k', pattern(10));
  await assert.rejects(ol.deleteBucket('b1'), isKind('BucketNotEmpty'));
  await ol.deleteObject('b1', 'k');
  const up = await ol.createMultipartUpload('b1', 'm', { metadata: {} });
  await assert.rejects(ol.deleteBucket('b1'), isKind('BucketNotEmpty'));
  await ol.abortMultipartUpload('b1', 'm', { uploadId: up });
  await ol.deleteBucket('b1');
  await assert.rejects(ol.getBucketInfo('b1'), isKind('NoSuchBucket'));
  await assert.rejects(put(ol, 'b1', 'k', pattern(1)), isKind('NoSuchBucket'));
  await ol.close();
});

test('objects survive a restart', async () => {
  const drives = newDrives(4);
  const ol = await open(drives, 2);
  await ol.makeBucket('b');
  await put(ol, 'b', 'big', pattern(3 * MiB));
  await put(ol, 'b', 'small', pattern(3));
  await ol.close();
  const again = await open(drives);
  assert.ok((await get(again, 'b', 'big')).equals(pattern(3 * MiB)));
  assert.ok((await get(again, 'b', 'small')).equals(pattern(3)));
  await again.close();
});
