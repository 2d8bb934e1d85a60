import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AuditQueue } from './audit-queue.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cairn-audit-queue-'));
  dirs.push(d);
  return d;
}

async function drain(q: AuditQueue): Promise<string[]> {
  const out: string[] = [];
  const stop = new AbortController();
  while (q.pending > 0) {
    const seg = await q.oldest(stop.signal);
    if (seg === undefined) break;
    out.push(...seg.lines);
    await q.ack(seg.seq);
  }
  return out;
}

test('entries come back in the order they were appended, across segments', async () => {
  const q = await AuditQueue.open({ dir: await tempDir(), limit: 1000 });
  for (let i = 0; i < 5; i++) q.append(`{"n":${i}}`);
  await q.settle();
  for (let i = 5; i < 12; i++) q.append(`{"n":${i}}`);
  await q.settle();
  assert.deepEqual(
    await drain(q),
    Array.from({ length: 12 }, (_, i) => `{"n":${i}}`),
  );
  assert.equal(q.pending, 0);
});

test('appends made together are written as one segment file, removed once acknowledged', async () => {
  const dir = await tempDir();
  const q = await AuditQueue.open({ dir, limit: 1000 });
  for (let i = 0; i < 100; i++) q.append(`{"n":${i}}`);
  await q.settle();
  assert.deepEqual(await readdir(dir), ['0000000000000001.jsonl']);
  await drain(q);
  assert.deepEqual(await readdir(dir), []);
});

test('a reopened queue delivers what the previous one held, and drops a torn temp file', async () => {
  const dir = await tempDir();
  const first = await AuditQueue.open({ dir, limit: 1000 });
  first.append('{"a":1}');
  await first.settle();
  first.append('{"a":2}');
  await first.settle();
  await writeFile(join(dir, '.tmp-0000000000000003.jsonl'), '{"torn"');
  const second = await AuditQueue.open({ dir, limit: 1000 });
  assert.equal(second.pending, 2);
  second.append('{"a":3}');
  await second.settle();
  assert.deepEqual(await drain(second), ['{"a":1}', '{"a":2}', '{"a":3}']);
  assert.deepEqual(await readdir(dir), []);
});

test('past the limit new entries are dropped and counted; room frees up as segments are delivered', async () => {
  for (const dir of [await tempDir(), undefined]) {
    const q = await AuditQueue.open({ ...(dir ? { dir } : {}), limit: 3 });
    assert.deepEqual(
      ['1', '2', '3', '4', '5'].map((n) => q.append(n)),
      [true, true, true, false, false],
    );
    assert.equal(q.dropped, 2);
    await q.settle();
    assert.deepEqual(await drain(q), ['1', '2', '3']);
    assert.equal(q.append('6'), true);
  }
});

test('oldest() waits for an entry, and returns undefined once aborted', async () => {
  const q = await AuditQueue.open({ limit: 10 });
  const stop = new AbortController();
  const waiting = q.oldest(stop.signal);
  setTimeout(() => q.append('late'), 20);
  assert.deepEqual((await waiting)?.lines, ['late']);
  const idle = await AuditQueue.open({ limit: 10 });
  const pending = idle.oldest(stop.signal);
  stop.abort();
  assert.equal(await pending, undefined);
});
