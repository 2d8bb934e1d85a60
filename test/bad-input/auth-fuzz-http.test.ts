// Fuzzing of authentication against a real server: mutated Authorization headers, x-amz-date and
// Date values, payload modes and presigned query sets (from valid SigV4, SigV2 and presigned
// seeds, by a seeded PRNG) sent over HTTP. Every request gets an answer: never a 5xx, never a
// dropped connection, an S3 XML error body on every refusal; the server stays live and the data
// it holds unchanged.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { before, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mutateString, mutateStringTimes, Prng } from '../helpers/fuzz.js';
import { isLive, parseS3Error } from '../helpers/raw-http.js';
import { bodyBytes } from '../helpers/s3-client.js';
import { signRequest } from '../helpers/sigv4-signer.js';
import { useServer } from '../s3/fixture.js';

const BUCKET = 'fuzz';
const SEED = Number(process.env.CAIRN_FUZZ_SEED ?? 0x5eed11);
const REQUESTS = 600;

interface Seed {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
}

/** Header values node:http will send: visible ASCII, space, tab and latin-1 bytes. */
function sendable(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

/** A path or query node:http will send: anything outside the URL-safe set percent-encoded. */
function urlSafe(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((b) =>
      b > 0x20 && b < 0x7f && b !== 0x23 ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

function send(
  port: number,
  req: Seed,
): Promise<{ status: number; body: string; contentType: string | undefined }> {
  const path = req.query === '' ? req.path : `${req.path}?${req.query}`;
  return new Promise((resolve, reject) => {
    const r = request(
      { host: '127.0.0.1', port, method: req.method, path, headers: req.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            contentType: res.headers['content-type'],
          }),
        );
        res.on('error', reject);
      },
    );
    r.setTimeout(15_000, () => r.destroy(new Error('no answer within 15 s')));
    r.on('error', reject);
    r.end(req.body);
  });
}

describe('authentication fuzzing over HTTP', () => {
  const server = useServer({ drives: 1, bucket: BUCKET });
  const seeds: Seed[] = [];

  before(async () => {
    const { cairn, s3 } = server;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'obj', Body: 'kept bytes' }));
    const host = `127.0.0.1:${cairn.port}`;
    const sign = (method: string, path: string, body: string, extra: Record<string, string> = {}) =>
      signRequest({
        method,
        path,
        headers: { host, ...extra, ...(body ? { 'content-length': String(body.length) } : {}) },
        payloadHash: createHash('sha256').update(body).digest('hex'),
        accessKey: cairn.accessKey,
        secretKey: cairn.secretKey,
        region: cairn.region,
      });
    seeds.push({
      method: 'GET',
      path: `/${BUCKET}/obj`,
      query: '',
      headers: sign('GET', `/${BUCKET}/obj`, ''),
      body: '',
    });
    seeds.push({
      method: 'PUT',
      path: `/${BUCKET}/fuzz-put`,
      query: '',
      headers: sign('PUT', `/${BUCKET}/fuzz-put`, 'body bytes', { 'content-type': 'text/plain' }),
      body: 'body bytes',
    });
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'obj' }), { expiresIn: 900 }),
    );
    seeds.push({
      method: 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      headers: { host },
      body: '',
    });
    const date = new Date().toUTCString();
    const v2 = createHmac('sha1', cairn.secretKey)
      .update(`GET\n\n\n${date}\n/${BUCKET}/obj`)
      .digest('base64');
    seeds.push({
      method: 'GET',
      path: `/${BUCKET}/obj`,
      query: '',
      headers: { host, date, authorization: `AWS ${cairn.accessKey}:${v2}` },
      body: '',
    });
  });

  test('every seed is accepted (the fuzz starts from valid requests)', async () => {
    for (const seed of seeds) {
      const res = await send(server.cairn.port, seed);
      assert.equal(res.status, 200, `${seed.method} ${seed.path}: ${res.body}`);
    }
  });

  test(`${REQUESTS} mutated requests: each answered, none 5xx, every refusal an S3 XML error`, async () => {
    const rng = new Prng(SEED);
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const seed = seeds[i % seeds.length]!;
      const req: Seed = { ...seed, headers: { ...seed.headers } };
      for (let e = 1 + rng.int(3); e > 0; e--) {
        const what = rng.int(6);
        if (what < 3 && req.headers.authorization !== undefined) {
          req.headers.authorization = sendable(
            mutateStringTimes(rng, req.headers.authorization, 1 + rng.int(2)),
          );
        } else if (what < 4) {
          const params = req.query === '' ? [] : req.query.split('&');
          const at = rng.int(params.length + 1);
          params[at] = urlSafe(mutateString(rng, params[at] ?? 'X-Amz-Signature=00'));
          req.query = params.join('&');
        } else if (what < 5) {
          const name = rng.pick(['x-amz-date', 'date', 'x-amz-content-sha256', 'x-amz-security-token']);
          req.headers[name] = sendable(mutateString(rng, req.headers[name] ?? ''));
        } else {
          req.path = urlSafe(mutateString(rng, req.path));
          if (!req.path.startsWith('/')) req.path = `/${req.path}`;
        }
      }
      let res: Awaited<ReturnType<typeof send>>;
      try {
        res = await send(server.cairn.port, req);
      } catch (err) {
        assert.fail(`seed ${SEED} case ${i}: ${String(err)} for ${JSON.stringify(req).slice(0, 1500)}`);
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(res.status < 500, `seed ${SEED} case ${i}: ${res.status} ${res.body.slice(0, 300)}`);
      // The request line counts towards the HTTP layer's header limit too.
      const headerBytes = Object.entries(req.headers).reduce(
        (n, [k, v]) => n + k.length + v.length + 4,
        req.path.length + req.query.length,
      );
      if (res.status === 431) {
        // The HTTP layer refuses header blocks past its 64 KiB limit before S3 sees them.
        assert.ok(headerBytes > 60 * 1024, `seed ${SEED} case ${i}: 431 for ${headerBytes} header bytes`);
      } else if (res.status >= 400 && req.method !== 'HEAD') {
        assert.ok(
          parseS3Error(res.body),
          `seed ${SEED} case ${i}: ${res.status} without an S3 error: ${res.body}`,
        );
        assert.match(String(res.contentType), /xml/);
      }
    }
    assert.ok((statuses.get(403) ?? 0) > REQUESTS / 4, JSON.stringify([...statuses]));
    assert.ok(await isLive(server.cairn.endpoint), 'the server still answers its health probe');
    const kept = await server.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'obj' }));
    assert.equal((await bodyBytes(kept.Body)).toString(), 'kept bytes');
  });
});
