import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  bodyOf,
  drivePaths,
  filesUnder,
  get,
  pattern,
  tempRoot,
} from '../../test/helpers/object-layer-support.js';
import { checksumBase64, compositeChecksum } from '../util/checksum.js';
import { openObjectLayer } from './erasure-object-layer.js';
import { ObjectLayerError } from './errors.js';
import type { ObjectLayer } from './object-layer.js';

const MiB = 1024 * 1024;
const tmp = await tempRoot();
after(() => tmp.cleanup());
let n = 0;

function isKind(kind: string) {
  return (err: unknown) => err instanceof ObjectLayerError && err.kind === kind;
}

async function setup(count = 4) {
  const drives = drivePaths(join(tmp.root, `s${n++}`), count);
  const ol = await openObjectLayer({ drives, parity: count >= 4 ? 2 : 0 });
  await ol.makeBucket('b');
  return { ol, drives };
}

function uploadPart(
  ol: ObjectLayer,
  key: string,
  id: string,
  num: number,
  data: Buffer,
  algorithm?: 'SHA256',
) {
  return ol.uploadPart('b', key, bodyOf(data), {
    uploadId: id,
    partNumber: num,
    size: data.length,
    ...(algorithm ? { checksum: { algorithm, expected: () => undefined } } : {}),
  });
}

test('a completed upload reads back as the concatenation, with the multipart ETag and part access', async () => {
  const { ol, drives } = await setup();
  const id = await ol.createMultipartUpload('b', 'mp', { metadata: { 'content-type': 'a/b' } });
  const p1 = pattern(5 * MiB, 1);
  const p2 = pattern(5 * MiB + 7, 2);
  const p3 = pattern(1000, 3);
  const e3 = await uploadPart(ol, 'mp', id, 3, p3);
  const e1 = await uploadPart(ol, 'mp', id, 1, pattern(6 * MiB, 9)); // replaced below
  assert.notEqual(e1.etag, createHash('md5').update(p1).digest('hex'));
  const r1 = await uploadPart(ol, 'mp', id, 1, p1);
  const r2 = await uploadPart(ol, 'mp', id, 2, p2);
  const info = await ol.completeMultipartUpload('b', 'mp', {
    uploadId: id,
    parts: [
      { partNumber: 1, etag: `"${r1.etag}"` },
      { partNumber: 2, etag: r2.etag },
      { partNumber: 3, etag: e3.etag },
    ],
  });
  const md5s = Buffer.concat([p1, p2, p3].map((p) => createHash('md5').update(p).digest()));
  assert.equal(info.etag, `${createHash('md5').update(md5s).digest('hex')}-3`);
  assert.equal(info.size, p1.length + p2.length + p3.length);
  assert.deepEqual(
    info.parts?.map((p) => p.size),
    [p1.length, p2.length, p3.length],
  );
  const whole = Buffer.concat([p1, p2, p3]);
  assert.ok((await get(ol, 'b', 'mp')).equals(whole));
  const start = 5 * MiB - 10;
  const end = 10 * MiB + 20;
  assert.ok((await get(ol, 'b', 'mp', { start, end })).equals(whole.subarray(start, end + 1)));
  // Part 2 is where the sizes in `parts` put it (GET ?partNumber= reads it as this range).
  const part2 = { start: p1.length, end: p1.length + p2.length - 1 };
  assert.ok((await get(ol, 'b', 'mp', part2)).equals(p2));
  assert.equal((await ol.getObjectInfo('b', 'mp')).metadata['content-type'], 'a/b');
  // the replaced part 1 and nothing else is gone: exactly 3 part files per drive
  for (const d of drives) assert.equal((await filesUnder(join(d, 'data'))).length, 3);
  assert.equal(
    (
      await ol.listMultipartUploads('b', {
        prefix: '',
        delimiter: '',
        keyMarker: '',
        uploadIdMarker: '',
        maxUploads: 10,
      })
    ).uploads.length,
    0,
  );
  await assert.rejects(
    ol.listParts('b', 'mp', { uploadId: id, partNumberMarker: 0, maxParts: 10 }),
    isKind('NoSuchUpload'),
  );
  await ol.close();
});

test('complete validates order, existence, ETags and the 5 MiB minimum', async () => {
  const { ol } = await setup(1);
  const id = await ol.createMultipartUpload('b', 'k', { metadata: {} });
  const a = await uploadPart(ol, 'k', id, 1, pattern(1000, 1));
  const b = await uploadPart(ol, 'k', id, 2, pattern(1000, 2));
  const complete = (parts: { partNumber: number; etag: string }[]) =>
    ol.completeMultipartUpload('b', 'k', { uploadId: id, parts });
  await assert.rejects(
    complete([
      { partNumber: 2, etag: b.etag },
      { partNumber: 1, etag: a.etag },
    ]),
    isKind('InvalidPartOrder'),
  );
  await assert.rejects(
    complete([
      { partNumber: 1, etag: a.etag },
      { partNumber: 3, etag: b.etag },
    ]),
    isKind('InvalidPart'),
  );
  await assert.rejects(complete([{ partNumber: 1, etag: b.etag }]), isKind('InvalidPart'));
  await assert.rejects(
    complete([
      { partNumber: 1, etag: a.etag },
      { partNumber: 2, etag: b.etag },
    ]),
    isKind('EntityTooSmall'),
  );
  await assert.rejects(
    ol.completeMultipartUpload('b', 'k', {
      uploadId: 'f'.repeat(32),
      parts: [{ partNumber: 1, etag: a.etag }],
    }),
    isKind('NoSuchUpload'),
  );
  // a single small part is a valid upload (only non-last parts have a minimum)
  const info = await complete([{ partNumber: 2, etag: b.etag }]);
  assert.ok((await get(ol, 'b', 'k')).equals(pattern(1000, 2)));
  assert.match(info.etag, /-1$/);
  await ol.close();
});

test('abort removes the upload and its part files; later calls answer NoSuchUpload', async () => {
  const { ol, drives } = await setup();
  const id = await ol.createMultipartUpload('b', 'k', { metadata: {} });
  await uploadPart(ol, 'k', id, 1, pattern(2 * MiB));
  await ol.abortMultipartUpload('b', 'k', { uploadId: id });
  for (const d of drives) assert.deepEqual(await filesUnder(join(d, 'data')), []);
  await assert.rejects(ol.abortMultipartUpload('b', 'k', { uploadId: id }), isKind('NoSuchUpload'));
  await assert.rejects(uploadPart(ol, 'k', id, 2, pattern(10)), isKind('NoSuchUpload'));
  await assert.rejects(
    ol.listParts('b', 'k', { uploadId: id, partNumberMarker: 0, maxParts: 10 }),
    isKind('NoSuchUpload'),
  );
  await ol.close();
});

test('a bad part body leaves no part behind', async () => {
  const { ol, drives } = await setup();
  const id = await ol.createMultipartUpload('b', 'k', { metadata: {} });
  const data = pattern(2 * MiB);
  await assert.rejects(
    ol.uploadPart('b', 'k', bodyOf(data), {
      uploadId: id,
      partNumber: 1,
      size: data.length,
      contentMd5: Buffer.alloc(16),
    }),
    isKind('BadDigest'),
  );
  await assert.rejects(
    ol.uploadPart('b', 'k', bodyOf(data.subarray(1)), { uploadId: id, partNumber: 1, size: data.length }),
    isKind('IncompleteBody'),
  );
  const parts = await ol.listParts('b', 'k', { uploadId: id, partNumberMarker: 0, maxParts: 10 });
  assert.equal(parts.parts.length, 0);
  for (const d of drives) {
    assert.deepEqual(await filesUnder(join(d, 'data')), []);
    assert.deepEqual(await filesUnder(join(d, '.cairn.sys', 'tmp')), []);
  }
  await ol.close();
});

test('listParts pages with a marker; listMultipartUploads filters and pages', async () => {
  const { ol } = await setup(1);
  const id = await ol.createMultipartUpload('b', 'dir/k', { metadata: {}, checksumAlgorithm: 'SHA256' });
  for (let i = 1; i <= 5; i++) await uploadPart(ol, 'dir/k', id, i, pattern(100, i), 'SHA256');
  const first = await ol.listParts('b', 'dir/k', { uploadId: id, partNumberMarker: 0, maxParts: 2 });
  assert.deepEqual(
    first.parts.map((p) => p.partNumber),
    [1, 2],
  );
  assert.equal(first.isTruncated, true);
  assert.equal(first.nextPartNumberMarker, 2);
  assert.equal(first.parts[0]?.checksum, checksumBase64('SHA256', pattern(100, 1)));
  assert.equal(first.upload.checksumAlgorithm, 'SHA256');
  const rest = await ol.listParts('b', 'dir/k', { uploadId: id, partNumberMarker: 2, maxParts: 10 });
  assert.deepEqual(
    rest.parts.map((p) => p.partNumber),
    [3, 4, 5],
  );
  assert.equal(rest.isTruncated, false);

  const ids = [id];
  ids.push(await ol.createMultipartUpload('b', 'dir/k', { metadata: {} }));
  ids.push(await ol.createMultipartUpload('b', 'a', { metadata: {} }));
  ids.push(await ol.createMultipartUpload('b', 'top', { metadata: {} }));
  const lu = (o: object) =>
    ol.listMultipartUploads('b', {
      prefix: '',
      delimiter: '',
      keyMarker: '',
      uploadIdMarker: '',
      maxUploads: 100,
      ...o,
    });
  const everything = await lu({});
  assert.deepEqual(
    everything.uploads.map((u) => u.key),
    ['a', 'dir/k', 'dir/k', 'top'],
  );
  const rolled = await lu({ delimiter: '/' });
  assert.deepEqual(rolled.commonPrefixes, ['dir/']);
  assert.deepEqual(
    rolled.uploads.map((u) => u.key),
    ['a', 'top'],
  );
  const page1 = await lu({ maxUploads: 2 });
  assert.equal(page1.isTruncated, true);
  const page2 = await lu({
    maxUploads: 2,
    keyMarker: page1.nextKeyMarker,
    uploadIdMarker: page1.nextUploadIdMarker,
  });
  assert.deepEqual(
    [...page1.uploads, ...page2.uploads].map((u) => `${u.key}:${u.uploadId}`),
    everything.uploads.map((u) => `${u.key}:${u.uploadId}`),
  );
  assert.equal(page2.isTruncated, false);
  const afterKey = await lu({ keyMarker: 'dir/k' });
  assert.deepEqual(
    afterKey.uploads.map((u) => u.key),
    ['top'],
  );

  // composite checksum of a completed SHA256 upload
  const parts = first.parts.concat(rest.parts).slice(4);
  const info = await ol.completeMultipartUpload('b', 'dir/k', {
    uploadId: id,
    parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
  });
  assert.deepEqual(info.checksum, {
    algorithm: 'SHA256',
    type: 'COMPOSITE',
    value: compositeChecksum('SHA256', [createHash('sha256').update(pattern(100, 5)).digest()]),
  });
  await ol.close();
});

test('complete honours If-None-Match against an existing object', async () => {
  const { ol } = await setup(1);
  await ol.putObject('b', 'k', bodyOf(pattern(10)), { size: 10, metadata: {} });
  const id = await ol.createMultipartUpload('b', 'k', { metadata: {} });
  const p = await uploadPart(ol, 'k', id, 1, pattern(10, 2));
  await assert.rejects(
    ol.completeMultipartUpload('b', 'k', {
      uploadId: id,
      parts: [{ partNumber: 1, etag: p.etag }],
      ifNoneMatch: '*',
    }),
    isKind('PreconditionFailed'),
  );
  await ol.completeMultipartUpload('b', 'k', { uploadId: id, parts: [{ partNumber: 1, etag: p.etag }] });
  assert.ok((await get(ol, 'b', 'k')).equals(pattern(10, 2)));
  await ol.close();
});

test('FULL_OBJECT uploads store the whole-object CRC combined from the parts; bad values and pairs are refused', async () => {
  const { ol } = await setup(1);
  const parts = [pattern(5 * MiB + 1, 1), pattern(5 * MiB + 333, 2), pattern(0, 3)];
  const whole = Buffer.concat(parts);
  for (const algorithm of ['CRC64NVME', 'CRC32', 'CRC32C'] as const) {
    const key = `full-${algorithm}`;
    const id = await ol.createMultipartUpload('b', key, {
      metadata: {},
      checksumAlgorithm: algorithm,
      ...(algorithm === 'CRC64NVME' ? {} : { checksumType: 'FULL_OBJECT' as const }),
    });
    // Parts sent without a checksum are hashed with the upload's algorithm all the same.
    const infos = [];
    for (const [i, data] of parts.entries())
      infos.push(
        await ol.uploadPart('b', key, bodyOf(data), { uploadId: id, partNumber: i + 1, size: data.length }),
      );
    assert.equal(infos[0]?.checksum, checksumBase64(algorithm, parts[0] as Buffer));
    assert.equal(infos[0]?.checksumAlgorithm, algorithm);
    const list = infos.map((p) => ({ partNumber: p.partNumber, etag: p.etag }));
    const expected = checksumBase64(algorithm, whole);
    await assert.rejects(
      ol.completeMultipartUpload('b', key, {
        uploadId: id,
        parts: list,
        checksum: { algorithm, value: checksumBase64(algorithm, pattern(10)) },
      }),
      isKind('ChecksumMismatch'),
    );
    await assert.rejects(
      ol.completeMultipartUpload('b', key, { uploadId: id, parts: list, checksumType: 'COMPOSITE' }),
      isKind('InvalidRequest'),
    );
    const info = await ol.completeMultipartUpload('b', key, {
      uploadId: id,
      parts: list,
      checksum: { algorithm, value: expected },
      checksumType: 'FULL_OBJECT',
    });
    assert.deepEqual(info.checksum, { algorithm, value: expected, type: 'FULL_OBJECT' });
    assert.deepEqual((await ol.getObjectInfo('b', key)).checksum, info.checksum);
  }
  await assert.rejects(
    ol.createMultipartUpload('b', 'x', {
      metadata: {},
      checksumAlgorithm: 'SHA256',
      checksumType: 'FULL_OBJECT',
    }),
    isKind('InvalidArgument'),
  );
  await assert.rejects(
    ol.createMultipartUpload('b', 'x', {
      metadata: {},
      checksumAlgorithm: 'CRC64NVME',
      checksumType: 'COMPOSITE',
    }),
    isKind('InvalidArgument'),
  );
  await ol.close();
});

test('an upload without an algorithm reports the CRC64NVME of the whole object on completion, but stores none', async () => {
  const { ol } = await setup(1);
  const parts = [pattern(5 * MiB, 4), pattern(4097, 5)];
  const id = await ol.createMultipartUpload('b', 'plain', { metadata: {} });
  const infos = [];
  for (const [i, data] of parts.entries()) {
    // As default SDKs do: CRC32 on every part of an upload that named no algorithm.
    infos.push(
      await ol.uploadPart('b', 'plain', bodyOf(data), {
        uploadId: id,
        partNumber: i + 1,
        size: data.length,
        checksum: { algorithm: 'CRC32', expected: () => checksumBase64('CRC32', data) },
      }),
    );
  }
  assert.equal(infos[1]?.checksum, checksumBase64('CRC32', parts[1] as Buffer));
  const list = infos.map((p) => ({ partNumber: p.partNumber, etag: p.etag, checksum: p.checksum as string }));
  await assert.rejects(
    ol.completeMultipartUpload('b', 'plain', {
      uploadId: id,
      parts: list,
      checksum: { algorithm: 'CRC32', value: checksumBase64('CRC32', Buffer.concat(parts)) },
    }),
    isKind('InvalidArgument'),
  );
  const info = await ol.completeMultipartUpload('b', 'plain', { uploadId: id, parts: list });
  assert.deepEqual(info.checksum, {
    algorithm: 'CRC64NVME',
    value: checksumBase64('CRC64NVME', Buffer.concat(parts)),
    type: 'FULL_OBJECT',
  });
  assert.equal((await ol.getObjectInfo('b', 'plain')).checksum, undefined);
  await ol.close();
});

test('a Complete that fails on write quorum takes itself back: the upload, its parts and their data stay', async () => {
  const { ol, drives } = await setup();
  const data = pattern(1000, 4);
  let reopened: ObjectLayer | undefined;
  try {
    const id = await ol.createMultipartUpload('b', 'mp', { metadata: {} });
    const part = await uploadPart(ol, 'mp', id, 1, data);
    // Two dead disks: drives 0 and 1 commit the completion, then revert it.
    for (const d of drives.slice(2)) {
      await rm(d, { recursive: true, force: true });
      await writeFile(d, 'this drive has failed\n');
    }
    await assert.rejects(
      ol.completeMultipartUpload('b', 'mp', { uploadId: id, parts: [{ partNumber: 1, etag: part.etag }] }),
      isKind('WriteQuorum'),
    );
    await assert.rejects(ol.getObjectInfo('b', 'mp'), isKind('NoSuchKey'));
    const listed = await ol.listParts('b', 'mp', { uploadId: id, maxParts: 10, partNumberMarker: 0 });
    assert.deepEqual(
      listed.parts.map((p) => [p.partNumber, p.etag]),
      [[1, part.etag]],
    );
    await ol.close();
    // A restart sweeps data dirs no ref names: the upload's must still be named.
    const before = await filesUnder(join(drives[0] as string, 'data'));
    assert.equal(before.length, 1);
    reopened = await openObjectLayer({ drives, parity: 2 });
    await reopened.close();
    reopened = undefined;
    assert.deepEqual(await filesUnder(join(drives[0] as string, 'data')), before);
  } finally {
    await ol.close().catch(() => {});
    await reopened?.close();
  }
});
