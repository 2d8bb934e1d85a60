import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  bodyOf,
  drivePaths,
  filesUnder,
  pattern,
  tempRoot,
} from '../../test/helpers/object-layer-support.js';
import { ErasureSet } from '../erasure/erasure-set.js';
import { openSetDrives } from '../erasure/format.js';
import { ObjectLayerError } from './errors.js';
import { TABLES } from './index-keys.js';
import { receiveUnsizedBody } from './receive-body.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const INLINE_MAX = 128 * KiB;

describe('receiving a body of undeclared length', () => {
  const tmp = tempRoot();
  let drives: string[];
  let set: ErasureSet;
  const receive = (body: Readable, maxBytes: number) =>
    receiveUnsizedBody(set, body, {
      layout: set.newLayout('k'),
      file: 'part.1',
      inlineMax: INLINE_MAX,
      maxBytes,
      digests: {},
    });
  const tempFiles = async () =>
    (await Promise.all(drives.map((d) => filesUnder(join(d, '.cairn.sys', 'tmp'))))).flat();

  before(async () => {
    drives = drivePaths((await tmp).root, 4);
    const opened = await openSetDrives(drives, 2);
    set = new ErasureSet(opened.drives, opened.format.parity, { inlineTable: TABLES.inline });
  });
  after(async () => (await tmp).cleanup());

  test('a body that ends within the inline limit is received inline, with its exact size', async () => {
    for (const size of [0, 5, INLINE_MAX]) {
      const data = pattern(size, size);
      const got = await receive(bodyOf(data, 1000), 5 * MiB);
      assert.equal(got.inline, true);
      assert.equal(got.written.size, size);
      assert.deepEqual(got.written.digests.md5, createHash('md5').update(data).digest());
      assert.ok(got.written.inline?.every((shard) => shard !== undefined));
    }
  });

  test('a longer body streams into shard files, every byte hashed in order', async () => {
    const data = pattern(3 * MiB + 17, 7);
    const got = await receive(bodyOf(data, 64 * KiB + 3), 5 * MiB);
    assert.equal(got.inline, false);
    assert.equal(got.written.size, data.length);
    assert.deepEqual(got.written.digests.md5, createHash('md5').update(data).digest());
    assert.equal((await tempFiles()).length, drives.length, 'one shard file per drive');
    await set.discardTemp(got.written.tmpId);
  });

  test('a body of exactly the limit is accepted, one byte more is EntityTooLarge and leaves nothing', async () => {
    const limit = 2 * MiB;
    const exact = await receive(bodyOf(pattern(limit), 100 * KiB), limit);
    assert.equal(exact.written.size, limit);
    await set.discardTemp(exact.written.tmpId);
    await assert.rejects(
      receive(bodyOf(pattern(limit + 1), 100 * KiB), limit),
      (err: unknown) => err instanceof ObjectLayerError && err.kind === 'EntityTooLarge',
    );
    assert.deepEqual(await tempFiles(), []);
  });

  test('an endless body is refused as soon as it passes the limit, without reading on', async () => {
    let produced = 0;
    const chunk = Buffer.alloc(64 * KiB, 1);
    const endless = Readable.from(
      (function* () {
        for (;;) {
          produced += chunk.length;
          yield chunk;
        }
      })(),
    );
    await assert.rejects(
      receive(endless, MiB),
      (err: unknown) => err instanceof ObjectLayerError && err.kind === 'EntityTooLarge',
    );
    // Whatever the stream had buffered ahead (its high-water mark), not the body's remainder.
    assert.ok(produced < 2 * MiB, `read ${produced} bytes of an endless body`);
    assert.deepEqual(await tempFiles(), []);
  });
});
