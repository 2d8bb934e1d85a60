import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { ShardStream } from '../drive/drive.js';
import { type BitrotId, bitrotFor, NEW_OBJECT_BITROT } from './bitrot.js';
import { decodeRange } from './erasure-decode.js';
import { encodeStream, MemoryShardWriter } from './erasure-encode.js';
import { distribution, type ErasureLayout, shardFileSize } from './erasure-layout.js';
import { ErasureReadQuorum } from './errors.js';
import { ReedSolomon } from './reed-solomon.js';
import { memoryShardStream } from './shard-frames.js';

const BLOCK = 64 * 1024;

function layoutOf(data: number, parity: number, bitrot: BitrotId = NEW_OBJECT_BITROT.id): ErasureLayout {
  return {
    data,
    parity,
    blockSize: BLOCK,
    dist: distribution(data + parity, 'seed'),
    codec: 'ronomon-rs-v1',
    bitrot,
  };
}

async function encode(bytes: Buffer, layout: ErasureLayout) {
  const writers = layout.dist.map(() => new MemoryShardWriter());
  await encodeStream([bytes.subarray(0, 1000), bytes.subarray(1000)], {
    layout,
    codec: new ReedSolomon(layout.data, layout.parity),
    writers,
    writeQuorum: layout.data,
    maxBytes: bytes.length,
    onTooLong: () => new Error('too long'),
  });
  // shards[shardIndex] = that shard's file bytes
  const shards: Buffer[] = [];
  layout.dist.forEach((shard, drive) => {
    shards[shard] = (writers[drive] as MemoryShardWriter).bytes();
  });
  return shards;
}

/** Bytes `offset..offset+length-1` of `shard` in chunks of the given sizes (cycled), as a remote drive may send them. */
function oddChunks(shard: Buffer, offset: number, length: number, sizes: number[]): ShardStream {
  const slice = shard.subarray(offset, offset + length);
  let at = 0;
  let i = 0;
  const iterator: AsyncIterator<Buffer> = {
    async next() {
      if (at >= slice.length) return { done: true, value: undefined };
      const c = slice.subarray(at, at + (sizes[i++ % sizes.length] as number));
      at += c.length;
      return { done: false, value: c };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator, close: async () => {} };
}

async function decode(
  shards: (Buffer | undefined)[],
  layout: ErasureLayout,
  size: number,
  start = 0,
  end = size - 1,
  chunkSizes?: number[],
) {
  const damaged: number[] = [];
  const opened: number[] = [];
  const chunks: Buffer[] = [];
  for await (const c of decodeRange({
    layout,
    codec: new ReedSolomon(layout.data, layout.parity),
    size,
    start,
    end,
    openShard: async (i, offset, length) => {
      opened.push(i);
      const s = shards[i];
      if (!s) throw new Error('missing');
      return chunkSizes ? oddChunks(s, offset, length, chunkSizes) : memoryShardStream(s, offset, length);
    },
    onDamage: (i) => damaged.push(i),
  }))
    chunks.push(c);
  return { bytes: Buffer.concat(chunks), damaged, opened };
}

// New objects use NEW_OBJECT_BITROT; objects written with SHA-256 must stay readable.
for (const bitrot of ['crc32', 'sha256'] as const) {
  test(`${bitrot}: shard files have the size the layout predicts`, async () => {
    const layout = layoutOf(3, 2, bitrot);
    const size = 3 * BLOCK + 777;
    const shards = await encode(randomBytes(size), layout);
    for (const s of shards) assert.equal(s.length, shardFileSize(size, layout));
  });

  test(`${bitrot}: decode returns every byte range exactly`, async () => {
    const layout = layoutOf(3, 2, bitrot);
    const size = 2 * BLOCK + 12345;
    const data = randomBytes(size);
    const shards = await encode(data, layout);
    for (const [start, end] of [
      [0, size - 1],
      [0, 0],
      [size - 1, size - 1],
      [BLOCK - 1, BLOCK],
      [100, 2 * BLOCK + 5],
      [BLOCK, 2 * BLOCK - 1],
    ] as const) {
      const { bytes, damaged } = await decode(shards, layout, size, start, end);
      assert.ok(bytes.equals(data.subarray(start, end + 1)), `${start}-${end}`);
      assert.deepEqual(damaged, []);
    }
  });

  test(`${bitrot}: missing, truncated and bit-flipped shards are reconstructed and reported`, async () => {
    const layout = layoutOf(4, 2, bitrot);
    const size = 3 * BLOCK + 5;
    const data = randomBytes(size);
    const shards: (Buffer | undefined)[] = await encode(data, layout);
    shards[0] = undefined;
    const flipped = Buffer.from(shards[2] as Buffer);
    const at = bitrotFor(bitrot).size + BLOCK / 4 + 40; // inside block 0 of shard 2
    flipped[at] = (flipped[at] as number) ^ 0xff;
    shards[2] = flipped;
    const { bytes, damaged } = await decode(shards, layout, size);
    assert.ok(bytes.equals(data));
    assert.deepEqual(damaged.sort(), [0, 2]);

    const truncated: (Buffer | undefined)[] = await encode(data, layout);
    truncated[1] = (truncated[1] as Buffer).subarray(0, 100);
    truncated[5] = undefined;
    assert.ok((await decode(truncated, layout, size)).bytes.equals(data));
  });
}

test('each shard is opened once per range and read as a stream, whatever chunk sizes it arrives in', async () => {
  const layout = layoutOf(3, 2);
  const size = 4 * BLOCK + 999;
  const data = randomBytes(size);
  const shards: (Buffer | undefined)[] = await encode(data, layout);
  for (const sizes of [[1000], [7, 70_000, 13], [BLOCK * 2]]) {
    for (const [start, end] of [
      [0, size - 1],
      [BLOCK - 10, 3 * BLOCK + 10],
      [2 * BLOCK + 5, 2 * BLOCK + 6],
    ] as const) {
      const { bytes, damaged, opened } = await decode(shards, layout, size, start, end, sizes);
      assert.ok(bytes.equals(data.subarray(start, end + 1)), `${start}-${end} in chunks of ${sizes}`);
      assert.deepEqual(damaged, []);
      assert.equal(new Set(opened).size, opened.length, `one stream per shard: ${opened}`);
    }
  }
  // A lost data shard: the parity stream that replaces it is opened once too.
  shards[1] = undefined;
  const { bytes, damaged, opened } = await decode(shards, layout, size, 0, size - 1, [7, 70_000, 13]);
  assert.ok(bytes.equals(data));
  assert.deepEqual(damaged, [1]);
  assert.deepEqual([...opened].sort(), [0, 1, 2, 3]);
});

test('more lost shards than parity fails with ErasureReadQuorum', async () => {
  const layout = layoutOf(2, 2);
  const size = BLOCK + 1;
  const shards: (Buffer | undefined)[] = await encode(randomBytes(size), layout);
  shards[0] = undefined;
  shards[1] = undefined;
  shards[3] = undefined;
  await assert.rejects(decode(shards, layout, size), ErasureReadQuorum);
});
