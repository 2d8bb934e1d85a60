// Latent damage no GET reads: a parity shard rotted on one drive of a 4-drive set (EC 2+2). GET
// reads only data shards, so without a scrub it stays corrupt until further failures make the
// object unreadable; the scanner's scrub finds it and the healer rewrites it, byte for byte, after
// which the object survives losing two more shards. Real `cairn server` processes, real files.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { distribution } from '../../src/erasure/erasure-layout.js';
import { type CairnProcess, logTail, startCairn } from '../helpers/cairn-process.js';
import { deleteFiles, flipBytes, shardFiles } from '../helpers/drive-damage.js';
import type { FoundFile } from '../helpers/files.js';
import { adminCall } from '../helpers/iam-fixtures.js';
import { bodyBytes, s3Client } from '../helpers/s3-client.js';

const BUCKET = 'scrub';
const KEY = 'victim';
/** Several 1 MiB erasure blocks, not a multiple of the block: every block of the shard is hit. */
const SIZE = 3 * 1024 * 1024 + 5;
const EC2 = { CAIRN_STORAGE_CLASS_STANDARD: 'EC:2' };
/** The most the scanner may take at its fastest speed with these few objects (passes ~1 s apart). */
const FIND_WITHIN_MS = 30_000;

interface HealState {
  heal: { healedObjects: number; healedShards: number; queued: number };
  scanner: { passes: number; totals: { findings: { corrupt: number } }; lastDeepPass?: unknown };
}

async function healState(cairn: CairnProcess): Promise<HealState> {
  return JSON.parse((await adminCall(cairn, 'POST', 'background-heal/status')).body) as HealState;
}

/** Writes the victim (the only file-backed object) and a few inline ones; returns its bytes. */
async function writeObjects(s3: S3Client): Promise<Buffer> {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const body = randomBytes(SIZE);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: body }));
  for (let i = 0; i < 5; i++)
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `small-${i}`, Body: randomBytes(4096) }));
  return body;
}

async function getBytes(s3: S3Client): Promise<Buffer> {
  return bodyBytes((await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }))).Body);
}

/** The drives holding the victim's parity shards (shard index ≥ data shards), and data shards. */
function shardDrives(): { parity: number[]; data: number[] } {
  const dist = distribution(4, KEY);
  return {
    parity: dist.flatMap((shard, d) => (shard >= 2 ? [d] : [])),
    data: dist.flatMap((shard, d) => (shard < 2 ? [d] : [])),
  };
}

async function onlyShard(drive: string): Promise<FoundFile> {
  const files = await shardFiles(drive);
  assert.equal(files.length, 1, `one shard file on ${drive}: ${files.map((f) => f.path).join(', ')}`);
  return files[0]!;
}

describe('scrubbing a parity shard no GET reads', () => {
  const servers: CairnProcess[] = [];
  const clients: S3Client[] = [];
  after(async () => {
    for (const c of clients) c.destroy();
    for (const s of servers) await s.stop();
  });

  async function start(env: Record<string, string>): Promise<{ cairn: CairnProcess; s3: S3Client }> {
    const cairn = await startCairn({ drives: 4, env: { ...EC2, ...env } });
    servers.push(cairn);
    const s3 = s3Client(cairn);
    clients.push(s3);
    return { cairn, s3 };
  }

  test('without a scrub, a corrupt parity shard stays corrupt however often the object is read', async () => {
    const { cairn, s3 } = await start({ CAIRN_SCANNER_SPEED: 'fastest', CAIRN_SCRUB_INTERVAL: 'off' });
    const body = await writeObjects(s3);
    const parityDrive = cairn.driveDirs[shardDrives().parity[0]!]!;
    const shard = await onlyShard(parityDrive);
    const rotten = await readFile(shard.path);
    await flipBytes([shard]);
    for (let i = 0; i < 5; i++) assert.ok((await getBytes(s3)).equals(body), 'GET reads the data shards');
    // Let the (non-deep) scanner make passes too: records agree, so it finds nothing to heal.
    const before = (await healState(cairn)).scanner.passes;
    const end = Date.now() + FIND_WITHIN_MS;
    while ((await healState(cairn)).scanner.passes < before + 2) {
      assert.ok(Date.now() < end, `no scanner pass\n${logTail(cairn)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const state = await healState(cairn);
    assert.equal(state.heal.healedObjects, 0);
    assert.equal(state.scanner.totals.findings.corrupt, 0);
    assert.equal((await readFile(shard.path)).equals(rotten), false, 'the shard is still corrupt');
  });

  test('the scrub finds a corrupt parity shard and the healer rewrites it byte for byte; the object then survives two more lost shards', async () => {
    const { cairn, s3 } = await start({ CAIRN_SCANNER_SPEED: 'fastest', CAIRN_SCRUB_INTERVAL: 'on' });
    const body = await writeObjects(s3);
    const { parity, data } = shardDrives();
    const healedDrive = cairn.driveDirs[parity[0]!]!;
    const shard = await onlyShard(healedDrive);
    const good = await readFile(shard.path);
    const healedBefore = (await healState(cairn)).heal.healedShards;
    await flipBytes([shard]);
    assert.equal((await readFile(shard.path)).equals(good), false);

    const started = Date.now();
    let state = await healState(cairn);
    while (!(state.heal.healedShards > healedBefore && (await readFile(shard.path)).equals(good))) {
      assert.ok(
        Date.now() - started < FIND_WITHIN_MS,
        `the shard was not healed in time: ${JSON.stringify(state)}\n${logTail(cairn)}`,
      );
      await new Promise((r) => setTimeout(r, 100));
      state = await healState(cairn);
    }
    assert.ok(state.scanner.totals.findings.corrupt >= 1, 'the scrub reports what it found');
    assert.ok(state.heal.healedObjects >= 1);

    // Two more failures: the other parity shard and one data shard are lost. Only the healed
    // parity shard and the remaining data shard are left, exactly the two the object needs.
    await deleteFiles([
      await onlyShard(cairn.driveDirs[parity[1]!]!),
      await onlyShard(cairn.driveDirs[data[0]!]!),
    ]);
    assert.ok((await getBytes(s3)).equals(body), 'the object reads back byte for byte');
  });
});
