import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { BandwidthLimiter, quantumFor } from './bandwidth-limiter.js';

const KiB = 1024;
const MiB = 1024 * KiB;

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** Spends what the bucket holds, so the time a test measures is all rate. */
function empty(limiter: BandwidthLimiter): void {
  while (limiter.tryTake(KiB)) {
    // keep taking
  }
}

/** Runs `streams` streams that each take `bytes` in quanta, one request at a time; resolves with the grant order. */
function drain(limiter: BandwidthLimiter, streams: string[], bytes: number): Promise<string[]> {
  const order: string[] = [];
  return new Promise((resolve) => {
    let running = streams.length;
    for (const name of streams) {
      let owed = bytes;
      const next = () => {
        if (owed <= 0) {
          if (--running === 0) resolve(order);
          return;
        }
        const piece = Math.min(owed, limiter.quantum);
        owed -= piece;
        if (limiter.tryTake(piece)) {
          order.push(name);
          queueMicrotask(next);
        } else {
          limiter.wait(piece, () => {
            order.push(name);
            next();
          });
        }
      };
      next();
    }
  });
}

describe('BandwidthLimiter', () => {
  test('unlimited, every take succeeds at once and nothing waits or sets a timer', () => {
    const limiter = new BandwidthLimiter();
    const before = timers();
    assert.equal(limiter.limited, false);
    for (let i = 0; i < 1000; i++) assert.equal(limiter.tryTake(MiB), true);
    assert.equal(limiter.waiting, 0);
    assert.equal(timers(), before);
  });

  test('a fresh limit allows a burst of 50 ms of its rate, then makes callers wait', () => {
    const limiter = new BandwidthLimiter(MiB);
    assert.equal(limiter.tryTake(50 * KiB), true);
    assert.equal(limiter.tryTake(10 * KiB), false, 'the burst is spent');
  });

  test('streams that wait are served first come, first served, one quantum per turn', async () => {
    const limiter = new BandwidthLimiter(4 * MiB);
    empty(limiter); // so everyone queues from the start
    const q = limiter.quantum;
    const order = await drain(limiter, ['a', 'b', 'c'], 3 * q);
    assert.deepEqual(order, ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  });

  test('the shared rate holds: 4 streams moving 1 MiB together at 2 MiB/s take about 0.5 s', async () => {
    const limiter = new BandwidthLimiter(2 * MiB);
    empty(limiter);
    const started = performance.now();
    await drain(limiter, ['a', 'b', 'c', 'd'], MiB / 4);
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds >= 0.49, `took ${seconds.toFixed(3)} s, faster than the rate allows`);
    assert.ok(seconds < 1.5, `took ${seconds.toFixed(3)} s`);
    assert.equal(limiter.waiting, 0);
  });

  test('a request larger than the bucket is granted when the bucket is full, and its debt delays the next', async () => {
    const limiter = new BandwidthLimiter(MiB);
    empty(limiter);
    const started = performance.now();
    await new Promise<void>((r) => limiter.wait(512 * KiB, r));
    const first = performance.now() - started;
    // Granted once the bucket is full (50 ms of the rate), not after the whole 512 KiB.
    assert.ok(first >= 45 && first < 400, `first grant after ${first.toFixed(0)} ms`);
    await new Promise<void>((r) => limiter.wait(16 * KiB, r));
    const second = performance.now() - started;
    // The debt (512 KiB - 51.2 KiB) is paid before the next grant: about 0.45 s at 1 MiB/s.
    assert.ok(second >= 480, `second grant after ${second.toFixed(0)} ms`);
  });

  test('cancelling the last waiter leaves no timer behind', () => {
    const before = timers();
    const limiter = new BandwidthLimiter(64 * KiB);
    empty(limiter);
    const a = limiter.wait(16 * KiB, () => assert.fail('cancelled ticket granted'));
    const b = limiter.wait(16 * KiB, () => assert.fail('cancelled ticket granted'));
    assert.equal(limiter.waiting, 2);
    assert.equal(timers(), before + 1);
    limiter.cancel(a);
    limiter.cancel(a); // twice is harmless
    assert.equal(limiter.waiting, 1);
    limiter.cancel(b);
    assert.equal(limiter.waiting, 0);
    assert.equal(timers(), before);
  });

  test('lifting the limit grants every waiting stream at once, in order', () => {
    const limiter = new BandwidthLimiter(2 * KiB);
    empty(limiter);
    const order: number[] = [];
    for (let i = 0; i < 5; i++) limiter.wait(64 * KiB, () => order.push(i));
    limiter.setRate(0);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    assert.equal(limiter.waiting, 0);
    assert.equal(limiter.tryTake(1024 * MiB), true);
  });

  test('raising the rate speeds up streams that are already waiting', async () => {
    const limiter = new BandwidthLimiter(2 * KiB);
    empty(limiter);
    const started = performance.now();
    const granted = new Promise<void>((r) => limiter.wait(64 * KiB, r));
    // At 2 KiB/s the 64 KiB wait is 30 s; at 8 MiB/s it is over at once.
    limiter.setRate(8 * MiB);
    await granted;
    assert.ok(performance.now() - started < 1000);
  });

  test('rates below 1 KiB/s, negative or not numbers are refused', () => {
    assert.throws(() => new BandwidthLimiter(512), /below the minimum/);
    assert.throws(() => new BandwidthLimiter(-1), RangeError);
    assert.throws(() => new BandwidthLimiter(Number.NaN), RangeError);
    const limiter = new BandwidthLimiter(MiB);
    assert.throws(() => limiter.setRate(10), /below the minimum/);
    assert.equal(limiter.bytesPerSecond, MiB, 'a refused change leaves the rate as it was');
  });

  test('the quantum scales with the rate within 16 KiB and 1 MiB', () => {
    assert.equal(quantumFor(KiB), 16 * KiB);
    assert.equal(quantumFor(4 * MiB), Math.floor((4 * MiB) / 100));
    assert.equal(quantumFor(10 * 1024 * MiB), MiB);
  });
});
