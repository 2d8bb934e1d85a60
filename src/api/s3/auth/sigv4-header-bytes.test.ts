// SigV4 over header values holding bytes outside ASCII: both readings real clients sign verify.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { S3Error } from '../errors.js';
import { authenticate } from './sigv4.js';

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const lookup = (key: string) => (key === ACCESS_KEY ? SECRET : undefined);
const NOW = new Date('2026-01-02T03:04:05Z');

/**
 * A PUT signed by the AWS SDK's own signer, which hashes the UTF-8 of each header string. The
 * metadata value is given as a JavaScript string; what the server sees depends on the wire bytes.
 */
async function sdkSignedHeaders(meta: string): Promise<IncomingHttpHeaders> {
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
      path: '/b/k',
      headers: { host: 'localhost:9000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-meta-m': meta },
    }),
    { signingDate: NOW },
  );
  const headers: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k.toLowerCase()] = v;
  return headers;
}

/** The header as node:http hands it to the server: each wire byte one latin1 character. */
const asReceived = (wire: Buffer) => wire.toString('latin1');

function check(headers: IncomingHttpHeaders, wireValue: Buffer) {
  return authenticate(
    { method: 'PUT', rawUrl: '/b/k', headers: { ...headers, 'x-amz-meta-m': asReceived(wireValue) } },
    lookup,
    NOW,
  );
}

describe('SigV4 with non-ASCII header bytes', () => {
  it('accepts é sent as the latin-1 byte E9 and signed as its UTF-8 (the JS SDK with a Buffer body)', async () => {
    const headers = await sdkSignedHeaders('Hello World\u00e9');
    const result = check(headers, Buffer.from('Hello World\u00e9', 'latin1'));
    assert.equal(result.kind, 'signed');
  });

  it('accepts é sent and signed as the UTF-8 bytes C3 A9 (botocore, curl)', async () => {
    const headers = await sdkSignedHeaders('Hello World\u00e9');
    const result = check(headers, Buffer.from('Hello World\u00e9', 'utf8'));
    assert.equal(result.kind, 'signed');
  });

  it('refuses a value changed in its non-ASCII byte under either reading', async () => {
    const headers = await sdkSignedHeaders('Hello World\u00e9');
    for (const wire of [
      Buffer.from('Hello World\u00e8', 'latin1'),
      Buffer.from('Hello World\u00e8', 'utf8'),
    ]) {
      assert.throws(
        () => check(headers, wire),
        (err: unknown) => err instanceof S3Error && err.code === 'SignatureDoesNotMatch',
      );
    }
  });
});
