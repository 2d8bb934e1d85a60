import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { drivePaths, put, tempRoot } from '../../test/helpers/object-layer-support.js';
import { openObjectLayer } from './erasure-object-layer.js';
import type { ListObjectsOptions, ObjectLayer } from './object-layer.js';

const tmp = await tempRoot();
let ol: ObjectLayer;
const KEYS = [
  'a.txt',
  'photos/2024/jan/1.jpg',
  'photos/2024/jan/2.jpg',
  'photos/2024/feb/1.jpg',
  'photos/2025/x.jpg',
  'photos/readme',
  'photos0',
  'z/',
  'z/inner',
  'é-accent',
  '日本',
];

before(async () => {
  ol = await openObjectLayer({ drives: drivePaths(join(tmp.root, 's'), 4), parity: 2 });
  await ol.makeBucket('b');
  await ol.makeBucket('other');
  await Promise.all(KEYS.map((k) => put(ol, 'b', k, Buffer.from(k))));
  await put(ol, 'other', 'a.txt', Buffer.from('x'));
});
after(async () => {
  await ol.close();
  await tmp.cleanup();
});

function list(opts: Partial<ListObjectsOptions>) {
  return ol.listObjects('b', { prefix: '', delimiter: '', after: '', maxKeys: 1000, ...opts });
}

/** Pages through a listing, returning everything and the number of pages. */
async function all(opts: Partial<ListObjectsOptions>) {
  const out: string[] = [];
  let after = '';
  let pages = 0;
  for (;;) {
    const r = await list({ ...opts, after });
    pages++;
    out.push(...r.objects.map((o) => o.key), ...r.commonPrefixes.map((p) => `${p}`));
    if (!r.isTruncated) break;
    assert.ok(r.nextAfter);
    after = r.nextAfter as string;
  }
  return { out, pages };
}

const utf8Sorted = [...KEYS].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

test('a flat listing returns every key of the bucket in UTF-8 order with sizes and ETags', async () => {
  const r = await list({});
  assert.deepEqual(
    r.objects.map((o) => o.key),
    utf8Sorted,
  );
  assert.equal(r.isTruncated, false);
  assert.equal(r.objects[0]?.size, 5);
  assert.match(r.objects[0]?.etag ?? '', /^[0-9a-f]{32}$/);
});

test('prefix limits keys; delimiter rolls keys up into common prefixes', async () => {
  const r = await list({ prefix: 'photos/', delimiter: '/' });
  assert.deepEqual(
    r.objects.map((o) => o.key),
    ['photos/readme'],
  );
  assert.deepEqual(r.commonPrefixes, ['photos/2024/', 'photos/2025/']);
  const top = await list({ delimiter: '/' });
  assert.deepEqual(top.commonPrefixes, ['photos/', 'z/']);
  assert.deepEqual(
    top.objects.map((o) => o.key),
    ['a.txt', 'photos0', 'é-accent', '日本'],
  );
});

test('maxKeys truncates, and nextAfter continues without repeats or gaps', async () => {
  const r = await list({ maxKeys: 3 });
  assert.equal(r.objects.length, 3);
  assert.equal(r.isTruncated, true);
  assert.equal(r.nextAfter, utf8Sorted[2]);
  const paged = await all({ maxKeys: 2 });
  assert.deepEqual(paged.out, utf8Sorted);
  assert.equal(paged.pages, 6);
});

test('pages over common prefixes skip a whole prefix after it was returned', async () => {
  const paged = await all({ delimiter: '/', maxKeys: 1 });
  assert.deepEqual(paged.out, ['a.txt', 'photos/', 'photos0', 'z/', 'é-accent', '日本']);
  const inner = await all({ prefix: 'photos/', delimiter: '/', maxKeys: 1 });
  assert.deepEqual(inner.out, ['photos/2024/', 'photos/2025/', 'photos/readme']);
});

test('after is exclusive and may fall between keys or before the prefix', async () => {
  assert.deepEqual(
    (await list({ after: 'photos/2024/jan/1.jpg', prefix: 'photos/2024/' })).objects.map((o) => o.key),
    ['photos/2024/jan/2.jpg'],
  );
  assert.deepEqual(
    (await list({ after: 'a', prefix: 'z' })).objects.map((o) => o.key),
    ['z/', 'z/inner'],
  );
  assert.equal((await list({ after: '日本' })).objects.length, 0);
});

test('a listing never shows another bucket or keys beyond the prefix', async () => {
  const r = await ol.listObjects('other', { prefix: '', delimiter: '', after: '', maxKeys: 10 });
  assert.deepEqual(
    r.objects.map((o) => o.key),
    ['a.txt'],
  );
  assert.deepEqual((await list({ prefix: 'photos' })).objects.map((o) => o.key).at(-1), 'photos0');
  assert.equal((await list({ prefix: 'nothing' })).objects.length, 0);
});

test('maxKeys 0 returns an empty, untruncated page', async () => {
  const r = await list({ maxKeys: 0 });
  assert.deepEqual(r, { objects: [], commonPrefixes: [], isTruncated: false });
});
