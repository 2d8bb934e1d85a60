import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalLocker } from './local-locker.js';
import { LockTimeout, withLock } from './locker.js';

/** Resolves on the next macrotask, after every queued grant has run. */
const settle = () => new Promise((r) => setImmediate(r));

test('readers of one name share the lock; a writer waits for all of them', async () => {
  const locks = new LocalLocker();
  const r1 = await locks.read('b/k');
  const r2 = await locks.read('b/k');
  let written = false;
  const w = locks.write('b/k').then((release) => {
    written = true;
    return release;
  });
  r1();
  await settle();
  assert.equal(written, false);
  r2();
  (await w)();
  assert.equal(written, true);
  assert.equal(locks.size, 0, 'the table forgets a name nobody holds');
});

test('waiters are served in arrival order: a reader behind a waiting writer waits too', async () => {
  const locks = new LocalLocker();
  const order: string[] = [];
  const r1 = await locks.read('n');
  const noted = (who: string) => (release: () => void) => {
    order.push(who);
    return release;
  };
  const w = locks.write('n').then(noted('writer'));
  const r2 = locks.read('n').then(noted('reader'));
  r1();
  (await w)();
  (await r2)();
  assert.deepEqual(order, ['writer', 'reader']);
});

test('a lock not granted before its deadline rejects with LockTimeout and leaves the queue', async () => {
  const locks = new LocalLocker();
  const held = await locks.write('n');
  const waiting = locks.write('n', { timeoutMs: 20 });
  await assert.rejects(waiting, (err: unknown) => err instanceof LockTimeout && err.lockName === 'n');
  // The timed-out writer no longer blocks the readers queued behind it.
  held();
  const r = await locks.read('n', { timeoutMs: 1000 });
  r();
  assert.equal(locks.size, 0);
});

test('readers queued behind a writer that timed out run as soon as the holder allows', async () => {
  const locks = new LocalLocker();
  const r1 = await locks.read('n');
  const w = locks.write('n', { timeoutMs: 20 });
  const r2 = locks.read('n', { timeoutMs: 5000 });
  await assert.rejects(w, LockTimeout);
  // Only a reader holds the name now, so the queued reader is granted without waiting for r1.
  (await r2)();
  r1();
  assert.equal(locks.size, 0);
});

test('an aborted signal rejects the waiter with its reason; an already aborted one never queues', async () => {
  const locks = new LocalLocker();
  const held = await locks.write('n');
  const ac = new AbortController();
  const waiting = locks.read('n', { signal: ac.signal });
  ac.abort(new Error('client went away'));
  await assert.rejects(waiting, /client went away/);
  await assert.rejects(locks.write('n', { signal: ac.signal }), /client went away/);
  held();
  assert.equal(locks.size, 0);
});

test('withLock releases the lock when the function throws', async () => {
  const locks = new LocalLocker();
  await assert.rejects(
    withLock(locks, 'n', true, async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  const again = await locks.write('n', { timeoutMs: 100 });
  again();
  assert.equal(locks.size, 0);
});
