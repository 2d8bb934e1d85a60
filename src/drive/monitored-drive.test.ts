import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Drive, type ReadStreamOptions, type ShardStream, SYS_DIR } from './drive.js';
import type { DriveStatsSnapshot } from './drive-stats.js';
import { DriveError } from './errors.js';
import { LocalDrive } from './local-drive.js';
import { MonitoredDrive } from './monitored-drive.js';

const root = await mkdtemp(join(tmpdir(), 'cairn-monitored-'));
after(() => rm(root, { recursive: true, force: true }));
let n = 0;

/**
 * A real local drive whose calls can be held up: a slow or hung disk. Every method goes to the
 * LocalDrive; while `hold` names it, the call waits until `release()` (a hung disk never does).
 * A held call keeps the event loop alive, as a system call stuck in the thread pool does.
 */
class SlowDrive {
  readonly calls = new Map<string, number>();
  hold = new Set<string>();
  private waiting: (() => void)[] = [];

  constructor(readonly local: LocalDrive) {}

  release(): void {
    for (const go of this.waiting.splice(0)) go();
  }

  /** The LocalDrive's interface with every call counted and gated. */
  asDrive(): Drive {
    return new Proxy(this.local, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return async (...args: unknown[]) => {
          this.calls.set(prop, (this.calls.get(prop) ?? 0) + 1);
          if (this.hold.has(prop)) {
            const busy = setInterval(() => {}, 1000);
            await new Promise<void>((go) => this.waiting.push(go));
            clearInterval(busy);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as Drive;
  }
}

async function slowDrive(deadlineMs = 60_000) {
  const path = join(root, `d${n++}`);
  const local = new LocalDrive(path);
  await local.mount({ createRoot: true });
  const slow = new SlowDrive(local);
  const d = new MonitoredDrive(slow.asDrive(), { deadlineMs });
  return { path, slow, d };
}

const put = (k: string) => [{ op: 'put' as const, table: 't', key: Buffer.from(k), value: Buffer.from('v') }];
const isKind = (kind: string) => (e: unknown) => e instanceof DriveError && e.kind === kind;

test('a call that outlives its deadline fails with Timeout, and the drive stays online', async () => {
  const { slow, d } = await slowDrive(100);
  await d.metaCommit(put('a'));
  slow.hold.add('metaGet');
  const started = performance.now();
  await assert.rejects(d.metaGet('t', Buffer.from('a')), isKind('Timeout'));
  const took = performance.now() - started;
  assert.ok(took >= 100 && took < 1000, `timed out after ${took} ms`);
  assert.equal(d.online, true);
  slow.hold.clear();
  slow.release();
  assert.equal((await d.metaGet('t', Buffer.from('a')))?.toString(), 'v');
  await d.close();
});

test('a stream pull that outlives its deadline aborts the stream with Timeout and closes it', async () => {
  const { slow, d } = await slowDrive(100);
  const ref = { bucketId: '0123456789abcdef', dataId: 'ab'.repeat(16) };
  const w = await d.createTempFile('cd'.repeat(16), 'part.1');
  await w.write([Buffer.alloc(64, 1)]);
  await w.finish();
  await d.commitTemp('cd'.repeat(16), ref);
  // The same disk, hanging once a stream is open: a read answers only the signal it was opened
  // with (as a remote drive's request does when cancelled).
  let closed = false;
  const hungStream = (signal: AbortSignal | undefined): ShardStream => {
    const busy = setInterval(() => {}, 1000);
    return {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          new Promise<IteratorResult<Buffer>>((_, reject) =>
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true }),
          ),
      }),
      close: async () => {
        closed = true;
        clearInterval(busy);
      },
    };
  };
  const hangs = new Proxy(slow.asDrive(), {
    get: (target, prop, receiver) =>
      prop === 'readFileStream'
        ? async (...args: unknown[]) => hungStream((args[4] as ReadStreamOptions | undefined)?.signal)
        : Reflect.get(target, prop, receiver),
  });
  const held = new MonitoredDrive(hangs, { deadlineMs: 100 });
  const stream = await held.readFileStream(ref, 'part.1', 0, 64);
  const started = performance.now();
  await assert.rejects(stream[Symbol.asyncIterator]().next(), isKind('Timeout'));
  const took = performance.now() - started;
  assert.ok(took >= 100 && took < 1000, `timed out after ${took} ms`);
  assert.equal(closed, true);
  assert.equal(held.online, true);
  // A disk that answers streams the range in the chunks asked for.
  const chunks: Buffer[] = [];
  for await (const c of await d.readFileStream(ref, 'part.1', 8, 40, { chunkSize: 16 })) chunks.push(c);
  assert.deepEqual(
    chunks.map((c) => c.length),
    [16, 16, 8],
  );
  await held.close();
  await d.close();
});

test('an aborted signal ends a held call at once with the abort reason', async () => {
  const { slow, d } = await slowDrive();
  slow.hold.add('metaScan');
  const ac = new AbortController();
  const scan = d.metaScan('t', { start: Buffer.alloc(0), limit: 10 }, { signal: ac.signal });
  ac.abort(new Error('client went away'));
  await assert.rejects(scan, /client went away/);
  // Already aborted: the inner drive is not asked at all.
  const before = slow.calls.get('metaGet') ?? 0;
  await assert.rejects(d.metaGet('t', Buffer.from('a'), { signal: ac.signal }), /client went away/);
  assert.equal(slow.calls.get('metaGet') ?? 0, before);
  slow.release();
  await d.close();
});

test('a drive found gone goes offline once: one report for many failing calls, then every call fails fast', async () => {
  const { path, slow, d } = await slowDrive();
  const reports: string[] = [];
  d.onOffline = (reason) => reports.push(reason);
  await d.metaCommit(put('a'));
  await rm(path, { recursive: true, force: true });
  await writeFile(path, 'this drive has failed\n');
  const results = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => d.metaCommit(put(`k${i}`))));
  for (const r of results) assert.ok(r.status === 'rejected' && isKind('DriveOffline')(r.reason));
  assert.equal(d.online, false);
  assert.equal(reports.length, 1);
  assert.match(reports[0] as string, /drive is offline \(its metadata index is unreachable: ENOTDIR\)/);
  // From now on nothing reaches the drive.
  const asked = [...slow.calls.values()].reduce((a, b) => a + b, 0);
  await assert.rejects(d.metaGet('t', Buffer.from('a')), isKind('DriveOffline'));
  await assert.rejects(d.createTempFile('ef'.repeat(16), 'part.1'), isKind('DriveOffline'));
  await assert.rejects(d.readSysFile('format.json'), isKind('DriveOffline'));
  assert.equal(
    [...slow.calls.values()].reduce((a, b) => a + b, 0),
    asked,
  );
  assert.equal(reports.length, 1);
  await d.close();
});

for (const immediate of [false, true]) {
  test(`reads check the drive is still there at most once per liveness interval; commits vouch for it${immediate ? ' (synchronous index reads)' : ''}`, async () => {
    const path = join(root, `d${n++}`);
    const local = new LocalDrive(path);
    await local.mount({ createRoot: true });
    const slow = new SlowDrive(local);
    const d = new MonitoredDrive(slow.asDrive(), {
      livenessTtlMs: 200,
      ...(immediate ? { immediate: local } : {}),
    });
    await d.mount();
    await Promise.all([1, 2, 3].map(() => d.metaGet('t', Buffer.from('a'))));
    assert.equal(slow.calls.get('checkIdentity') ?? 0, 0, 'a fresh mount vouches for the drive');
    await new Promise((r) => setTimeout(r, 250));
    await Promise.all([1, 2, 3].map(() => d.metaGet('t', Buffer.from('a'))));
    assert.equal(slow.calls.get('checkIdentity'), 1, 'concurrent reads share one check');
    await new Promise((r) => setTimeout(r, 250));
    await d.metaCommit(put('a'));
    assert.equal((await d.metaGet('t', Buffer.from('a')))?.toString(), 'v');
    assert.equal(slow.calls.get('checkIdentity'), 1, 'a commit checked the drive, so the read need not');
    // Reads the drive answers synchronously skip the inner async call, but not the check.
    assert.equal((slow.calls.get('metaGet') ?? 0) > 0, !immediate);
    await d.close();
  });
}

const callsOf = (s: DriveStatsSnapshot) => Object.fromEntries(s.apis.map((a) => [a.api, a.calls]));
const noErrors = { timeouts: 0, offline: 0, io: 0 };
const errorsOf = ({ timeouts, offline, io }: DriveStatsSnapshot) => ({ timeouts, offline, io });

test('every call is counted under its drive API with its time, synchronous index reads and stream pulls included', async () => {
  const path = join(root, `d${n++}`);
  const local = new LocalDrive(path);
  const d = new MonitoredDrive(local, { immediate: local });
  await d.mount({ createRoot: true });
  await d.metaCommit(put('a'));
  assert.equal((await d.metaGet('t', Buffer.from('a')))?.toString(), 'v');
  assert.equal((await d.metaScan('t', { start: Buffer.alloc(0), limit: 10 })).length, 1);
  // A file that is not there is an answer, not an error of the drive.
  assert.equal(await d.readSysFile('absent.json'), undefined);
  const ref = { bucketId: '0123456789abcdef', dataId: 'ab'.repeat(16) };
  const w = await d.createTempFile('cd'.repeat(16), 'part.1');
  await w.write([Buffer.alloc(64, 1)]);
  await w.finish();
  await d.commitTemp('cd'.repeat(16), ref);
  let read = 0;
  for await (const c of await d.readFileStream(ref, 'part.1', 0, 64, { chunkSize: 16 })) read += c.length;
  assert.equal(read, 64);
  const stats = d.stats.snapshot();
  assert.deepEqual(callsOf(stats), {
    CheckDisk: 1,
    ReadAll: 1,
    ReadVersion: 1,
    WalkDir: 1,
    WriteMetadata: 1,
    CreateFile: 1,
    AppendFile: 2,
    RenameData: 1,
    ReadFileStream: 1,
    // Four chunks and the pull that finds the end.
    StreamRead: 5,
  });
  for (const a of stats.apis) assert.ok(a.seconds > 0 && a.seconds < 10, `${a.api}: ${a.seconds} s`);
  assert.deepEqual(errorsOf(stats), noErrors);
  await d.close();
});

test('errors are counted by kind: a missed deadline as a timeout, a disk error as I/O, a gone drive as offline; a cancelled call as none', async () => {
  const { path, slow, d } = await slowDrive(100);
  await d.metaCommit(put('a'));
  slow.hold.add('metaGet');
  await assert.rejects(d.metaGet('t', Buffer.from('a')), isKind('Timeout'));
  const ac = new AbortController();
  const cancelled = d.metaGet('t', Buffer.from('a'), { signal: ac.signal });
  ac.abort(new Error('client went away'));
  await assert.rejects(cancelled, /client went away/);
  slow.hold.clear();
  slow.release();
  const timed = d.stats.snapshot().apis.find((a) => a.api === 'ReadVersion');
  assert.equal(timed?.calls, 2);
  assert.ok((timed?.seconds ?? 0) >= 0.1, 'the timed-out call is counted with its time');
  assert.deepEqual(errorsOf(d.stats.snapshot()), { ...noErrors, timeouts: 1 });
  // The filesystem refuses: a directory where a file is read (EISDIR).
  await mkdir(join(path, SYS_DIR, 'config.json'), { recursive: true });
  await assert.rejects(d.readSysFile('config.json'), /EISDIR/);
  assert.deepEqual(errorsOf(d.stats.snapshot()), { ...noErrors, timeouts: 1, io: 1 });
  // The drive is gone; once it is known offline, calls fail fast without reaching it (not counted).
  await rm(path, { recursive: true, force: true });
  await assert.rejects(d.metaCommit(put('b')), isKind('DriveOffline'));
  await assert.rejects(d.metaCommit(put('c')), isKind('DriveOffline'));
  assert.deepEqual(errorsOf(d.stats.snapshot()), { timeouts: 1, io: 1, offline: 1 });
  await d.close();
});
