import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ShardStream } from './drive.js';
import { DriveError } from './errors.js';
import { LocalDrive } from './local-drive.js';
import { LIVENESS_TTL_MS } from './monitored-drive.js';
import { openDrive } from './open-drive.js';

const root = await mkdtemp(join(tmpdir(), 'cairn-drive-'));
after(() => rm(root, { recursive: true, force: true }));
const ref = { bucketId: '0123456789abcdef', dataId: 'aa'.repeat(16) };

/** A local drive at `path`, mounted (its directory created). */
async function mounted(path: string): Promise<LocalDrive> {
  const d = new LocalDrive(path);
  await d.mount({ createRoot: true });
  return d;
}

/** The same, as the server opens it: under its liveness monitor. */
async function monitored(path: string) {
  const d = openDrive(path);
  await d.mount({ createRoot: true });
  return d;
}

async function readAll(stream: ShardStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

test('metadata commits are atomic batches and scans come back sorted within bounds', async () => {
  const d = await mounted(join(root, 'm'));
  const key = (s: string) => Buffer.from(s);
  await Promise.all(
    ['b', 'a', 'c', 'd'].map((k) =>
      d.metaCommit([{ op: 'put', table: 'objects', key: key(k), value: key(`v${k}`) }]),
    ),
  );
  await d.metaCommit([
    { op: 'del', table: 'objects', key: key('c') },
    { op: 'put', table: 'refs', key: key('x'), value: key('1') },
  ]);
  const all = await d.metaScan('objects', { start: key('a'), limit: 10 });
  assert.deepEqual(
    all.map((e) => e.key.toString()),
    ['a', 'b', 'd'],
  );
  const page = await d.metaScan('objects', {
    start: key('a'),
    startExclusive: true,
    end: key('d'),
    limit: 10,
  });
  assert.deepEqual(
    page.map((e) => e.key.toString()),
    ['b'],
  );
  assert.equal((await d.metaGet('refs', key('x')))?.toString(), '1');
  assert.equal(await d.metaGet('objects', key('c')), undefined);
  await d.close();
  const again = await mounted(join(root, 'm'));
  assert.equal((await again.metaGet('objects', key('d')))?.toString(), 'vd');
  await again.close();
});

test('a collapsing scan returns one entry per delimited group and seeks past it', async () => {
  const d = await mounted(join(root, 'c'));
  const key = (s: string) => Buffer.from(s);
  const keys = ['p/a/1', 'p/a/2', 'p/b', 'p/c/x/y', 'p/c/z', 'p/d/1', 'q/1', 'p/e\u0000/1'];
  await d.metaCommit(keys.map((k) => ({ op: 'put', table: 'objects', key: key(k), value: key(`v${k}`) })));
  const collapse = { delimiter: key('/'), from: 2 };
  const page = await d.metaScan('objects', { start: key('p/'), end: key('p0'), limit: 10, collapse });
  assert.deepEqual(
    page.map((e) => [e.key.toString(), e.group?.toString(), e.value.toString()]),
    [
      ['p/a/1', 'p/a/', 'vp/a/1'],
      ['p/b', undefined, 'vp/b'],
      ['p/c/x/y', 'p/c/', 'vp/c/x/y'],
      ['p/d/1', 'p/d/', 'vp/d/1'],
      ['p/e\u0000/1', 'p/e\u0000/', 'vp/e\u0000/1'],
    ],
  );
  const two = await d.metaScan('objects', { start: key('p/'), end: key('p0'), limit: 2, collapse });
  assert.deepEqual(
    two.map((e) => e.key.toString()),
    ['p/a/1', 'p/b'],
  );
  // A delimiter inside the ignored suffix does not roll a key up.
  const tail = await d.metaScan('objects', {
    start: key('p/c/'),
    end: key('p0'),
    limit: 10,
    collapse: { delimiter: key('/'), from: 4, suffix: 2 },
  });
  assert.deepEqual(
    tail.map((e) => [e.key.toString(), e.group?.toString()]),
    [
      ['p/c/x/y', undefined],
      ['p/c/z', undefined],
      ['p/d/1', undefined],
      ['p/e\u0000/1', undefined],
    ],
  );
  await d.close();
});

test('shard files are written in the temp area, then moved under the data id', async () => {
  const d = await mounted(join(root, 's'));
  const w = await d.createTempFile('bb'.repeat(16), 'part.1');
  await w.write([Buffer.from('hello '), Buffer.from('world')]);
  await w.finish();
  await d.commitTemp('bb'.repeat(16), ref);
  assert.deepEqual(await readdir(join(root, 's', '.cairn.sys', 'tmp')), []);
  assert.equal((await readAll(await d.readFileStream(ref, 'part.1', 6, 100))).toString(), 'world');
  // a second temp dir moves into the existing data dir (another part of an upload)
  const w2 = await d.createTempFile('cc'.repeat(16), 'part.2');
  await w2.write([Buffer.from('x')]);
  await w2.finish();
  await d.commitTemp('cc'.repeat(16), ref);
  assert.deepEqual((await readdir(join(root, 's', 'data', ref.bucketId, 'aa', ref.dataId))).sort(), [
    'part.1',
    'part.2',
  ]);
  await assert.rejects(
    d.readFileStream(ref, 'part.9', 0, 1),
    (e: unknown) => e instanceof DriveError && e.kind === 'FileNotFound',
  );
  await d.close();
});

test('a range of a shard file streams in chunks of the asked size, ending where the range or the file ends', async () => {
  const d = await mounted(join(root, 'r'));
  const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
  const w = await d.createTempFile('ab'.repeat(16), 'part.1');
  await w.write([bytes]);
  await w.finish();
  await d.commitTemp('ab'.repeat(16), ref);
  const chunks = async (offset: number, length: number, chunkSize: number) => {
    const out: Buffer[] = [];
    for await (const c of await d.readFileStream(ref, 'part.1', offset, length, { chunkSize })) out.push(c);
    return out;
  };
  // Within one chunk, across chunks, and past the end of the file (a short file: fewer bytes).
  assert.deepEqual(await chunks(10, 5, 32), [bytes.subarray(10, 15)]);
  const across = await chunks(30, 50, 16);
  assert.deepEqual(
    across.map((c) => c.length),
    [16, 16, 16, 2],
  );
  assert.deepEqual(Buffer.concat(across), bytes.subarray(30, 80));
  const short = await chunks(90, 50, 8);
  assert.deepEqual(
    short.map((c) => c.length),
    [8, 2],
  );
  assert.deepEqual(Buffer.concat(short), bytes.subarray(90));
  assert.deepEqual(await chunks(100, 10, 8), []);
  assert.deepEqual(await chunks(5, 0, 8), []);
  // Stopping early releases the file; a closed stream yields nothing more.
  const s = await d.readFileStream(ref, 'part.1', 0, 100, { chunkSize: 10 });
  const it = s[Symbol.asyncIterator]();
  assert.deepEqual((await it.next()).value, bytes.subarray(0, 10));
  await s.close();
  assert.equal((await it.next()).done, true);
  await assert.rejects(d.readFileStream(ref, 'part.1', -1, 10), DriveError);
  // Pulls asked for together are read together and come back in order.
  const together = (await d.readFileStream(ref, 'part.1', 20, 30, { chunkSize: 10 }))[Symbol.asyncIterator]();
  const got = await Promise.all([together.next(), together.next(), together.next(), together.next()]);
  assert.deepEqual(
    got.map((r) => (r.done ? 'done' : r.value.toString('hex'))),
    [bytes.subarray(20, 30), bytes.subarray(30, 40), bytes.subarray(40, 50)]
      .map((b) => b.toString('hex'))
      .concat('done'),
  );
  // Once its signal aborts, a stream's pulls fail with the reason.
  const ac = new AbortController();
  const aborted = (await d.readFileStream(ref, 'part.1', 0, 100, { chunkSize: 10, signal: ac.signal }))[
    Symbol.asyncIterator
  ]();
  assert.deepEqual((await aborted.next()).value, bytes.subarray(0, 10));
  ac.abort(new Error('deadline'));
  await assert.rejects(aborted.next(), /deadline/);
  await d.close();
});

test('index tables are opened by name: absent ones read empty, a commit creates one, and it is there after a reopen', async () => {
  const path = join(root, 't');
  const d = await mounted(path);
  const k = Buffer.from('k');
  assert.equal(await d.metaGet('versions', k), undefined);
  assert.deepEqual(await d.metaScan('versions', { start: Buffer.alloc(0), limit: 10 }), []);
  await d.metaCommit([
    { op: 'put', table: 'versions', key: k, value: Buffer.from('1') },
    { op: 'put', table: 'policies', key: k, value: Buffer.from('2') },
  ]);
  assert.equal((await d.metaGet('versions', k))?.toString(), '1');
  await d.close();
  const again = await mounted(path);
  assert.equal((await again.metaGet('versions', k))?.toString(), '1');
  assert.equal((await again.metaGet('policies', k))?.toString(), '2');
  assert.equal(await again.metaGet('other', k), undefined);
  await again.close();
});

test('ids and file names that could escape the drive are refused', async () => {
  const d = await mounted(join(root, 'p'));
  await assert.rejects(d.createTempFile('../../etc', 'x'), DriveError);
  await assert.rejects(d.readFileStream(ref, '../x', 0, 1), DriveError);
  await assert.rejects(d.readFileStream({ bucketId: '..', dataId: ref.dataId }, 'part.1', 0, 1), DriveError);
  await assert.rejects(
    d.metaCommit([{ op: 'put', table: '../x', key: Buffer.from('k'), value: Buffer.from('v') }]),
    DriveError,
  );
  await d.close();
});

test('sweep removes old temp entries and unreferenced data dirs, keeping referenced ones', async () => {
  const d = await mounted(join(root, 'w'));
  for (const id of ['dd'.repeat(16), 'ee'.repeat(16)]) {
    const w = await d.createTempFile(id, 'part.1');
    await w.finish();
    await d.commitTemp(id, { bucketId: ref.bucketId, dataId: id });
  }
  const stale = await d.createTempFile('ff'.repeat(16), 'part.1');
  await stale.finish();
  await d.metaCommit([
    { op: 'put', table: 'refs', key: Buffer.from('dd'.repeat(16)), value: Buffer.from('{}') },
  ]);
  const past = new Date(Date.now() - 60_000);
  for (const p of [
    join(root, 'w', '.cairn.sys', 'tmp', 'ff'.repeat(16)),
    join(root, 'w', 'data', ref.bucketId, 'dd', 'dd'.repeat(16)),
    join(root, 'w', 'data', ref.bucketId, 'ee', 'ee'.repeat(16)),
  ])
    await utimes(p, past, past);
  assert.equal(await d.sweep({ olderThan: Date.now(), refsTable: 'refs' }), 2);
  assert.deepEqual(await readdir(join(root, 'w', 'data', ref.bucketId, 'dd')), ['dd'.repeat(16)]);
  assert.deepEqual(await readdir(join(root, 'w', 'data', ref.bucketId, 'ee')), []);
  await d.close();
});

const isOffline = (e: unknown) => e instanceof DriveError && e.kind === 'DriveOffline';

test('a drive whose directory is replaced by a file goes offline: commits fail and its index is no longer read', async () => {
  const path = join(root, 'gone');
  const d = await monitored(path);
  const key = Buffer.from('k');
  await d.metaCommit([{ op: 'put', table: 'objects', key, value: Buffer.from('v') }]);
  assert.equal(d.online, true);
  await rm(path, { recursive: true, force: true });
  await writeFile(path, 'this drive has failed\n');
  // The LMDB environment is still open on the unlinked files and would commit: the drive must not.
  await assert.rejects(
    d.metaCommit([{ op: 'put', table: 'objects', key: Buffer.from('k2'), value: Buffer.from('v') }]),
    isOffline,
  );
  assert.equal(d.online, false);
  await assert.rejects(d.metaGet('objects', key), isOffline);
  await assert.rejects(d.metaScan('objects', { start: Buffer.alloc(0), limit: 10 }), isOffline);
  await assert.rejects(d.createTempFile('ab'.repeat(16), 'part.1'), isOffline);
  await assert.rejects(d.readFileStream(ref, 'part.1', 0, 1), isOffline);
  await d.close();
});

test('a drive whose directory is removed and recreated empty goes offline within the liveness interval', async () => {
  const path = join(root, 'recreated');
  const d = await monitored(path);
  const key = Buffer.from('k');
  await d.metaCommit([{ op: 'put', table: 'objects', key, value: Buffer.from('v') }]);
  await rm(path, { recursive: true, force: true });
  await mkdir(path);
  // Reads trust a passed check for at most LIVENESS_TTL_MS, then look again.
  await new Promise((r) => setTimeout(r, LIVENESS_TTL_MS + 50));
  await assert.rejects(d.metaGet('objects', key), isOffline);
  assert.equal(d.online, false);
  await d.close();
});

test('a drive whose temp area vanished fails that write but stays online', async () => {
  const path = join(root, 'notmp');
  const d = await monitored(path);
  await rm(join(path, '.cairn.sys', 'tmp'), { recursive: true });
  await assert.rejects(d.createTempFile('ab'.repeat(16), 'part.1'), (e: unknown) => !isOffline(e));
  assert.equal(d.online, true);
  await d.metaCommit([{ op: 'put', table: 'objects', key: Buffer.from('k'), value: Buffer.from('v') }]);
  await d.close();
});
