import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { S3Error } from '../errors.js';
import { AwsChunkedDecoder, type AwsChunkedOptions } from './chunked-payload.js';
import { authenticate } from './sigv4.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AMZ_DATE = '20130524T000000Z';
const SCOPE = '20130524/us-east-1/s3/aws4_request';
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';

// Written out here from the AWS documentation rather than imported, so the decoder is checked against
// an independent implementation of the chain.
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const SIGNING_KEY = ['20130524', 'us-east-1', 's3', 'aws4_request'].reduce<Buffer>(
  (key, part) => hmac(key, part),
  Buffer.from(`AWS4${SECRET}`),
);

function chunkSignature(previous: string, data: Buffer): string {
  return hmac(
    SIGNING_KEY,
    ['AWS4-HMAC-SHA256-PAYLOAD', AMZ_DATE, SCOPE, previous, sha256hex(''), sha256hex(data)].join('\n'),
  ).toString('hex');
}

function trailerSignature(previous: string, canonicalTrailers: string): string {
  return hmac(
    SIGNING_KEY,
    ['AWS4-HMAC-SHA256-TRAILER', AMZ_DATE, SCOPE, previous, sha256hex(canonicalTrailers)].join('\n'),
  ).toString('hex');
}

function crc32Base64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString('base64');
}

/** Builds a signed aws-chunked body; `trailers` switches to the -TRAILER framing. */
function signedBody(
  data: Buffer,
  chunkSize: number,
  opts: { seed?: string; trailers?: [string, string][] } = {},
) {
  const parts: Buffer[] = [];
  let previous = opts.seed ?? SEED;
  const signatures: string[] = [];
  for (let at = 0; at <= data.length; at += chunkSize) {
    const chunk = data.subarray(at, Math.min(at + chunkSize, data.length));
    if (chunk.length === 0 && at < data.length) continue;
    previous = chunkSignature(previous, chunk);
    signatures.push(previous);
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`));
    if (chunk.length > 0) parts.push(chunk, Buffer.from('\r\n'));
    if (chunk.length === 0) break;
    if (at + chunkSize >= data.length) {
      previous = chunkSignature(previous, Buffer.alloc(0));
      signatures.push(previous);
      parts.push(Buffer.from(`0;chunk-signature=${previous}\r\n`));
      break;
    }
  }
  if (opts.trailers) {
    const canonical = opts.trailers.map(([k, v]) => `${k}:${v}\n`).join('');
    for (const [k, v] of opts.trailers) parts.push(Buffer.from(`${k}:${v}\r\n`));
    parts.push(Buffer.from(`x-amz-trailer-signature:${trailerSignature(previous, canonical)}\r\n`));
  }
  parts.push(Buffer.from('\r\n'));
  return { wire: Buffer.concat(parts), signatures };
}

/** The framing @aws-sdk/client-s3 sends for STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
function unsignedTrailerBody(pieces: Buffer[], trailer?: [string, string]): Buffer {
  const parts: Buffer[] = [];
  for (const piece of pieces)
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\n'));
  if (trailer) parts.push(Buffer.from(`${trailer[0]}:${trailer[1]}\r\n`), Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

const signing = { signingKey: SIGNING_KEY, amzDate: AMZ_DATE, scope: SCOPE, seedSignature: SEED };

interface Outcome {
  data: Buffer;
  ended: boolean;
  error: S3Error | undefined;
  trailers: Record<string, string>;
}

async function decode(options: AwsChunkedOptions, wire: Buffer, pieceSize = 7919): Promise<Outcome> {
  const decoder = new AwsChunkedDecoder(options);
  const out: Buffer[] = [];
  let ended = false;
  decoder.on('end', () => {
    ended = true;
  });
  const pieces: Buffer[] = [];
  for (let at = 0; at < wire.length; at += pieceSize) pieces.push(wire.subarray(at, at + pieceSize));
  let error: S3Error | undefined;
  try {
    await pipeline(
      Readable.from(pieces),
      decoder,
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          out.push(Buffer.from(chunk));
          cb();
        },
      }),
    );
  } catch (err) {
    assert.ok(err instanceof S3Error, `expected S3Error, got ${String(err)}`);
    error = err;
  }
  return { data: Buffer.concat(out), ended, error, trailers: decoder.trailers() };
}

const signedOptions = (decodedLength?: number): AwsChunkedOptions => ({
  signing,
  trailers: false,
  declaredTrailers: [],
  ...(decodedLength !== undefined ? { decodedLength } : {}),
});

describe('aws-chunked signed payload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
  const data = Buffer.alloc(66560, 'a');

  it('reproduces the AWS documentation example: seed and chunk signatures', () => {
    const { signatures, wire } = signedBody(data, 65536);
    assert.equal(signatures[0], 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648');
    assert.equal(signatures[1], '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497');
    assert.equal(signatures[2], 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9');
    assert.equal(wire.length, 66824);
    const seed = authenticate(
      {
        method: 'PUT',
        rawUrl: '/examplebucket/chunkObject.txt',
        headers: {
          host: 's3.amazonaws.com',
          'x-amz-date': AMZ_DATE,
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${SCOPE},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${SEED}`,
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': '66560',
          'content-length': '66824',
        },
      },
      () => SECRET,
      new Date('2013-05-24T00:00:00Z'),
    );
    assert.equal(seed.kind === 'signed' && seed.signatureVersion, 4);
    if (seed.kind === 'signed' && seed.signatureVersion === 4) {
      assert.equal(seed.seedSignature, SEED);
      assert.deepEqual(seed.signingKey, SIGNING_KEY);
    }
  });

  it('decodes the documentation example body to its 66560 bytes', async () => {
    const { wire } = signedBody(data, 65536);
    const result = await decode(signedOptions(66560), wire);
    assert.equal(result.error, undefined);
    assert.ok(result.ended);
    assert.deepEqual(result.data, data);
  });

  it('decodes the same bytes whatever the network split, down to one byte at a time', async () => {
    const payload = randomBytes(20_000);
    const { wire } = signedBody(payload, 8192);
    for (const pieceSize of [1, 2, 3, 89, 8192, 100_000]) {
      const result = await decode(signedOptions(payload.length), wire, pieceSize);
      assert.equal(result.error, undefined, `piece size ${pieceSize}`);
      assert.deepEqual(result.data, payload);
    }
  });

  it('decodes an empty object (only the final chunk)', async () => {
    const { wire } = signedBody(Buffer.alloc(0), 65536);
    const result = await decode(signedOptions(0), wire);
    assert.equal(result.error, undefined);
    assert.equal(result.data.length, 0);
  });

  it('fails with SignatureDoesNotMatch, and never ends, when a data byte is flipped', async () => {
    const { wire } = signedBody(data, 65536);
    const tampered = Buffer.from(wire);
    tampered[100] = tampered[100]! ^ 1;
    const result = await decode(signedOptions(66560), tampered);
    assert.equal(result.error?.code, 'SignatureDoesNotMatch');
    assert.equal(result.ended, false);
  });

  it('fails when the chain starts from another seed signature', async () => {
    const { wire } = signedBody(data, 65536, { seed: 'f'.repeat(64) });
    const result = await decode(signedOptions(66560), wire);
    assert.equal(result.error?.code, 'SignatureDoesNotMatch');
  });

  it('fails when chunks are reordered, even though each signature is genuine', async () => {
    const a = signedBody(Buffer.alloc(10, 'x'), 5).wire.toString('latin1');
    const lines = a.split('\r\n');
    // lines: hdr1, data1, hdr2, data2, hdr0, '', '' — swap the two data chunks with their headers.
    const swapped = [lines[2], lines[3], lines[0], lines[1], ...lines.slice(4)].join('\r\n');
    const result = await decode(signedOptions(10), Buffer.from(swapped, 'latin1'));
    assert.equal(result.error?.code, 'SignatureDoesNotMatch');
  });

  it('fails when the final zero-length chunk carries a wrong signature', async () => {
    const { wire, signatures } = signedBody(data, 65536);
    const bad = Buffer.from(wire.toString('latin1').replace(signatures[2]!, '0'.repeat(64)), 'latin1');
    const result = await decode(signedOptions(66560), bad);
    assert.equal(result.error?.code, 'SignatureDoesNotMatch');
    assert.equal(result.ended, false);
  });

  it('fails with IncompleteBody when the body stops before the final chunk', async () => {
    const { wire } = signedBody(data, 65536);
    for (const cut of [10, 70_000 - 4000, wire.length - 90, wire.length - 1]) {
      const result = await decode(signedOptions(66560), wire.subarray(0, cut));
      assert.equal(result.error?.code, 'IncompleteBody', `cut at ${cut}`);
      assert.equal(result.ended, false);
    }
  });

  it('fails when the decoded length differs from x-amz-decoded-content-length', async () => {
    const { wire } = signedBody(data, 65536);
    assert.equal((await decode(signedOptions(66561), wire)).error?.code, 'IncompleteBody');
    assert.equal((await decode(signedOptions(66559), wire)).error?.code, 'InvalidRequest');
  });

  it('rejects broken framing: bad size, missing CRLF, endless header line, huge chunk', async () => {
    const { wire } = signedBody(Buffer.alloc(10, 'x'), 10);
    const text = wire.toString('latin1');
    const badSize = Buffer.from(text.replace(/^a;/, 'zz;'), 'latin1');
    assert.equal((await decode(signedOptions(10), badSize)).error?.code, 'InvalidRequest');
    const noCrlf = Buffer.from(text.replace('xxxxxxxxxx\r\n', 'xxxxxxxxxxAB'), 'latin1');
    assert.equal((await decode(signedOptions(10), noCrlf)).error?.code, 'InvalidRequest');
    const endless = Buffer.alloc(100_000, '1');
    assert.equal((await decode(signedOptions(), endless)).error?.code, 'InvalidRequest');
    const huge = Buffer.from(`ffffffffff;chunk-signature=${'0'.repeat(64)}\r\n`);
    assert.equal((await decode(signedOptions(), huge)).error?.code, 'InvalidRequest');
    const extra = Buffer.concat([wire, Buffer.from('junk')]);
    assert.equal((await decode(signedOptions(10), extra)).error?.code, 'InvalidRequest');
  });

  it('requires a chunk-signature on every chunk', async () => {
    const unsignedFraming = unsignedTrailerBody([Buffer.alloc(10, 'x')]);
    const result = await decode(signedOptions(10), Buffer.concat([unsignedFraming, Buffer.from('\r\n')]));
    assert.equal(result.error?.code, 'SignatureDoesNotMatch');
  });
});

describe('aws-chunked with trailers', () => {
  const payload = randomBytes(70_000);
  const crc = crc32Base64(payload);
  const unsignedOptions = (declared = ['x-amz-checksum-crc32']): AwsChunkedOptions => ({
    trailers: true,
    declaredTrailers: declared,
    decodedLength: payload.length,
  });

  it('decodes the @aws-sdk/client-s3 unsigned-trailer framing and exposes the checksum trailer', async () => {
    const wire = unsignedTrailerBody(
      [payload.subarray(0, 65536), payload.subarray(65536)],
      ['x-amz-checksum-crc32', crc],
    );
    const result = await decode(unsignedOptions(), wire);
    assert.equal(result.error, undefined);
    assert.deepEqual(result.data, payload);
    assert.deepEqual(result.trailers, { 'x-amz-checksum-crc32': crc });
  });

  it('passes a wrong checksum value through: verifying it is the object layer’s job', async () => {
    const wire = unsignedTrailerBody([payload], ['x-amz-checksum-crc32', 'AAAAAA==']);
    const result = await decode(unsignedOptions(), wire);
    assert.equal(result.error, undefined);
    assert.equal(result.trailers['x-amz-checksum-crc32'], 'AAAAAA==');
  });

  it('accepts a body ending right after "0\\r\\n" when no trailer was announced', async () => {
    const wire = unsignedTrailerBody([payload]);
    const result = await decode(unsignedOptions([]), wire);
    assert.equal(result.error, undefined);
    assert.deepEqual(result.data, payload);
  });

  it('fails with MalformedTrailerError when an announced trailer is missing or another one arrives', async () => {
    const missing = Buffer.concat([unsignedTrailerBody([payload]), Buffer.from('\r\n')]);
    assert.equal((await decode(unsignedOptions(), missing)).error?.code, 'MalformedTrailerError');
    const other = unsignedTrailerBody([payload], ['x-amz-checksum-sha256', 'abc=']);
    assert.equal((await decode(unsignedOptions(), other)).error?.code, 'MalformedTrailerError');
  });

  it('fails with IncompleteBody when the trailer section is cut off', async () => {
    const wire = unsignedTrailerBody([payload], ['x-amz-checksum-crc32', crc]);
    const result = await decode(unsignedOptions(), wire.subarray(0, wire.length - 2));
    assert.equal(result.error?.code, 'IncompleteBody');
    assert.equal(result.ended, false);
  });

  const signedTrailerOptions: AwsChunkedOptions = {
    signing,
    trailers: true,
    declaredTrailers: ['x-amz-checksum-crc32'],
    decodedLength: payload.length,
  };

  it('verifies the trailer signature of STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', async () => {
    const { wire } = signedBody(payload, 65536, { trailers: [['x-amz-checksum-crc32', crc]] });
    const result = await decode(signedTrailerOptions, wire);
    assert.equal(result.error, undefined);
    assert.deepEqual(result.data, payload);
    assert.deepEqual(result.trailers, { 'x-amz-checksum-crc32': crc });
  });

  it('fails with SignatureDoesNotMatch when a signed trailer value is altered or its signature dropped', async () => {
    const { wire } = signedBody(payload, 65536, { trailers: [['x-amz-checksum-crc32', crc]] });
    const altered = Buffer.from(wire.toString('latin1').replace(`crc32:${crc}`, 'crc32:AAAAAA=='), 'latin1');
    const result = await decode(signedTrailerOptions, altered);
    assert.equal(result.error?.code, 'SignatureDoesNotMatch');
    assert.equal(result.ended, false);
    const dropped = Buffer.from(
      wire.toString('latin1').replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ''),
      'latin1',
    );
    assert.equal((await decode(signedTrailerOptions, dropped)).error?.code, 'SignatureDoesNotMatch');
  });
});
