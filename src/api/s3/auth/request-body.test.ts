import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client as MinioClient } from 'minio';
import { isS3Error } from '../errors.js';
import { openRequestBody } from './request-body.js';
import { type AuthResult, authenticate } from './sigv4.js';

const ACCESS_KEY = 'cairnaccesskey';
const SECRET = 'cairn/secret+key';

interface Received {
  auth: AuthResult;
  contentSha256: string | undefined;
  data?: Buffer;
  trailers?: Record<string, string>;
  decodedLength?: number | undefined;
  error?: string;
}

/** A minimal S3 PUT endpoint: authenticate, read the decoded body, answer 200 or the S3 error. */
function handle(
  req: IncomingMessage,
  record: (r: Received) => void,
  respond: (status: number, code?: string) => void,
) {
  let auth: AuthResult;
  try {
    auth = authenticate(
      {
        method: req.method ?? 'GET',
        rawUrl: req.url ?? '/',
        headers: req.headers,
        headersDistinct: req.headersDistinct,
      },
      (key) => (key === ACCESS_KEY ? SECRET : undefined),
    );
    const body = openRequestBody(req, auth);
    const parts: Buffer[] = [];
    body.on('data', (chunk: Buffer) => parts.push(chunk));
    body.on('end', () => {
      record({
        auth,
        contentSha256: req.headers['x-amz-content-sha256'] as string | undefined,
        data: Buffer.concat(parts),
        trailers: body.trailers(),
        decodedLength: body.decodedLength,
      });
      respond(200);
    });
    body.on('error', (err) => {
      record({ auth, contentSha256: undefined, error: isS3Error(err) ? err.code : String(err) });
      respond(isS3Error(err) ? err.status : 500, isS3Error(err) ? err.code : 'InternalError');
    });
  } catch (err) {
    const code = isS3Error(err) ? err.code : 'InternalError';
    record({ auth: { kind: 'anonymous' }, contentSha256: undefined, error: code });
    respond(isS3Error(err) ? err.status : 500, code);
  }
}

describe('request bodies from real clients over HTTP', () => {
  let server: Server;
  let endpoint: string;
  let port: number;
  let waiting: ((r: Received) => void) | undefined;
  const next = () =>
    new Promise<Received>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server saw no request outcome')), 10_000);
      waiting = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
    });

  before(async () => {
    server = createServer((req, res) => {
      handle(
        req,
        (r) => waiting?.(r),
        (status, code) => {
          if (res.headersSent || res.destroyed) return;
          res.writeHead(status, { 'content-type': 'application/xml', etag: '"0"', connection: 'close' });
          res.end(code ? `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>` : '');
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    endpoint = `http://127.0.0.1:${port}`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const sdk = () =>
    new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
      maxAttempts: 1,
    });

  it('@aws-sdk/client-s3 streaming PutObject: unsigned aws-chunked body with a CRC32 trailer', async () => {
    const payload = randomBytes(300_000);
    const seen = next();
    const client = sdk();
    await client.send(
      new PutObjectCommand({
        Bucket: 'bucket',
        Key: 'dir/streamed object.bin',
        Body: Readable.from([payload.subarray(0, 100_000), payload.subarray(100_000)]),
        ContentLength: payload.length,
      }),
    );
    client.destroy();
    const r = await seen;
    assert.equal(r.error, undefined);
    assert.equal(r.contentSha256, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    assert.deepEqual(r.data, payload);
    assert.equal(r.decodedLength, payload.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(payload) >>> 0);
    assert.deepEqual(r.trailers, { 'x-amz-checksum-crc32': crc.toString('base64') });
  });

  it('@aws-sdk/client-s3 PutObject of a buffer: signed SHA-256 payload', async () => {
    const payload = randomBytes(50_000);
    const seen = next();
    const client = sdk();
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: payload }));
    client.destroy();
    const r = await seen;
    assert.equal(r.error, undefined);
    assert.deepEqual(r.data, payload);
    assert.equal(r.auth.kind === 'signed' && r.auth.payload.kind, 'SHA256');
  });

  it('minio-js putObject over HTTP', async () => {
    const payload = randomBytes(120_000);
    const seen = next();
    const client = new MinioClient({
      endPoint: '127.0.0.1',
      port,
      useSSL: false,
      accessKey: ACCESS_KEY,
      secretKey: SECRET,
      region: 'us-east-1',
    });
    await client.putObject('bucket', 'minio/key.bin', payload, payload.length);
    const r = await seen;
    assert.equal(r.error, undefined);
    assert.match(r.contentSha256 ?? '', /^[0-9a-f]{64}$/, 'minio-js signs the SHA-256 of the body over HTTP');
    assert.deepEqual(r.data, payload);
  });

  it('a body that does not match its x-amz-content-sha256 errors with XAmzContentSHA256Mismatch', async () => {
    const payload = Buffer.from('the body the client hashed');
    const seen = next();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${endpoint}/bucket/key`, {
        method: 'PUT',
        headers: { 'x-amz-content-sha256': createHash('sha256').update('something else').digest('hex') },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(payload);
    });
    assert.equal(status, 400);
    assert.equal((await seen).error, 'XAmzContentSHA256Mismatch');
  });

  it('a client that disconnects mid-body makes the body stream fail with IncompleteBody', async () => {
    const seen = next();
    const req = request(`${endpoint}/bucket/key`, {
      method: 'PUT',
      headers: { 'content-length': '100000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    req.on('error', () => {});
    req.write(Buffer.alloc(1000, 1), () => setTimeout(() => req.destroy(), 50));
    assert.equal((await seen).error, 'IncompleteBody');
  });
});
