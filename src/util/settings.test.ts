import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatByteSize, parseByteSize } from './byte-size.js';
import { integerType, optionalSizeType } from './setting-types.js';
import { parseSetting, type SettingSpec } from './settings.js';

describe('byte sizes', () => {
  test('binary and decimal units, case-insensitive, with fractions', () => {
    assert.equal(parseByteSize('500GiB'), 500 * 1024 ** 3);
    assert.equal(parseByteSize('2TB'), 2e12);
    assert.equal(parseByteSize('1.5 kib'), 1536);
    assert.equal(parseByteSize('64Mi'), 64 * 1024 ** 2);
    assert.equal(parseByteSize('4096'), 4096);
    assert.equal(parseByteSize('10B'), 10);
    assert.throws(() => parseByteSize('-1GiB'), /expected a size/);
    assert.throws(() => parseByteSize('1PB'), /unknown unit/);
    assert.throws(() => parseByteSize('GiB'), /expected a size/);
  });

  test('sizes print in the largest binary unit and read back', () => {
    for (const n of [0, 10, 1536, 500 * 1024 ** 3]) assert.equal(parseByteSize(formatByteSize(n)), n);
    assert.equal(formatByteSize(500 * 1024 ** 3), '500GiB');
    assert.equal(optionalSizeType.parse('off'), undefined);
    assert.equal(optionalSizeType.parse('0'), undefined);
  });
});

describe('setting errors', () => {
  test('a bad value names the setting and where it came from, and a secret value is never shown', () => {
    const spec: SettingSpec<number> = {
      name: 'workers',
      env: ['CAIRN_WORKERS'],
      type: integerType(1, 8),
      default: '1',
      dynamic: false,
      description: 'test',
    };
    assert.throws(() => parseSetting(spec, '99', 'CAIRN_WORKERS'), /invalid workers \(CAIRN_WORKERS\) "99"/);
    assert.throws(
      () => parseSetting({ ...spec, secret: true }, 'hunter2-is-secret', 'CAIRN_WORKERS'),
      (err: Error) => !err.message.includes('hunter2') && /invalid workers/.test(err.message),
    );
  });
});
