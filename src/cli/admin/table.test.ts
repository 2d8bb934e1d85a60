import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration, printable, renderRecord, renderTable } from './table.js';

test('table columns align on the widest cell, header first, without trailing blanks', () => {
  const out = renderTable(
    ['ACCESSKEY', 'STATUS', 'POLICIES'],
    [
      ['alice', 'enabled', 'photos-rw,readonly'],
      ['bartholomew', 'disabled', '-'],
    ],
    'No users.',
  );
  assert.equal(
    out,
    [
      'ACCESSKEY    STATUS    POLICIES',
      'alice        enabled   photos-rw,readonly',
      'bartholomew  disabled  -',
    ].join('\n'),
  );
});

test('an empty table prints its empty text instead of a lone header', () => {
  assert.equal(renderTable(['GROUP'], [], 'No groups.'), 'No groups.');
});

test('terminal control characters in names print as visible escapes', () => {
  assert.equal(printable('evil\u001b[2Jname\n'), 'evil\\x1b[2Jname\\x0a');
  const out = renderTable(['USER'], [['a\u001b]0;pwned\u0007']], '');
  assert.ok(!out.includes('\u001b') && !out.includes('\u0007'), out);
});

test('records align their values and leave out absent fields', () => {
  assert.equal(
    renderRecord([
      ['AccessKey', 'alice'],
      ['Status', 'enabled'],
      ['Updated', undefined],
    ]),
    'AccessKey: alice\nStatus:    enabled',
  );
});

test('sizes print in binary units and durations as their two largest units', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(5 * 2 ** 30), '5.0 GiB');
  assert.equal(formatBytes(undefined), '-');
  assert.equal(formatDuration(42), '42s');
  assert.equal(formatDuration(3 * 86400 + 4 * 3600 + 59), '3d 4h');
  assert.equal(formatDuration(3600 + 2), '1h');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration('x'), '-');
});
