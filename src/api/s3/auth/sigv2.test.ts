import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { S3Error } from '../errors.js';
import type { AuthRequest, AuthResult } from './auth-result.js';
import { authenticate } from './sigv4.js';

// The credentials of the S3 documentation's Signature Version 2 examples ("Signing and
// authenticating REST requests"). Its signatures were computed for the bucket `johnsmith`, the
// name the examples used before the page renamed it to awsexamplebucket1 without re-signing.
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const lookup = (key: string) => (key === ACCESS_KEY ? SECRET : undefined);

/** An independent signer: the string to sign is written out by each test. */
const sign = (stringToSign: string, secret = SECRET) =>
  createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');

function expectS3Error(fn: () => unknown, code: string, message?: RegExp): S3Error {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof S3Error, `expected S3Error, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code}, but authentication succeeded`);
}

function signedV2(result: AuthResult) {
  assert.equal(result.kind === 'signed' && result.signatureVersion, 2);
  if (result.kind !== 'signed' || result.signatureVersion !== 2) throw new Error('unreachable');
  return result;
}

function request(
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
  extra: Partial<AuthRequest> = {},
): AuthRequest {
  return { method, rawUrl, headers, ...extra };
}

describe('SigV2 header authentication: the S3 documentation examples', () => {
  it('accepts "Object GET" (virtual-host style) as a signed, unsigned-payload V2 request', () => {
    const req = request(
      'GET',
      '/photos/puppy.jpg',
      {
        host: 'johnsmith.s3.amazonaws.com',
        date: 'Tue, 27 Mar 2007 19:36:42 +0000',
        authorization: `AWS ${ACCESS_KEY}:bWq2s1WEIj+Ydj0vQ697zp+IXMU=`,
      },
      { virtualHostBucket: 'johnsmith' },
    );
    const result = signedV2(authenticate(req, lookup, new Date('2007-03-27T19:40:00Z')));
    assert.equal(result.accessKey, ACCESS_KEY);
    assert.deepEqual(result.payload, { kind: 'UNSIGNED-PAYLOAD' });
    assert.equal(result.presigned, false);
  });

  it('accepts "Object PUT", whose Content-Type is signed', () => {
    const headers = {
      host: 'johnsmith.s3.amazonaws.com',
      'content-type': 'image/jpeg',
      'content-length': '94328',
      date: 'Tue, 27 Mar 2007 21:15:45 +0000',
      authorization: `AWS ${ACCESS_KEY}:MyyxeRY7whkBe+bq8fHCL/2kKUg=`,
    };
    const now = new Date('2007-03-27T21:15:45Z');
    const extra = { virtualHostBucket: 'johnsmith' };
    signedV2(authenticate(request('PUT', '/photos/puppy.jpg', headers, extra), lookup, now));
    const retyped = { ...headers, 'content-type': 'image/png' };
    expectS3Error(
      () => authenticate(request('PUT', '/photos/puppy.jpg', retyped, extra), lookup, now),
      'SignatureDoesNotMatch',
    );
  });

  it('accepts "List": ordinary query parameters are not signed, and the bucket root keeps its slash', () => {
    const req = request(
      'GET',
      '/?prefix=photos&max-keys=50&marker=puppy',
      {
        'user-agent': 'Mozilla/5.0',
        host: 'johnsmith.s3.amazonaws.com',
        date: 'Tue, 27 Mar 2007 19:42:41 +0000',
        authorization: `AWS ${ACCESS_KEY}:htDYFYduRNen8P9ZfE/s9SuKy0U=`,
      },
      { virtualHostBucket: 'johnsmith' },
    );
    signedV2(authenticate(req, lookup, new Date('2007-03-27T19:42:41Z')));
  });

  it('accepts "Fetch" of the ?acl sub-resource, which is signed', () => {
    const headers = {
      host: 'johnsmith.s3.amazonaws.com',
      date: 'Tue, 27 Mar 2007 19:44:46 +0000',
      authorization: `AWS ${ACCESS_KEY}:c2WLPFtWHVgbEmeEG93a4cG37dM=`,
    };
    const now = new Date('2007-03-27T19:44:46Z');
    const extra = { virtualHostBucket: 'johnsmith' };
    signedV2(authenticate(request('GET', '/?acl', headers, extra), lookup, now));
    // The same signature cannot be moved to another sub-resource.
    expectS3Error(
      () => authenticate(request('GET', '/?policy', headers, extra), lookup, now),
      'SignatureDoesNotMatch',
    );
  });

  it('accepts "Upload": Content-MD5, sorted x-amz-* headers, repeated ones comma-joined, a CNAME bucket', () => {
    const headers = {
      'user-agent': 'curl/7.15.5',
      host: 'static.johnsmith.net:8080',
      date: 'Tue, 27 Mar 2007 21:06:08 +0000',
      'x-amz-acl': 'public-read',
      'content-type': 'application/x-download',
      'content-md5': '4gJE4saaMU4BqNR0kLY+lw==',
      'x-amz-meta-reviewedby': 'joe@johnsmith.net, jane@johnsmith.net',
      'x-amz-meta-filechecksum': '0x02661779',
      'x-amz-meta-checksumalgorithm': 'crc32',
      'content-disposition': 'attachment; filename=database.dat',
      'content-encoding': 'gzip',
      'content-length': '5913339',
      authorization: `AWS ${ACCESS_KEY}:ilyl83RwaSoYIEdixDQcA4OnAnc=`,
    };
    const req = request('PUT', '/db-backup.dat.gz', headers, {
      virtualHostBucket: 'static.johnsmith.net',
      headersDistinct: { 'x-amz-meta-reviewedby': ['joe@johnsmith.net', ' jane@johnsmith.net'] },
    });
    signedV2(authenticate(req, lookup, new Date('2007-03-27T21:06:08Z')));
  });

  it('accepts "List all my buckets" and "Unicode keys" (the path signed exactly as sent)', () => {
    const list = request('GET', '/', {
      host: 's3.amazonaws.com',
      date: 'Wed, 28 Mar 2007 01:29:59 +0000',
      authorization: `AWS ${ACCESS_KEY}:qGdzdERIC03wnaRNKh6OqZehG9s=`,
    });
    signedV2(authenticate(list, lookup, new Date('2007-03-28T01:29:59Z')));
    const unicode = request('GET', '/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re', {
      host: 's3.amazonaws.com',
      date: 'Wed, 28 Mar 2007 01:49:49 +0000',
      authorization: `AWS ${ACCESS_KEY}:DNEZGsoieTZ92F3bUfSPQcbGmlM=`,
    });
    signedV2(authenticate(unicode, lookup, new Date('2007-03-28T01:49:49Z')));
  });
});

describe('SigV2 header authentication', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const httpDate = now.toUTCString();

  it('signs an empty Date line when x-amz-date is sent (s3cmd), and x-amz-date among the headers', () => {
    const stringToSign = `PUT\n\ntext/plain\n\nx-amz-date:${httpDate}\nx-amz-meta-a:1\n/b/k.txt`;
    const req = request('PUT', '/b/k.txt', {
      host: 'localhost:9000',
      'content-type': 'text/plain',
      'x-amz-date': httpDate,
      'x-amz-meta-a': ' 1 ',
      authorization: `AWS ${ACCESS_KEY}:${sign(stringToSign)}`,
    });
    signedV2(authenticate(req, lookup, now));
  });

  it('accepts a request with both Date and x-amz-date signed either the AWS way or the MinIO way', () => {
    const base = { host: 'localhost:9000', date: httpDate, 'x-amz-date': httpDate };
    const aws = `GET\n\n\n\nx-amz-date:${httpDate}\n/b/k`;
    const minio = `GET\n\n\n${httpDate}\nx-amz-date:${httpDate}\n/b/k`;
    for (const stringToSign of [aws, minio]) {
      const headers = { ...base, authorization: `AWS ${ACCESS_KEY}:${sign(stringToSign)}` };
      signedV2(authenticate(request('GET', '/b/k', headers), lookup, now));
    }
  });

  it('signs sub-resources sorted, with decoded values, and response-* overrides', () => {
    const stringToSign =
      'GET\n\n\n' +
      `${httpDate}\n` +
      '/b/k?response-content-disposition=attachment; filename="a b.txt"&versionId=v+1';
    const rawUrl =
      '/b/k?versionId=v%2B1&response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22&x-id=GetObject';
    const headers = {
      host: 'localhost',
      date: httpDate,
      authorization: `AWS ${ACCESS_KEY}:${sign(stringToSign)}`,
    };
    signedV2(authenticate(request('GET', rawUrl, headers), lookup, now));
    expectS3Error(
      () => authenticate(request('GET', `${rawUrl}&response-content-type=text/html`, headers), lookup, now),
      'SignatureDoesNotMatch',
    );
  });

  it('answers SignatureDoesNotMatch, with the string to sign, for a tampered request or the wrong secret', () => {
    const stringToSign = `PUT\n\n\n${httpDate}\nx-amz-meta-owner:alice\n/b/k`;
    const headers = {
      host: 'localhost',
      date: httpDate,
      'x-amz-meta-owner': 'alice',
      authorization: `AWS ${ACCESS_KEY}:${sign(stringToSign)}`,
    };
    signedV2(authenticate(request('PUT', '/b/k', headers), lookup, now));
    const err = expectS3Error(
      () => authenticate(request('PUT', '/b/other', headers), lookup, now),
      'SignatureDoesNotMatch',
    );
    assert.equal(err.details.StringToSign, `PUT\n\n\n${httpDate}\nx-amz-meta-owner:alice\n/b/other`);
    assert.equal(err.details.AWSAccessKeyId, ACCESS_KEY);
    const changedMeta = { ...headers, 'x-amz-meta-owner': 'mallory' };
    expectS3Error(
      () => authenticate(request('PUT', '/b/k', changedMeta), lookup, now),
      'SignatureDoesNotMatch',
    );
    const addedMeta = { ...headers, 'x-amz-meta-extra': '1' };
    expectS3Error(
      () => authenticate(request('PUT', '/b/k', addedMeta), lookup, now),
      'SignatureDoesNotMatch',
    );
    expectS3Error(
      () => authenticate(request('DELETE', '/b/k', headers), lookup, now),
      'SignatureDoesNotMatch',
    );
    const wrongSecret = {
      ...headers,
      authorization: `AWS ${ACCESS_KEY}:${sign(stringToSign, 'not-the-secret')}`,
    };
    expectS3Error(
      () => authenticate(request('PUT', '/b/k', wrongSecret), lookup, now),
      'SignatureDoesNotMatch',
    );
    // base64 is case-sensitive: a signature differing only in case is a different signature.
    const recased = { ...headers, authorization: `AWS ${ACCESS_KEY}:${sign(stringToSign).toLowerCase()}` };
    expectS3Error(() => authenticate(request('PUT', '/b/k', recased), lookup, now), 'SignatureDoesNotMatch');
  });

  it('answers InvalidAccessKeyId for an unknown key and InvalidArgument for a malformed header', () => {
    const headers = { host: 'localhost', date: httpDate, authorization: 'AWS AKIDUNKNOWN:c2lnbmF0dXJl' };
    const err = expectS3Error(
      () => authenticate(request('GET', '/', headers), lookup, now),
      'InvalidAccessKeyId',
    );
    assert.equal(err.details.AWSAccessKeyId, 'AKIDUNKNOWN');
    for (const authorization of ['AWS ', `AWS ${ACCESS_KEY}`, `AWS ${ACCESS_KEY}:`, 'AWS :abc']) {
      expectS3Error(
        () => authenticate(request('GET', '/', { ...headers, authorization }), lookup, now),
        'InvalidArgument',
        /AwsAccessKeyId:signature/,
      );
    }
  });

  it('answers RequestTimeTooSkewed beyond 15 minutes and AccessDenied without a date', () => {
    const signedAt = (date: Date) => {
      const text = date.toUTCString();
      return request('GET', '/b/k', {
        host: 'localhost',
        date: text,
        authorization: `AWS ${ACCESS_KEY}:${sign(`GET\n\n\n${text}\n/b/k`)}`,
      });
    };
    signedV2(authenticate(signedAt(new Date(now.getTime() - 14 * 60_000)), lookup, now));
    signedV2(authenticate(signedAt(new Date(now.getTime() + 14 * 60_000)), lookup, now));
    expectS3Error(
      () => authenticate(signedAt(new Date(now.getTime() - 16 * 60_000)), lookup, now),
      'RequestTimeTooSkewed',
    );
    expectS3Error(
      () => authenticate(signedAt(new Date(now.getTime() + 16 * 60_000)), lookup, now),
      'RequestTimeTooSkewed',
    );
    const undated = request('GET', '/b/k', {
      host: 'localhost',
      authorization: `AWS ${ACCESS_KEY}:${sign('GET\n\n\n\n/b/k')}`,
    });
    expectS3Error(() => authenticate(undated, lookup, now), 'AccessDenied', /Date or x-amz-date/);
  });

  it('hands the x-amz-security-token header to the identity lookup, which decides', () => {
    const token = `GET\n\n\n${httpDate}\nx-amz-security-token:tok\n/b/k`;
    const withToken = request('GET', '/b/k', {
      host: 'localhost',
      date: httpDate,
      'x-amz-security-token': 'tok',
      authorization: `AWS ${ACCESS_KEY}:${sign(token)}`,
    });
    const seen: (string | undefined)[] = [];
    const tokenLookup = (key: string, sessionToken: string | undefined) => {
      seen.push(sessionToken);
      return sessionToken === 'tok' ? lookup(key) : undefined;
    };
    assert.equal(authenticate(withToken, tokenLookup, now).kind, 'signed');
    const { 'x-amz-security-token': _, ...headers } = withToken.headers;
    expectS3Error(() => authenticate({ ...withToken, headers }, tokenLookup, now), 'InvalidAccessKeyId');
    assert.deepEqual(seen, ['tok', undefined]);
  });

  it('refuses aws-chunked payloads, which V2 cannot carry', () => {
    const chunked = `PUT\n\n\n${httpDate}\nx-amz-content-sha256:STREAMING-UNSIGNED-PAYLOAD-TRAILER\n/b/k`;
    const streaming = request('PUT', '/b/k', {
      host: 'localhost',
      date: httpDate,
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      authorization: `AWS ${ACCESS_KEY}:${sign(chunked)}`,
    });
    expectS3Error(() => authenticate(streaming, lookup, now), 'InvalidRequest', /Signature Version 4/);
  });

  it('refuses an Authorization header together with V2 query authentication', () => {
    const headers = { host: 'localhost', date: httpDate, authorization: `AWS ${ACCESS_KEY}:abc=` };
    expectS3Error(
      () => authenticate(request('GET', '/b/k?AWSAccessKeyId=x&Signature=y&Expires=1', headers), lookup, now),
      'InvalidArgument',
      /Only one auth mechanism/,
    );
  });
});

describe('SigV2 query-string (presigned) authentication', () => {
  it('accepts the S3 documentation example until its Expires, then answers "Request has expired"', () => {
    const rawUrl =
      '/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620';
    const req = request(
      'GET',
      rawUrl,
      { host: 'johnsmith.s3.amazonaws.com' },
      { virtualHostBucket: 'johnsmith' },
    );
    const result = signedV2(authenticate(req, lookup, new Date(1175139620 * 1000)));
    assert.equal(result.presigned, true);
    assert.deepEqual(result.payload, { kind: 'UNSIGNED-PAYLOAD' });
    const err = expectS3Error(
      () => authenticate(req, lookup, new Date(1175139621 * 1000)),
      'AccessDenied',
      /^Request has expired$/,
    );
    assert.equal(err.details.Expires, '2007-03-29T03:40:20Z');
    // Presigned URLs have no clock-skew window: a Date header far off does not matter.
    const dated = { ...req, headers: { ...req.headers, date: 'Mon, 01 Jan 1990 00:00:00 GMT' } };
    signedV2(authenticate(dated, lookup, new Date(1175100000 * 1000)));
  });

  it('accepts a signature whose + the client left unencoded', () => {
    const rawUrl =
      '/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM+WFzoENXmpNDUsSn8%3D&Expires=1175139620';
    const req = request(
      'GET',
      rawUrl,
      { host: 'johnsmith.s3.amazonaws.com' },
      { virtualHostBucket: 'johnsmith' },
    );
    signedV2(authenticate(req, lookup, new Date(1175139000 * 1000)));
  });

  it('refuses a URL moved to another key or method, and one with a wrong or unknown key', () => {
    const expires = '1893456000';
    const signature = encodeURIComponent(sign(`GET\n\n\n${expires}\n/b/k`));
    const url = (path: string, key = ACCESS_KEY) =>
      `${path}?AWSAccessKeyId=${key}&Expires=${expires}&Signature=${signature}`;
    const now = new Date('2024-01-01T00:00:00Z');
    signedV2(authenticate(request('GET', url('/b/k'), { host: 'localhost' }), lookup, now));
    expectS3Error(
      () => authenticate(request('GET', url('/b/k2'), { host: 'localhost' }), lookup, now),
      'SignatureDoesNotMatch',
    );
    expectS3Error(
      () => authenticate(request('PUT', url('/b/k'), { host: 'localhost' }), lookup, now),
      'SignatureDoesNotMatch',
    );
    expectS3Error(
      () => authenticate(request('GET', url('/b/k', 'AKIDOTHER'), { host: 'localhost' }), lookup, now),
      'InvalidAccessKeyId',
    );
  });

  it('signs the Content-Type, Content-MD5 and x-amz-* parameters botocore moves into the query', () => {
    const expires = '1893456000';
    const stringToSign = `PUT\n\ntext/plain\n${expires}\nx-amz-acl:private\nx-amz-meta-tag:v\n/b/k`;
    const rawUrl =
      `/b/k?content-type=text%2Fplain&x-amz-acl=private&x-amz-meta-tag=v` +
      `&AWSAccessKeyId=${ACCESS_KEY}&Signature=${encodeURIComponent(sign(stringToSign))}&Expires=${expires}`;
    const now = new Date('2024-01-01T00:00:00Z');
    signedV2(authenticate(request('PUT', rawUrl, { host: 'localhost' }), lookup, now));
    expectS3Error(
      () =>
        authenticate(
          request('PUT', rawUrl.replace('acl=private', 'acl=public-read'), { host: 'localhost' }),
          lookup,
          now,
        ),
      'SignatureDoesNotMatch',
    );
  });

  it('requires AWSAccessKeyId, Signature and a numeric Expires', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    for (const query of [
      'AWSAccessKeyId=A&Signature=s',
      'Signature=s&Expires=1',
      `AWSAccessKeyId=${ACCESS_KEY}&Expires=1`,
    ]) {
      expectS3Error(
        () => authenticate(request('GET', `/b/k?${query}`, { host: 'localhost' }), lookup, now),
        'AccessDenied',
        /requires the Signature, Expires and AWSAccessKeyId/,
      );
    }
    expectS3Error(
      () =>
        authenticate(
          request('GET', `/b/k?AWSAccessKeyId=${ACCESS_KEY}&Signature=s&Expires=tomorrow`, {
            host: 'localhost',
          }),
          lookup,
          now,
        ),
      'AccessDenied',
      /seconds since epoch/,
    );
  });
});
