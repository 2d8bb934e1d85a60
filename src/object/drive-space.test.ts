import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reserveFor } from './drive-space.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

test('the default reserve is max(64 MiB, 1%), at most 10% of the drive; a setting replaces it', () => {
  assert.equal(reserveFor(40 * MiB, undefined), 4 * MiB);
  assert.equal(reserveFor(1 * GiB, undefined), 64 * MiB);
  assert.equal(reserveFor(1000 * GiB, undefined), 10 * GiB);
  assert.equal(reserveFor(1000 * GiB, { bytes: 5 * MiB }), 5 * MiB);
  assert.equal(reserveFor(200 * MiB, { percent: 5 }), 10 * MiB);
});
