import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SettingError } from '../util/settings.js';
import { ConfigError, parseServerConfig } from './server-config.js';
import { BANDWIDTH_IN, BANDWIDTH_OUT, BROWSER, CAPACITY, DRIVE_RESERVE } from './server-settings.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-settings-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('server settings', () => {
  test('a flag wins over the environment, the environment over the config file, the file over the default', async () => {
    const file = join(dir, 'precedence.json');
    await writeFile(file, JSON.stringify({ region: 'from-file', capacity: '1GiB', address: ':7000' }));
    const fileOnly = parseServerConfig(['--config', file, '/d'], {});
    assert.equal(fileOnly.region, 'from-file');
    assert.equal(fileOnly.port, 7000);
    assert.equal(fileOnly.settings.get(CAPACITY), 1024 ** 3);
    const env = { CAIRN_REGION: 'from-env', MINIO_ADDRESS: ':7001' };
    const envOverFile = parseServerConfig(['--config', file, '/d'], env);
    assert.equal(envOverFile.region, 'from-env');
    assert.equal(envOverFile.port, 7001);
    const flagOverEnv = parseServerConfig(['--config', file, '--region=from-flag', '/d'], env);
    assert.equal(flagOverEnv.region, 'from-flag');
    assert.equal(flagOverEnv.settings.resolved(CAPACITY).source, 'file');
    const defaults = parseServerConfig(['/d'], {});
    assert.equal(defaults.region, 'us-east-1');
    assert.equal(defaults.enforceRegion, false);
    assert.equal(defaults.port, 9000);
    assert.equal(defaults.settings.get(CAPACITY), undefined);
  });

  test("Cairn's environment name wins over MinIO's, and MinIO's names work alone", () => {
    const both = parseServerConfig(['/d'], { CAIRN_REGION: 'cairn', MINIO_REGION: 'minio' });
    assert.equal(both.region, 'cairn');
    const minio = parseServerConfig([], {
      MINIO_VOLUMES: '/a /b{1...2}',
      MINIO_DOMAIN: 'S3.Example.com',
      MINIO_STORAGE_CLASS_STANDARD: 'EC:1',
    });
    assert.deepEqual(minio.drives, ['/a', '/b1', '/b2']);
    assert.deepEqual(minio.domains, ['s3.example.com']);
    assert.equal(minio.parity, 1);
  });

  test('MINIO_OPTS adds options below those on the command line', () => {
    const cfg = parseServerConfig(['--address', ':7100', '/d'], {
      MINIO_OPTS: '--address :7200 --region opts',
    });
    assert.equal(cfg.port, 7100);
    assert.equal(cfg.region, 'opts');
  });

  test('a repeated --domain accumulates and replaces the environment list', () => {
    const cfg = parseServerConfig(['--domain', 'a.test', '--domain=b.test', '/d'], {
      CAIRN_DOMAIN: 'env.test',
    });
    assert.deepEqual(cfg.domains, ['a.test', 'b.test']);
  });

  test('an environment file (NAME=value lines) sets settings by their environment names', async () => {
    const file = join(dir, 'cairn.env');
    await writeFile(
      file,
      '# comment\nexport CAIRN_CAPACITY="2 GiB"\nMINIO_VOLUMES=\'/x /y\'\nMINIO_BROWSER=off\nMINIO_COMPRESSION_ENABLE=on\nCAIRN_DRIVE_RESERVE=5%\n',
    );
    const cfg = parseServerConfig([], { CAIRN_CONFIG_FILE: file });
    assert.equal(cfg.settings.get(CAPACITY), 2 * 1024 ** 3);
    assert.deepEqual(cfg.settings.get(DRIVE_RESERVE), { percent: 5 });
    assert.deepEqual(cfg.drives, ['/x', '/y']);
    assert.equal(cfg.settings.get(BROWSER), false);
    assert.match(cfg.notices.join('\n'), /ignoring MINIO_COMPRESSION_ENABLE/);
  });

  test('bad values are refused with one line naming the setting and its source', async () => {
    const bad = (args: string[], env: NodeJS.ProcessEnv) => {
      try {
        parseServerConfig(args, env);
      } catch (err) {
        assert.ok(err instanceof SettingError || err instanceof ConfigError, String(err));
        assert.doesNotMatch(err.message, /\n/);
        return err.message;
      }
      assert.fail('expected a refusal');
    };
    assert.match(bad(['--capacity', '12XB', '/d'], {}), /capacity \(--capacity\).*unit/);
    assert.match(bad(['/d'], { CAIRN_CAPACITY: 'lots' }), /capacity \(CAIRN_CAPACITY\)/);
    assert.match(bad(['/d'], { MINIO_ADDRESS: 'nowhere' }), /address \(MINIO_ADDRESS\)/);
    assert.match(bad(['/d'], { CAIRN_DRIVE_RESERVE: '150%' }), /drive_reserve/);
    assert.match(
      bad(['/a', '/b'], { CAIRN_STORAGE_CLASS_STANDARD: 'EC:2' }),
      /storage_class_standard.*EC:2.*parity 2/,
    );
    assert.match(bad(['--nope', '/d'], {}), /unknown option --nope/);
    const file = join(dir, 'typo.env');
    await writeFile(file, 'CAIRN_CAPACTY=1GiB\n');
    assert.match(bad(['--config', file, '/d'], {}), /CAIRN_CAPACTY is not a setting/);
    assert.match(bad(['--config', join(dir, 'missing.json'), '/d'], {}), /ENOENT/);
  });

  test("the scanner's settings: MinIO's names, the cycle by speed unless given, CAIRN_SCRUB_INTERVAL over MINIO_HEAL_BITROTSCAN", () => {
    const scanner = (args: string[], env: NodeJS.ProcessEnv) =>
      parseServerConfig([...args, '/d'], env).scanner;
    const defaults = scanner([], {});
    assert.deepEqual(
      { speed: defaults.speed, cycleMs: defaults.cycleMs, scrub: defaults.scrubIntervalMs },
      { speed: 'default', cycleMs: 60_000, scrub: 30 * 86_400_000 },
    );
    const slowest = scanner([], { MINIO_SCANNER_SPEED: 'slowest' });
    assert.deepEqual([slowest.speed, slowest.delay, slowest.cycleMs], ['slowest', 100, 30 * 60_000]);
    assert.equal(scanner(['--scanner-speed', 'fastest'], { CAIRN_SCANNER_CYCLE: '500ms' }).cycleMs, 500);
    assert.equal(scanner([], { MINIO_SCANNER_CYCLE: '2m' }).cycleMs, 120_000);
    assert.equal(scanner([], { CAIRN_SCANNER_OBJECTS_PER_SEC: '250' }).objectsPerSec, 250);
    assert.equal(scanner([], { MINIO_HEAL_BITROTSCAN: '2m' }).scrubIntervalMs, 60 * 86_400_000, 'months');
    assert.equal(
      scanner([], { MINIO_HEAL_BITROTSCAN: '2m', CAIRN_SCRUB_INTERVAL: '10m' }).scrubIntervalMs,
      600_000,
      'minutes, and Cairn first',
    );
    assert.equal(scanner(['--scrub-interval', 'off'], {}).scrubIntervalMs, undefined);
    assert.equal(scanner([], { CAIRN_SCRUB_INTERVAL: 'on' }).scrubIntervalMs, 0);
    assert.throws(
      () => scanner([], { CAIRN_SCANNER_SPEED: 'ludicrous' }),
      /scanner_speed \(CAIRN_SCANNER_SPEED\)/,
    );
    assert.throws(() => scanner([], { CAIRN_SCANNER_CYCLE: 'soon' }), /scanner_cycle .*duration/);
    assert.throws(() => scanner([], { MINIO_HEAL_BITROTSCAN: '3d' }), /heal_bitrotscan .*months/);
  });

  test('the log level: --log-level or CAIRN_LOG_LEVEL, any case, info by default', () => {
    assert.equal(parseServerConfig(['/d'], {}).logLevel, 'info');
    assert.equal(
      parseServerConfig(['--log-level', 'DEBUG', '/d'], { CAIRN_LOG_LEVEL: 'error' }).logLevel,
      'debug',
    );
    assert.equal(parseServerConfig(['/d'], { CAIRN_LOG_LEVEL: 'warn' }).logLevel, 'warn');
    assert.throws(
      () => parseServerConfig(['/d'], { CAIRN_LOG_LEVEL: 'loud' }),
      /log_level \(CAIRN_LOG_LEVEL\).*debug/,
    );
  });
});

describe('server settings: bandwidth limits', () => {
  const KiB = 1024;
  const MiB = 1024 * KiB;

  test('unset, both directions are unlimited (0)', () => {
    const config = parseServerConfig(['/tmp/d1'], {});
    assert.equal(config.settings.get(BANDWIDTH_IN), 0);
    assert.equal(config.settings.get(BANDWIDTH_OUT), 0);
  });

  test('CAIRN_BANDWIDTH_IN/OUT take bytes per second with units; the flags override them', () => {
    const env = { CAIRN_BANDWIDTH_IN: '10MiB', CAIRN_BANDWIDTH_OUT: '1.5GB/s' };
    const fromEnv = parseServerConfig(['/tmp/d1'], env);
    assert.equal(fromEnv.settings.get(BANDWIDTH_IN), 10 * MiB);
    assert.equal(fromEnv.settings.get(BANDWIDTH_OUT), 1.5e9);
    const flags = parseServerConfig(['--bandwidth-in', '512KiB', '--bandwidth-out=4MiB', '/tmp/d1'], env);
    assert.equal(flags.settings.get(BANDWIDTH_IN), 512 * KiB);
    assert.equal(flags.settings.get(BANDWIDTH_OUT), 4 * MiB);
  });

  test('0 or empty is unlimited; a bad value or one under 1 KiB/s stops the start naming the setting', () => {
    const config = parseServerConfig(['/tmp/d1'], { CAIRN_BANDWIDTH_IN: '0', CAIRN_BANDWIDTH_OUT: '' });
    assert.equal(config.settings.get(BANDWIDTH_IN), 0);
    assert.equal(config.settings.get(BANDWIDTH_OUT), 0);
    assert.throws(
      () => parseServerConfig(['/tmp/d1'], { CAIRN_BANDWIDTH_IN: 'fast' }),
      (err: Error) => /bandwidth_in/.test(err.message) && /CAIRN_BANDWIDTH_IN/.test(err.message),
    );
    assert.throws(
      () => parseServerConfig(['--bandwidth-out', '100B', '/tmp/d1'], {}),
      /below the minimum of 1KiB per second/,
    );
  });
});

describe('server settings: the web console', () => {
  test('--console-address (or CAIRN_CONSOLE_ADDRESS) starts it; MINIO_BROWSER=off or none given leaves it off', () => {
    assert.deepEqual(parseServerConfig(['--console-address', ':9001', '/d'], {}).console, {
      host: '0.0.0.0',
      port: 9001,
    });
    assert.deepEqual(parseServerConfig(['/d'], { CAIRN_CONSOLE_ADDRESS: '127.0.0.1:9101' }).console, {
      host: '127.0.0.1',
      port: 9101,
    });
    assert.equal(parseServerConfig(['/d'], {}).console, undefined);
    assert.equal(
      parseServerConfig(['--console-address', ':9001', '/d'], { MINIO_BROWSER: 'off' }).console,
      undefined,
    );
    assert.throws(() => parseServerConfig(['/d'], { CAIRN_BROWSER: 'maybe' }), /browser/);
  });
});
