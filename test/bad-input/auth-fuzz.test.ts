// Fuzzing of request authentication, in process: thousands of random and mutated SigV4 and SigV2
// Authorization headers, presigned query sets, x-amz-date/Date values, payload modes and paths,
// made from valid seeds by a seeded PRNG (a failure names its seed and case; CAIRN_FUZZ_SEED picks
// another run). authenticate() must return or throw an S3Error with a 4xx status, never another
// exception, and stay fast (no super-linear parsing). chunked-fuzz.test.ts does the same for the
// aws-chunked decoder.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { before, describe, test } from 'node:test';
import { Sha256 } from '@smithy/core/checksum';
import { buildQueryString, HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { type AuthRequest, authenticate } from '../../src/api/s3/auth/sigv4.js';
import { S3Error } from '../../src/api/s3/errors.js';
import { mutateString, mutateStringTimes, Prng } from '../helpers/fuzz.js';

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const lookup = (key: string) => (key === ACCESS_KEY ? SECRET : undefined);
const NOW = new Date('2013-05-24T00:00:00Z');
const V2_NOW = new Date('2007-03-27T19:40:00Z');
/** Generous for a loaded 2-core machine; a quadratic parser on a 60 KB header takes far longer. */
const MAX_CALL_MS = 250;
const SEED = Number(process.env.CAIRN_FUZZ_SEED ?? 0x5eed11);

// The GET example of the S3 SigV4 documentation: a valid header-signed request at NOW.
const V4_HEADER: AuthRequest = {
  method: 'GET',
  rawUrl: '/test.txt',
  headers: {
    host: 'examplebucket.s3.amazonaws.com',
    range: 'bytes=0-9',
    'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'x-amz-date': '20130524T000000Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  },
};

// The "Object GET" example of the S3 SigV2 documentation (virtual-host style), valid at V2_NOW.
const V2_HEADER: AuthRequest = {
  method: 'GET',
  rawUrl: '/photos/puppy.jpg',
  headers: {
    host: 'johnsmith.s3.amazonaws.com',
    date: 'Tue, 27 Mar 2007 19:36:42 +0000',
    authorization: `AWS ${ACCESS_KEY}:bWq2s1WEIj+Ydj0vQ697zp+IXMU=`,
  },
  virtualHostBucket: 'johnsmith',
};

function v2Presigned(): AuthRequest {
  const expires = String(Math.floor(V2_NOW.getTime() / 1000) + 600);
  const signature = createHmac('sha1', SECRET)
    .update(`GET\n\n\n${expires}\n/bucket/key`, 'utf8')
    .digest('base64');
  const q = `AWSAccessKeyId=${ACCESS_KEY}&Expires=${expires}&Signature=${encodeURIComponent(signature)}`;
  return { method: 'GET', rawUrl: `/bucket/key?${q}`, headers: { host: 'localhost:9000' } };
}

async function v4Presigned(): Promise<AuthRequest> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
    region: 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  });
  const out = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'http:',
      hostname: 'localhost',
      port: 9000,
      path: '/bucket/some%20key',
      query: { 'response-content-type': 'text/plain' },
      headers: { host: 'localhost:9000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }),
    { signingDate: NOW, expiresIn: 3600 },
  );
  return {
    method: 'GET',
    rawUrl: `${out.path}?${buildQueryString(out.query ?? {})}`,
    headers: { host: 'localhost:9000' },
  };
}

async function v4Streaming(): Promise<AuthRequest> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
    region: 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const out = await signer.sign(
    new HttpRequest({
      method: 'PUT',
      protocol: 'http:',
      hostname: 'localhost',
      port: 9000,
      path: '/bucket/key',
      headers: {
        host: 'localhost:9000',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
        'x-amz-decoded-content-length': '66560',
        'x-amz-trailer': 'x-amz-checksum-crc32',
        'content-encoding': 'aws-chunked',
      },
    }),
    { signingDate: NOW },
  );
  const headers: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k.toLowerCase()] = v;
  return { method: 'PUT', rawUrl: out.path, headers };
}

/** Splits a raw query into its parameters, mutates some of them, and joins it again. */
function mutateQuery(rng: Prng, rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const params = q < 0 ? [] : rawUrl.slice(q + 1).split('&');
  switch (rng.int(5)) {
    case 0:
      if (params.length > 0) params.splice(rng.int(params.length), 1);
      break;
    case 1:
      if (params.length > 0) params.push(rng.pick(params));
      break;
    case 2:
      params.push(
        `${rng.pick(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token', 'Signature', 'Expires', 'AWSAccessKeyId'])}=${mutateString(rng, 'x')}`,
      );
      break;
    default: {
      if (params.length === 0) break;
      const i = rng.int(params.length);
      const [name = '', value = ''] = (params[i] ?? '').split(/=(.*)/s);
      params[i] = rng.chance(0.3)
        ? `${mutateString(rng, name)}=${value}`
        : `${name}=${mutateStringTimes(rng, value, 1 + rng.int(3))}`;
    }
  }
  return params.length > 0 ? `${path}?${params.join('&')}` : path;
}

const HEADER_NAMES = [
  'authorization',
  'x-amz-date',
  'date',
  'x-amz-content-sha256',
  'host',
  'x-amz-security-token',
  'x-amz-decoded-content-length',
  'x-amz-trailer',
  'content-encoding',
];

/** A mutated copy of `seed`: one to four edits to its headers, query, path or method. */
function mutateRequest(rng: Prng, seed: AuthRequest): AuthRequest {
  const headers: IncomingHttpHeaders = { ...seed.headers };
  let rawUrl = seed.rawUrl;
  let method = seed.method;
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const what = rng.int(10);
    if (what < 4) {
      const name =
        rng.chance(0.6) && headers.authorization !== undefined ? 'authorization' : rng.pick(HEADER_NAMES);
      const current = headers[name];
      const text = Array.isArray(current) ? (current[0] ?? '') : (current ?? '');
      headers[name] = mutateStringTimes(rng, text, 1 + rng.int(3));
    } else if (what < 7) {
      rawUrl = mutateQuery(rng, rawUrl);
    } else if (what === 7) {
      const q = rawUrl.indexOf('?');
      const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
      rawUrl = mutateString(rng, path) + (q < 0 ? '' : rawUrl.slice(q));
    } else if (what === 8) {
      // A repeated header, as node delivers it in headersDistinct (and joined, or first, in headers).
      const name = rng.pick(HEADER_NAMES);
      const current = headers[name];
      const text = Array.isArray(current) ? (current[0] ?? '') : (current ?? '');
      headers[name] =
        name === 'authorization' || name === 'host' ? text : `${text}, ${mutateString(rng, text)}`;
      return withDistinct({ ...seed, method, rawUrl, headers }, name, [text, mutateString(rng, text)]);
    } else {
      method = rng.pick(['GET', 'PUT', 'POST', 'HEAD', 'DELETE', 'get', '', 'PATCH']);
    }
  }
  return { ...seed, method, rawUrl, headers };
}

function withDistinct(req: AuthRequest, name: string, values: string[]): AuthRequest {
  const distinct: NodeJS.Dict<string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) distinct[k] = Array.isArray(v) ? v : [v];
  }
  distinct[name] = values;
  return { ...req, headersDistinct: distinct };
}

/** Every UTF-8 byte of `value` percent-encoded (lone surrogates become U+FFFD, as on the wire). */
function percentEncoded(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

interface Tally {
  signed: number;
  anonymous: number;
  errors: Map<string, number>;
  slowest: number;
}

/** Runs authenticate on `req` and checks the outcome is a result or a 4xx S3Error, quickly. */
function check(req: AuthRequest, now: Date, tally: Tally, label: string): void {
  const started = performance.now();
  try {
    const result = authenticate(req, lookup, now);
    if (result.kind === 'signed') tally.signed++;
    else tally.anonymous++;
  } catch (err) {
    if (!(err instanceof S3Error)) {
      assert.fail(`${label}: authenticate threw ${String(err)} for ${JSON.stringify(req).slice(0, 2000)}`);
    }
    assert.ok(err.status >= 400 && err.status < 500, `${label}: ${err.code} is ${err.status}, not 4xx`);
    tally.errors.set(err.code, (tally.errors.get(err.code) ?? 0) + 1);
  }
  const took = performance.now() - started;
  tally.slowest = Math.max(tally.slowest, took);
  assert.ok(took < MAX_CALL_MS, `${label}: authenticate took ${took.toFixed(1)} ms`);
}

describe('authentication fuzzing (in process)', () => {
  const seeds: Array<{ name: string; req: AuthRequest; now: Date }> = [];
  before(async () => {
    seeds.push(
      { name: 'SigV4 header', req: V4_HEADER, now: NOW },
      { name: 'SigV4 presigned', req: await v4Presigned(), now: NOW },
      { name: 'SigV4 streaming', req: await v4Streaming(), now: NOW },
      { name: 'SigV2 header', req: V2_HEADER, now: V2_NOW },
      { name: 'SigV2 presigned', req: v2Presigned(), now: V2_NOW },
    );
  });

  test('every seed authenticates as signed (the fuzz starts from valid requests)', () => {
    for (const { name, req, now } of seeds) {
      assert.equal(authenticate(req, lookup, now).kind, 'signed', name);
    }
  });

  test('5000 mutated requests: each is a result or a 4xx S3Error, each in well under a second', () => {
    const rng = new Prng(SEED);
    const tally: Tally = { signed: 0, anonymous: 0, errors: new Map(), slowest: 0 };
    for (let i = 0; i < 5000; i++) {
      const seed = seeds[i % seeds.length]!;
      check(mutateRequest(rng, seed.req), seed.now, tally, `seed ${SEED} case ${i} (${seed.name})`);
    }
    // The mutations reach deep: most requests fail in many different ways, past the first parse.
    assert.ok(tally.errors.size >= 7, `only ${[...tally.errors.keys()].join(', ')}`);
    assert.ok((tally.errors.get('SignatureDoesNotMatch') ?? 0) > 100, 'mutations reach the signature check');
  });

  test('random x-amz-date, Date and X-Amz-Date values are a result or a 4xx S3Error', () => {
    const rng = new Prng(SEED + 1);
    const tally: Tally = { signed: 0, anonymous: 0, errors: new Map(), slowest: 0 };
    const dates = [
      '20130524T000000Z',
      'Tue, 27 Mar 2007 19:36:42 +0000',
      '2013-05-24T00:00:00Z',
      '99991231T235959Z',
    ];
    for (let i = 0; i < 2000; i++) {
      const value = mutateStringTimes(rng, rng.pick(dates), 1 + rng.int(3));
      const seed = rng.pick(seeds);
      const req: AuthRequest =
        seed.name === 'SigV4 presigned'
          ? {
              ...seed.req,
              rawUrl: seed.req.rawUrl.replace(
                /X-Amz-Date=[^&]*/,
                `X-Amz-Date=${rng.chance(0.5) ? value : percentEncoded(value)}`,
              ),
            }
          : {
              ...seed.req,
              headers: { ...seed.req.headers, [rng.chance(0.5) ? 'x-amz-date' : 'date']: value },
            };
      check(req, seed.now, tally, `seed ${SEED + 1} case ${i}`);
    }
  });

  test('changing any one character of a signature never authenticates', () => {
    for (const { name, req, now } of seeds) {
      const match =
        /(Signature=|:)([A-Za-z0-9+/=%]{20,})/.exec((req.headers.authorization as string) ?? req.rawUrl) ??
        /Signature=([^&]+)/.exec(req.rawUrl);
      assert.ok(match, name);
      const signature = match[match.length - 1]!;
      for (let i = 0; i < signature.length; i++) {
        const c = signature.charAt(i);
        const other = c === 'a' ? 'b' : c === 'A' ? 'B' : 'a';
        const forged = signature.slice(0, i) + other + signature.slice(i + 1);
        const swap = (s: string) => s.replace(signature, forged);
        const forgedReq: AuthRequest = {
          ...req,
          rawUrl: swap(req.rawUrl),
          headers: {
            ...req.headers,
            ...(req.headers.authorization ? { authorization: swap(req.headers.authorization) } : {}),
          },
        };
        assert.throws(
          () => authenticate(forgedReq, lookup, now),
          (err: unknown) => err instanceof S3Error && err.status >= 400 && err.status < 500,
          `${name}: signature with character ${i} changed`,
        );
      }
    }
  });
});
