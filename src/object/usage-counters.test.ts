import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageCounters } from './usage-counters.js';

test('the total of every bucket follows changes, counts, drops and a loaded document', () => {
  const u = new UsageCounters();
  u.load(Buffer.from(JSON.stringify({ version: 1, buckets: { saved: { objects: 2, bytes: 50 } } })));
  assert.equal(u.totalBytes(), 50);
  u.created('a');
  u.change('a', 'k1', 1, 100);
  u.change('a', 'k2', 1, 30);
  u.change('uncounted', 'k', 1, 999); // no counter yet: nothing to add to
  assert.equal(u.totalBytes(), 180);
  u.change('a', 'k1', 0, -60); // overwritten smaller
  assert.equal(u.totalBytes(), 120);
  // A count replaces the bucket's counter (with what it missed meanwhile).
  const count = u.startCount('a');
  count.cursor = Buffer.from('k1');
  u.change('a', 'k0', 1, 5); // behind the count's cursor: added at the end
  assert.equal(u.finishCount('a', count, { objects: 2, bytes: 70 }).bytes, 75);
  assert.equal(u.totalBytes(), 125);
  u.dropped('saved');
  assert.equal(u.totalBytes(), 75);
  u.retain(new Set());
  assert.equal(u.totalBytes(), 0);
});
