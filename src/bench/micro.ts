import { createHash, randomFillSync } from 'node:crypto';
import { bitrotFor, NEW_OBJECT_BITROT } from '../erasure/bitrot.js';
import { ReedSolomon } from '../erasure/reed-solomon.js';
import { type PolicyMicroResult, runPolicyMicro } from './policy-micro.js';

export interface MicroResult {
  name: string;
  /** Bytes of object data processed per second, one operation at a time (one core). */
  mbPerSec: number;
  blockBytes: number;
}

export interface MicroReport {
  results: MicroResult[];
  /** Reed-Solomon encode MB/s over MD5 MB/s: above 1 means the codec costs less than the ETag. */
  rsEncodeOverMd5: number;
  rsReconstructOverMd5: number;
  /** The IAM policy evaluator's cost per request (ns), for a 20-statement policy and a built-in one. */
  policy: PolicyMicroResult[];
}

const DATA = 8;
const PARITY = 4;
/** Cairn's erasure block: 1 MiB of object data, so 128 KiB shards at 8+4. */
const BLOCK = 1 << 20;
const SHARD = BLOCK / DATA;

/**
 * Per-core speed of the data-path primitives: Reed-Solomon 8+4 encode and reconstruct of 1 MiB
 * blocks, the bitrot digests over 128 KiB shard blocks, and the streaming MD5 of the ETag.
 */
export async function runMicro(seconds: number): Promise<MicroReport> {
  // Cairn's own wrapper (src/erasure/reed-solomon.ts), so the number includes its threadpool hop.
  const rs = new ReedSolomon(DATA, PARITY);
  const data = randomFillSync(Buffer.alloc(BLOCK));
  const parity = Buffer.alloc(SHARD * PARITY);
  const all = new Array<boolean>(DATA + PARITY).fill(true);
  // Worst case: the first four data shards are lost; rebuild them from the other 4 data + 4 parity.
  const lost = [0, 1, 2, 3];
  const present = all.map((_, i) => !lost.includes(i));

  const results: MicroResult[] = [];
  results.push(await time('rs-8+4-encode', BLOCK, seconds, () => rs.encode(data, parity, SHARD)));
  results.push(
    await time('rs-8+4-reconstruct-4', BLOCK, seconds, () =>
      rs.reconstruct(data, parity, SHARD, present, lost),
    ),
  );
  // The bitrot digests as the data path computes them, over the shard blocks of one 8+4 block:
  // the one new objects use, and SHA-256, which objects written before crc32 still carry.
  for (const bitrot of [NEW_OBJECT_BITROT, bitrotFor('sha256')]) {
    results.push(
      await time(`bitrot-${bitrot.id}-128KiB-blocks`, BLOCK, seconds, async () => {
        for (let i = 0; i < DATA; i++) bitrot.digest(data.subarray(i * SHARD, (i + 1) * SHARD));
      }),
    );
  }
  const md5 = createHash('md5');
  results.push(
    await time('md5-stream', BLOCK, seconds, async () => {
      md5.update(data);
    }),
  );
  md5.digest();
  const rate = (name: string) => results.find((r) => r.name === name)?.mbPerSec ?? Number.NaN;
  return {
    results,
    rsEncodeOverMd5: rate('rs-8+4-encode') / rate('md5-stream'),
    rsReconstructOverMd5: rate('rs-8+4-reconstruct-4') / rate('md5-stream'),
    policy: runPolicyMicro(Math.min(seconds, 3)),
  };
}

/** Best of three rounds: on a shared machine the best round is the one least disturbed. */
async function time(name: string, blockBytes: number, seconds: number, op: () => Promise<void>) {
  for (let i = 0; i < 3; i++) await op(); // warm up
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let n = 0;
    const start = performance.now();
    const end = start + (seconds * 1000) / 3;
    while (performance.now() < end) {
      await op();
      n++;
    }
    best = Math.max(best, (n * blockBytes) / 1e6 / ((performance.now() - start) / 1000));
  }
  return { name, blockBytes, mbPerSec: best };
}
