import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogLevel } from './logger.js';
import { createLogger, humanLine } from './pino-logger.js';

function capture(level: LogLevel) {
  const lines: string[] = [];
  const log = createLogger({ level, human: false, destination: { write: (l: string) => lines.push(l) } });
  return { log, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('a log line is one JSON object with the level as a word, an ISO time, the message and the fields', () => {
  const { log, entries } = capture('info');
  log.child({ requestId: 'R1' }).info('request', { api: 'PutObject', bucket: 'b', status: 200 });
  const [e] = entries();
  assert.equal(e?.level, 'info');
  assert.match(String(e?.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(e?.msg, 'request');
  assert.deepEqual([e?.requestId, e?.api, e?.bucket, e?.status], ['R1', 'PutObject', 'b', 200]);
  assert.equal(e?.pid, undefined);
});

test('lines below the configured level are not written', () => {
  const { log, entries } = capture('warn');
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  assert.deepEqual(
    entries().map((e) => e.level),
    ['warn', 'error'],
  );
  assert.equal(log.enabled('info'), false);
  assert.equal(log.enabled('error'), true);
});

test('an error field is logged with its type, message and stack', () => {
  const { log, entries } = capture('info');
  log.error('failed', { err: new RangeError('out of range') });
  const err = entries()[0]?.err as { type: string; message: string; stack: string };
  assert.equal(err.type, 'RangeError');
  assert.equal(err.message, 'out of range');
  assert.match(err.stack, /pino-logger\.test/);
});

test('fields named like secrets are censored, at the top level and one level down', () => {
  const { log, entries } = capture('info');
  log.info('oops', { secretKey: 'S3CR3T', creds: { sessionToken: 'T0K3N', accessKey: 'AK' } });
  const text = JSON.stringify(entries());
  assert.ok(!text.includes('S3CR3T') && !text.includes('T0K3N'), text);
  assert.ok(text.includes('AK'));
});

test('the human format is time, level, message, then key=value pairs and the stack below', () => {
  const line = humanLine({
    level: 'error',
    time: '2025-01-02T03:04:05.678Z',
    msg: 'request failed',
    requestId: 'R1',
    err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
  });
  assert.equal(line, '03:04:05.678 ERROR request failed requestId=R1\n  Error: boom\n    at x\n');
});
