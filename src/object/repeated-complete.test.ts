import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bodyOf, drivePaths, pattern, put, tempRoot } from '../../test/helpers/object-layer-support.js';
import { checksumBase64 } from '../util/checksum.js';
import { openObjectLayer } from './erasure-object-layer.js';
import { ObjectLayerError } from './errors.js';
import type { CompletePart, ObjectLayer } from './object-layer.js';
import { decodeRecord, encodeRecord, type ObjectRecord } from './object-record.js';
import { REPEAT_COMPLETE_WINDOW_MS, repeatedCompletion } from './repeated-complete.js';

const MiB = 1024 * 1024;
const tmp = await tempRoot();
after(() => tmp.cleanup());
let n = 0;

function isKind(kind: string) {
  return (err: unknown) => err instanceof ObjectLayerError && err.kind === kind;
}

async function open(drives: string[]): Promise<ObjectLayer> {
  return openObjectLayer({ drives, parity: 2 });
}

/** A completed two-part SHA256 (COMPOSITE) upload of `key` on four fresh drives. */
async function completed(key: string) {
  const drives = drivePaths(join(tmp.root, `s${n++}`), 4);
  const ol = await open(drives);
  await ol.makeBucket('b');
  const id = await ol.createMultipartUpload('b', key, { metadata: {}, checksumAlgorithm: 'SHA256' });
  const list: CompletePart[] = [];
  for (const [i, data] of [pattern(5 * MiB, 1), pattern(999, 2)].entries()) {
    const p = await ol.uploadPart('b', key, bodyOf(data), {
      uploadId: id,
      partNumber: i + 1,
      size: data.length,
    });
    list.push({ partNumber: p.partNumber, etag: p.etag, checksum: p.checksum as string });
  }
  const first = await ol.completeMultipartUpload('b', key, { uploadId: id, parts: list });
  return { ol, drives, id, list, first };
}

test('a repeated Complete answers the first result, even with If-None-Match: *, and after a restart', async () => {
  const { ol, drives, id, list, first } = await completed('k');
  let reopened: ObjectLayer | undefined;
  try {
    const again = await ol.completeMultipartUpload('b', 'k', { uploadId: id, parts: list, ifNoneMatch: '*' });
    assert.equal(again.etag, first.etag);
    assert.deepEqual(again.checksum, first.checksum);
    assert.equal(again.checksum?.type, 'COMPOSITE');
    assert.equal(again.size, first.size);
    // Quoted ETags and the composite value without its part count are the same request.
    const quoted = list.map((p) => ({ ...p, etag: `"${p.etag}"` }));
    const bare = first.checksum?.value.replace(/-2$/, '') as string;
    const third = await ol.completeMultipartUpload('b', 'k', {
      uploadId: id,
      parts: quoted,
      checksum: { algorithm: 'SHA256', value: bare },
      checksumType: 'COMPOSITE',
    });
    assert.equal(third.etag, first.etag);
    await ol.close();
    reopened = await open(drives);
    const afterRestart = await reopened.completeMultipartUpload('b', 'k', { uploadId: id, parts: list });
    assert.equal(afterRestart.etag, first.etag);
    assert.deepEqual(afterRestart.checksum, first.checksum);
  } finally {
    await ol.close().catch(() => {});
    await reopened?.close();
  }
});

test('a repeated Complete checks a sent checksum and type as the first one did', async () => {
  const { ol, id, list } = await completed('k');
  try {
    await assert.rejects(
      ol.completeMultipartUpload('b', 'k', {
        uploadId: id,
        parts: list,
        checksum: { algorithm: 'SHA256', value: checksumBase64('SHA256', pattern(3)) },
      }),
      isKind('ChecksumMismatch'),
    );
    await assert.rejects(
      ol.completeMultipartUpload('b', 'k', { uploadId: id, parts: list, checksumType: 'FULL_OBJECT' }),
      isKind('InvalidRequest'),
    );
  } finally {
    await ol.close();
  }
});

test('a repeated Complete with another part list is NoSuchUpload', async () => {
  const { ol, id, list } = await completed('k');
  try {
    const [p1, p2] = list as [CompletePart, CompletePart];
    for (const other of [[p1], [p1, { ...p2, etag: p1.etag }], [p1, { ...p2, partNumber: 3 }]]) {
      await assert.rejects(
        ol.completeMultipartUpload('b', 'k', { uploadId: id, parts: other }),
        isKind('NoSuchUpload'),
      );
    }
    await assert.rejects(
      ol.completeMultipartUpload('b', 'k', {
        uploadId: id,
        parts: [p1, { ...p2, checksum: p1.checksum as string }],
      }),
      isKind('NoSuchUpload'),
    );
    // Nor is the upload id valid for another key.
    await assert.rejects(
      ol.completeMultipartUpload('b', 'other', { uploadId: id, parts: list }),
      isKind('NoSuchUpload'),
    );
  } finally {
    await ol.close();
  }
});

test('once the object is overwritten or deleted, a repeated Complete is NoSuchUpload', async () => {
  const { ol, id, list } = await completed('k');
  try {
    await put(ol, 'b', 'k', pattern(10));
    await assert.rejects(
      ol.completeMultipartUpload('b', 'k', { uploadId: id, parts: list }),
      isKind('NoSuchUpload'),
    );
  } finally {
    await ol.close();
  }
  const second = await completed('k');
  try {
    await second.ol.deleteObject('b', 'k');
    await assert.rejects(
      second.ol.completeMultipartUpload('b', 'k', { uploadId: second.id, parts: second.list }),
      isKind('NoSuchUpload'),
    );
  } finally {
    await second.ol.close();
  }
});

test('an upload completed without an algorithm repeats its reported CRC64NVME, still not kept', async () => {
  const drives = drivePaths(join(tmp.root, `s${n++}`), 1);
  const ol = await openObjectLayer({ drives });
  try {
    await ol.makeBucket('b');
    const id = await ol.createMultipartUpload('b', 'plain', { metadata: {} });
    const data = pattern(4097, 7);
    const p = await ol.uploadPart('b', 'plain', bodyOf(data), {
      uploadId: id,
      partNumber: 1,
      size: data.length,
    });
    const list = [{ partNumber: 1, etag: p.etag }];
    const first = await ol.completeMultipartUpload('b', 'plain', { uploadId: id, parts: list });
    assert.equal(first.checksum?.value, checksumBase64('CRC64NVME', data));
    const again = await ol.completeMultipartUpload('b', 'plain', { uploadId: id, parts: list });
    assert.deepEqual(again.checksum, first.checksum);
    assert.equal((await ol.getObjectInfo('b', 'plain')).checksum, undefined);
  } finally {
    await ol.close();
  }
});

/** A version completed from upload `u1` (one part) at time 1000, as the record stores it. */
function version(upload?: ObjectRecord['upload']): ObjectRecord {
  const rec: ObjectRecord = {
    size: 3,
    etag: 'e-1',
    mtime: 1000,
    meta: {},
    dataId: 'd',
    inline: false,
    layout: { data: 1, parity: 0, blockSize: MiB, dist: [0], codec: 'rs', bitrot: 'crc32' },
    multipart: true,
    parts: [{ n: 1, size: 3, etag: 'aa', file: 'part.1.x' }],
  };
  if (upload) rec.upload = upload;
  return decodeRecord(encodeRecord(rec));
}

test('the repeat is answered for a day after the completion, then NoSuchUpload', () => {
  const rec = version({ id: 'u1' });
  const parts = [{ partNumber: 1, etag: 'aa' }];
  assert.equal(
    repeatedCompletion(rec, { uploadId: 'u1', parts }, 1000 + REPEAT_COMPLETE_WINDOW_MS - 1).rec,
    rec,
  );
  assert.throws(
    () => repeatedCompletion(rec, { uploadId: 'u1', parts }, 1000 + REPEAT_COMPLETE_WINDOW_MS),
    isKind('NoSuchUpload'),
  );
});

test('a version recorded before completions were remembered reads, and answers NoSuchUpload', () => {
  const old = version();
  assert.equal(old.upload, undefined);
  assert.equal(old.parts[0]?.etag, 'aa');
  assert.throws(
    () => repeatedCompletion(old, { uploadId: 'u1', parts: [{ partNumber: 1, etag: 'aa' }] }, 1001),
    isKind('NoSuchUpload'),
  );
});
