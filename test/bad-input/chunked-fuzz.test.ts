// Fuzzing of the aws-chunked decoder: mutated signed, signed-with-trailer and unsigned-trailer
// framings (flipped, cut, duplicated and inserted bytes, from valid seeds by a seeded PRNG, fed in
// random pieces) each finish or fail with an S3Error, and none hangs.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import { AwsChunkedDecoder, type AwsChunkedOptions } from '../../src/api/s3/auth/chunked-payload.js';
import { S3Error } from '../../src/api/s3/errors.js';
import { mutateBytes, Prng } from '../helpers/fuzz.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SEED = Number(process.env.CAIRN_FUZZ_SEED ?? 0x5eed11);

const AMZ_DATE = '20130524T000000Z';
const SCOPE = '20130524/us-east-1/s3/aws4_request';
const SEED_SIGNATURE = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const SIGNING_KEY = ['20130524', 'us-east-1', 's3', 'aws4_request'].reduce<Buffer>(
  (key, part) => hmac(key, part),
  Buffer.from(`AWS4${SECRET}`),
);

function signedChunks(data: Buffer, chunkSize: number, trailer?: [string, string]): Buffer {
  const parts: Buffer[] = [];
  let previous = SEED_SIGNATURE;
  const sign = (chunk: Buffer) => {
    previous = hmac(
      SIGNING_KEY,
      ['AWS4-HMAC-SHA256-PAYLOAD', AMZ_DATE, SCOPE, previous, sha256hex(''), sha256hex(chunk)].join('\n'),
    ).toString('hex');
    return previous;
  };
  for (let at = 0; at < data.length; at += chunkSize) {
    const chunk = data.subarray(at, at + chunkSize);
    parts.push(
      Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sign(chunk)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`0;chunk-signature=${sign(Buffer.alloc(0))}\r\n`));
  if (trailer) {
    const canonical = `${trailer[0]}:${trailer[1]}\n`;
    const signature = hmac(
      SIGNING_KEY,
      ['AWS4-HMAC-SHA256-TRAILER', AMZ_DATE, SCOPE, previous, sha256hex(canonical)].join('\n'),
    ).toString('hex');
    parts.push(Buffer.from(`${trailer[0]}:${trailer[1]}\r\nx-amz-trailer-signature:${signature}\r\n`));
  }
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

function unsignedChunks(data: Buffer, chunkSize: number): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += chunkSize) {
    const chunk = data.subarray(at, at + chunkSize);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'));
  return Buffer.concat(parts);
}

/** Feeds `wire` to a decoder in random pieces; resolves 'ok' or the S3Error code, or fails after 2 s. */
async function decode(rng: Prng, options: AwsChunkedOptions, wire: Buffer): Promise<string> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < wire.length; ) {
    const size = 1 + rng.int(rng.chance(0.5) ? 16 : 4096);
    pieces.push(wire.subarray(at, at + size));
    at += size;
  }
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the decoder neither finished nor failed in 2 s')), 2000);
  });
  try {
    await Promise.race([
      pipeline(
        Readable.from(pieces),
        new AwsChunkedDecoder(options),
        new Writable({
          write(_chunk, _enc, cb) {
            cb();
          },
        }),
      ),
      hang,
    ]);
    return 'ok';
  } catch (err) {
    if (err instanceof S3Error) return err.code;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

describe('aws-chunked framing fuzzing', () => {
  const data = Buffer.alloc(3000, 'x');
  const signing = { signingKey: SIGNING_KEY, amzDate: AMZ_DATE, scope: SCOPE, seedSignature: SEED_SIGNATURE };
  const framings: Array<{ name: string; wire: Buffer; options: AwsChunkedOptions }> = [
    {
      name: 'signed',
      wire: signedChunks(data, 1024),
      options: { signing, trailers: false, declaredTrailers: [], decodedLength: data.length },
    },
    {
      name: 'signed with trailer',
      wire: signedChunks(data, 1000, ['x-amz-checksum-crc32', 'AAAAAA==']),
      options: { signing, trailers: true, declaredTrailers: ['x-amz-checksum-crc32'] },
    },
    {
      name: 'unsigned with trailer',
      wire: unsignedChunks(data, 700),
      options: { trailers: true, declaredTrailers: ['x-amz-checksum-crc32'], decodedLength: data.length },
    },
  ];

  test('every seed framing decodes', async () => {
    const rng = new Prng(SEED);
    for (const f of framings) assert.equal(await decode(rng, f.options, f.wire), 'ok', f.name);
  });

  test('1500 mutated framings each finish or fail with an S3Error, and none hangs', async () => {
    const rng = new Prng(SEED + 2);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 1500; i++) {
      const f = framings[i % framings.length]!;
      let wire = f.wire;
      for (let e = 1 + rng.int(3); e > 0; e--) wire = mutateBytes(rng, wire);
      let outcome: string;
      try {
        outcome = await decode(rng, f.options, wire);
      } catch (err) {
        assert.fail(`seed ${SEED + 2} case ${i} (${f.name}): ${String(err)}`);
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // Almost every mutation breaks a framing or its signatures, and is told apart from success.
    assert.ok((outcomes.get('ok') ?? 0) < 300, JSON.stringify([...outcomes]));
    assert.ok(outcomes.size >= 3, JSON.stringify([...outcomes]));
  });
});
