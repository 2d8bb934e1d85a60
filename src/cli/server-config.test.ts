import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseBandwidth, parseServerConfig } from './server-config.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('server settings: bandwidth limits', () => {
  test('unset, both directions are unlimited (0)', () => {
    const config = parseServerConfig(['/tmp/d1'], {});
    assert.equal(config.bandwidthIn, 0);
    assert.equal(config.bandwidthOut, 0);
  });

  test('CAIRN_BANDWIDTH_IN and CAIRN_BANDWIDTH_OUT take bytes per second with units', () => {
    const config = parseServerConfig(['/tmp/d1'], {
      CAIRN_BANDWIDTH_IN: '10MiB',
      CAIRN_BANDWIDTH_OUT: '1.5GB/s',
    });
    assert.equal(config.bandwidthIn, 10 * MiB);
    assert.equal(config.bandwidthOut, 1.5e9);
  });

  test('--bandwidth-in and --bandwidth-out, as two words or with =, override the environment', () => {
    const config = parseServerConfig(['--bandwidth-in', '512KiB', '--bandwidth-out=4Mi', '/tmp/d1'], {
      CAIRN_BANDWIDTH_IN: '1GiB',
      CAIRN_BANDWIDTH_OUT: '1GiB',
    });
    assert.equal(config.bandwidthIn, 512 * KiB);
    assert.equal(config.bandwidthOut, 4 * MiB);
    assert.deepEqual(config.drives, ['/tmp/d1']);
  });

  test('0 or an empty value means unlimited', () => {
    const config = parseServerConfig(['/tmp/d1'], { CAIRN_BANDWIDTH_IN: '0', CAIRN_BANDWIDTH_OUT: '' });
    assert.equal(config.bandwidthIn, 0);
    assert.equal(config.bandwidthOut, 0);
  });

  test('units are case-insensitive; a bare number is bytes', () => {
    assert.equal(parseBandwidth('4mib', 'X'), 4 * MiB);
    assert.equal(parseBandwidth('100 KB', 'X'), 100_000);
    assert.equal(parseBandwidth('2048', 'X'), 2048);
  });

  test('a bad value is a clear error naming where it came from', () => {
    assert.throws(
      () => parseServerConfig(['/tmp/d1'], { CAIRN_BANDWIDTH_IN: 'fast' }),
      (err: Error) =>
        err instanceof ConfigError && /CAIRN_BANDWIDTH_IN=fast: expected bytes per second/.test(err.message),
    );
    assert.throws(
      () => parseServerConfig(['--bandwidth-out', '10MiBps', '/tmp/d1'], {}),
      (err: Error) => err instanceof ConfigError && /^--bandwidth-out=10MiBps/.test(err.message),
    );
    assert.throws(() => parseServerConfig(['--bandwidth-in'], {}), /--bandwidth-in needs a value/);
    assert.throws(() => parseBandwidth('-5MiB', 'X'), ConfigError);
  });

  test('a limit under 1 KiB per second is refused', () => {
    assert.throws(
      () => parseBandwidth('100B', 'CAIRN_BANDWIDTH_OUT'),
      /below the minimum of 1KiB per second/,
    );
    assert.equal(parseBandwidth('1KiB', 'X'), KiB);
  });
});
