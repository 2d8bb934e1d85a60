import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EllipsisError, expandEllipses } from './ellipsis.js';

test('a path without braces expands to itself', () => {
  assert.deepEqual(expandEllipses('/srv/data'), ['/srv/data']);
});

test('one range expands in order', () => {
  assert.deepEqual(expandEllipses('/srv/disk{1...4}'), [
    '/srv/disk1',
    '/srv/disk2',
    '/srv/disk3',
    '/srv/disk4',
  ]);
});

test('two ranges multiply with the first outermost', () => {
  assert.deepEqual(expandEllipses('http://h{1...2}/d{1...2}'), [
    'http://h1/d1',
    'http://h1/d2',
    'http://h2/d1',
    'http://h2/d2',
  ]);
});

test('zero-padded bounds keep their width', () => {
  assert.deepEqual(expandEllipses('/d{08...10}'), ['/d08', '/d09', '/d10']);
});

test('a downward or malformed range is refused', () => {
  assert.throws(() => expandEllipses('/d{4...1}'), EllipsisError);
  assert.throws(() => expandEllipses('/d{a...b}'), EllipsisError);
});
