import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoDuration } from './go-duration.js';

test('Go durations parse to milliseconds, units combined as Go writes them', () => {
  assert.equal(parseGoDuration('300ms'), 300);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('2h'), 7_200_000);
  assert.equal(parseGoDuration('250us'), 0.25);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('0s'), 0);
});

test('text that is not a Go duration is refused', () => {
  for (const bad of ['', '10', 'ms', '1x', '1s2', 's1', '1 s'])
    assert.equal(parseGoDuration(bad), undefined, bad);
});
