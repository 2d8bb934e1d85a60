import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ShardStream } from '../drive/drive.js';
import { FrameReader, memoryShardStream, ShardLane } from './shard-frames.js';

/** `bytes` from `offset`, in chunks of the given sizes (cycled): how a remote drive may deliver them. */
function chunked(bytes: Buffer, offset: number, sizes: number[]): ShardStream & { closed: boolean } {
  let at = offset;
  let i = 0;
  const s = {
    closed: false,
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<Buffer>> {
        if (s.closed || at >= bytes.length) return { done: true, value: undefined };
        const n = sizes[i++ % sizes.length] as number;
        const c = bytes.subarray(at, at + n);
        at += c.length;
        return { done: false, value: c };
      },
    }),
    async close() {
      s.closed = true;
    },
  };
  return s;
}

const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => i));

test('frames are cut exactly from chunks of any size, and a short stream gives a short last frame', async () => {
  const frames = new FrameReader(chunked(bytes, 0, [7, 1, 30]));
  assert.deepEqual(await frames.take(20), bytes.subarray(0, 20));
  assert.deepEqual(await frames.take(20), bytes.subarray(20, 40));
  assert.deepEqual(await frames.take(50), bytes.subarray(40, 90));
  assert.deepEqual(await frames.take(20), bytes.subarray(90, 100));
  assert.equal((await frames.take(20)).length, 0);
});

test('a chunk that is exactly one frame is handed over without a copy', async () => {
  const stream = memoryShardStream(bytes, 10, 40);
  const frames = new FrameReader(stream);
  const a = await frames.take(20);
  const b = await frames.take(20);
  assert.deepEqual(Buffer.concat([a, b]), bytes.subarray(10, 50));
  assert.equal(a.buffer, bytes.buffer);
  assert.equal(b.byteOffset, bytes.byteOffset + 30);
});

test('a shard lane reads frames in order from one stream and reopens only when asked out of order', async () => {
  const opened: number[] = [];
  const lane = new ShardLane(async (from) => {
    opened.push(from);
    return chunked(bytes, from * 10, [10]);
  });
  // Asked all at once (readahead): one stream serves blocks 2, 3 and 4 in order.
  const [b2, b3, b4] = await Promise.all([lane.read(2, 10), lane.read(3, 10), lane.read(4, 10)]);
  assert.deepEqual(Buffer.concat([b2 as Buffer, b3 as Buffer, b4 as Buffer]), bytes.subarray(20, 50));
  assert.deepEqual(opened, [2]);
  // Going back (or skipping ahead) opens a new stream at that block.
  assert.deepEqual(await lane.read(1, 10), bytes.subarray(10, 20));
  assert.deepEqual(await lane.read(7, 4), bytes.subarray(70, 74));
  assert.deepEqual(opened, [2, 1, 7]);
  // The last frame of a file may be shorter than asked.
  assert.deepEqual(await lane.read(9, 20), bytes.subarray(90, 100));
  await lane.close();
});

test('a shard lane that cannot open its stream fails every read queued behind, without asking again', async () => {
  let opens = 0;
  const lane = new ShardLane(async () => {
    opens++;
    throw new Error('part.1 missing');
  });
  const reads = await Promise.allSettled([lane.read(0, 10), lane.read(1, 10), lane.read(2, 10)]);
  assert.deepEqual(
    reads.map((r) => r.status === 'rejected' && (r.reason as Error).message),
    ['part.1 missing', 'part.1 missing', 'part.1 missing'],
  );
  assert.equal(opens, 1);
});
