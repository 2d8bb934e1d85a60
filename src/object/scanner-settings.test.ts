import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SCRUB_INTERVAL_MS, parseScannerSettings, ScannerSettingsError } from './scanner-settings.js';

test("speeds carry MinIO's delay, sleep cap and cycle; default is a third of the time and a monthly scrub", () => {
  const d = parseScannerSettings();
  assert.deepEqual(
    { speed: d.speed, delay: d.delay, maxWaitMs: d.maxWaitMs, cycleMs: d.cycleMs },
    { speed: 'default', delay: 2, maxWaitMs: 1000, cycleMs: 60_000 },
  );
  assert.equal(d.scrubIntervalMs, DEFAULT_SCRUB_INTERVAL_MS);
  assert.equal(parseScannerSettings({ speed: 'fastest' }).delay, 0);
  assert.equal(parseScannerSettings({ speed: 'SLOWEST' }).cycleMs, 30 * 60_000);
});

test('durations, on and off, and MINIO_HEAL_BITROTSCAN months', () => {
  assert.equal(parseScannerSettings({ cycle: '500ms' }).cycleMs, 500);
  assert.equal(parseScannerSettings({ scrubInterval: '7d' }).scrubIntervalMs, 7 * 86_400_000);
  assert.equal(parseScannerSettings({ scrubInterval: '10m' }).scrubIntervalMs, 600_000, 'm is minutes here');
  assert.equal(parseScannerSettings({ scrubInterval: 'on' }).scrubIntervalMs, 0);
  assert.equal(parseScannerSettings({ scrubInterval: 'off' }).scrubIntervalMs, undefined);
  assert.equal(parseScannerSettings({ bitrotScan: '2m' }).scrubIntervalMs, 60 * 86_400_000, 'MinIO: months');
  assert.equal(parseScannerSettings({ scrubInterval: '1h', bitrotScan: 'off' }).scrubIntervalMs, 3_600_000);
  assert.equal(parseScannerSettings({ objectsPerSec: '250' }).objectsPerSec, 250);
});

test('a bad value is a clear error naming the setting', () => {
  for (const [input, name] of [
    [{ speed: 'ludicrous' }, 'CAIRN_SCANNER_SPEED'],
    [{ objectsPerSec: '-1' }, 'CAIRN_SCANNER_OBJECTS_PER_SEC'],
    [{ cycle: 'soon' }, 'CAIRN_SCANNER_CYCLE'],
    [{ scrubInterval: 'weekly' }, 'CAIRN_SCRUB_INTERVAL'],
    [{ bitrotScan: '3d' }, 'MINIO_HEAL_BITROTSCAN'],
  ] as const)
    assert.throws(
      () => parseScannerSettings(input),
      (e: unknown) => e instanceof ScannerSettingsError && e.message.startsWith(name),
    );
});
