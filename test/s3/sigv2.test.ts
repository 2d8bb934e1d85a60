// AWS Signature Version 2 against a real server: presigned URLs from the real `aws s3 presign` of
// awscli v1 (which presigns with V2 by default), and header-signed requests built by hand.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CairnProcess, startCairn } from '../helpers/cairn-process.js';
import { removeDir, tempDir } from '../helpers/files.js';
import { parseS3Error } from '../helpers/raw-http.js';
import { findTool, requireTool, runTool } from '../helpers/tools.js';

// Not us-east-1: V2 signs no region, and the server must not ask it for one. (botocore presigns
// with V2 only for the regions where AWS still accepts it, as eu-west-1, not eu-central-1.)
const REGION = 'eu-west-1';
const DOMAIN = 'cairn.test';
const BUCKET = 'sigv2';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends a request to the server with the given Host header, whatever host the URL names. */
function send(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    r.setTimeout(30_000, () => r.destroy(new Error('no answer within 30 s')));
    r.on('error', reject);
    r.end(body);
  });
}

function errorCode(answer: Answer): string | undefined {
  return parseS3Error(answer.body.toString('utf8'))?.code;
}

const md5Base64 = (data: Buffer) => createHash('md5').update(data).digest('base64');

/**
 * requireTool('aws'), and the aws found must be awscli v1: v2 presigns with SigV4 only. Under
 * CI=true an aws that is not v1 fails, as a missing one does.
 */
function requireAwscliV1(): { skip?: string } {
  const found = requireTool('aws');
  const bin = findTool('aws');
  if (found.skip !== undefined || bin === undefined) return found;
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  const text = `${version.stdout ?? ''}${version.stderr ?? ''}`.trim();
  if (/^aws-cli\/1\./.test(text)) return {};
  const message = `${bin} is not awscli v1 (${text || 'no --version output'}); only v1 presigns with SigV2`;
  if (process.env.CI === 'true') test('aws on PATH is awscli v1', () => assert.fail(message));
  return { skip: message };
}

describe('AWS Signature Version 2', () => {
  let cairn: CairnProcess;
  let work: string;

  /** Signs like s3cmd / boto2: the string to sign written out here, independently of the server's code. */
  function v2Headers(opts: {
    method: string;
    resource: string;
    headers?: Record<string, string>;
    date?: Date;
    useAmzDate?: boolean;
    secret?: string;
  }): Record<string, string> {
    const when = (opts.date ?? new Date()).toUTCString();
    const headers: Record<string, string> = { host: `127.0.0.1:${cairn.port}`, ...opts.headers };
    if (opts.useAmzDate) headers['x-amz-date'] = when;
    else headers.date = when;
    const amz = Object.keys(headers)
      .filter((name) => name.startsWith('x-amz-'))
      .sort()
      .map((name) => `${name}:${headers[name]?.trim()}\n`)
      .join('');
    const stringToSign = [
      opts.method,
      headers['content-md5'] ?? '',
      headers['content-type'] ?? '',
      opts.useAmzDate ? '' : when,
      `${amz}${opts.resource}`,
    ].join('\n');
    const signature = createHmac('sha1', opts.secret ?? cairn.secretKey)
      .update(stringToSign, 'utf8')
      .digest('base64');
    return { ...headers, authorization: `AWS ${cairn.accessKey}:${signature}` };
  }

  const awsEnv = (configFile: string) => ({
    AWS_ACCESS_KEY_ID: cairn.accessKey,
    AWS_SECRET_ACCESS_KEY: cairn.secretKey,
    AWS_DEFAULT_REGION: REGION,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'),
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_ENDPOINT_URL: undefined,
  });

  before(async () => {
    cairn = await startCairn({ drives: 1, env: { CAIRN_REGION: REGION }, extraArgs: ['--domain', DOMAIN] });
    work = await tempDir('sigv2');
    await writeFile(
      join(work, 'path-style'),
      `[default]\nregion = ${REGION}\ns3 =\n    addressing_style = path\n`,
    );
    await writeFile(
      join(work, 'virtual-style'),
      `[default]\nregion = ${REGION}\ns3 =\n    addressing_style = virtual\n`,
    );
    const created = await send(
      cairn.port,
      'PUT',
      `/${BUCKET}`,
      v2Headers({ method: 'PUT', resource: `/${BUCKET}` }),
    );
    assert.equal(created.status, 200, created.body.toString());
  });

  after(async () => {
    await cairn?.stop();
    await removeDir(work);
  });

  test('a header-signed V2 PUT stores the bytes, Content-Type and metadata, and a V2 GET reads them back', async () => {
    const data = randomBytes(70_000);
    const key = 'hand/signed object.bin';
    const path = `/${BUCKET}/hand/signed%20object.bin`;
    const headers = {
      'content-type': 'application/x-cairn-test',
      'content-md5': md5Base64(data),
      'content-length': String(data.length),
      'x-amz-meta-origin': 'sigv2 test',
    };
    const put = await send(
      cairn.port,
      'PUT',
      path,
      v2Headers({ method: 'PUT', resource: path, headers }),
      data,
    );
    assert.equal(put.status, 200, put.body.toString());
    assert.equal(put.headers.etag, `"${createHash('md5').update(data).digest('hex')}"`);

    const got = await send(cairn.port, 'GET', path, v2Headers({ method: 'GET', resource: path }));
    assert.equal(got.status, 200, got.body.toString());
    assert.ok(got.body.equals(data), `GET ${key} returned other bytes`);
    assert.equal(got.headers['content-type'], 'application/x-cairn-test');
    assert.equal(got.headers['x-amz-meta-origin'], 'sigv2 test');
  });

  test('a V2 request dated by x-amz-date alone (as s3cmd signs) is accepted', async () => {
    const path = `/${BUCKET}/s3cmd-style.txt`;
    const data = Buffer.from('dated by x-amz-date');
    const headers = { 'content-length': String(data.length), 'content-type': 'text/plain' };
    const put = await send(
      cairn.port,
      'PUT',
      path,
      v2Headers({ method: 'PUT', resource: path, headers, useAmzDate: true }),
      data,
    );
    assert.equal(put.status, 200, put.body.toString());
    const got = await send(
      cairn.port,
      'GET',
      path,
      v2Headers({ method: 'GET', resource: path, useAmzDate: true }),
    );
    assert.equal(got.body.toString(), 'dated by x-amz-date');
  });

  test('V2 signs sub-resources but not other query parameters: ?location and a prefixed listing', async () => {
    const location = await send(
      cairn.port,
      'GET',
      `/${BUCKET}?location`,
      v2Headers({ method: 'GET', resource: `/${BUCKET}?location` }),
    );
    assert.equal(location.status, 200, location.body.toString());
    assert.match(location.body.toString(), new RegExp(`>${REGION}<`));
    const listing = await send(
      cairn.port,
      'GET',
      `/${BUCKET}?prefix=hand%2F&max-keys=10`,
      v2Headers({ method: 'GET', resource: `/${BUCKET}` }),
    );
    assert.equal(listing.status, 200, listing.body.toString());
    assert.match(listing.body.toString(), /<Key>hand\/signed object\.bin<\/Key>/);
  });

  test('a V2 PUT whose signed Content-MD5 does not match the body is refused with BadDigest', async () => {
    const path = `/${BUCKET}/bad-digest.txt`;
    const data = Buffer.from('these are not the bytes that were hashed');
    const headers = { 'content-md5': md5Base64(Buffer.from('other')), 'content-length': String(data.length) };
    const put = await send(
      cairn.port,
      'PUT',
      path,
      v2Headers({ method: 'PUT', resource: path, headers }),
      data,
    );
    assert.equal(put.status, 400, put.body.toString());
    assert.equal(errorCode(put), 'BadDigest');
    const head = await send(cairn.port, 'HEAD', path, v2Headers({ method: 'HEAD', resource: path }));
    assert.equal(head.status, 404);
  });

  test('V2 answers SignatureDoesNotMatch for a wrong secret or a moved signature, and RequestTimeTooSkewed', async () => {
    const path = `/${BUCKET}/s3cmd-style.txt`;
    const wrong = await send(
      cairn.port,
      'GET',
      path,
      v2Headers({ method: 'GET', resource: path, secret: 'nope' }),
    );
    assert.equal(wrong.status, 403);
    assert.equal(errorCode(wrong), 'SignatureDoesNotMatch');
    const moved = await send(
      cairn.port,
      'GET',
      `/${BUCKET}/hand/signed%20object.bin`,
      v2Headers({ method: 'GET', resource: path }),
    );
    assert.equal(moved.status, 403);
    assert.equal(errorCode(moved), 'SignatureDoesNotMatch');
    const old = await send(
      cairn.port,
      'GET',
      path,
      v2Headers({ method: 'GET', resource: path, date: new Date(Date.now() - 20 * 60_000) }),
    );
    assert.equal(old.status, 403);
    assert.equal(errorCode(old), 'RequestTimeTooSkewed');
  });

  test('a V2 presigned URL past its Expires is 403 AccessDenied "Request has expired" with Expires and ServerTime', async () => {
    const path = `/${BUCKET}/s3cmd-style.txt`;
    const expires = String(Math.floor(Date.now() / 1000) - 5);
    const signature = createHmac('sha1', cairn.secretKey)
      .update(`GET\n\n\n${expires}\n${path}`)
      .digest('base64');
    const query = `AWSAccessKeyId=${cairn.accessKey}&Expires=${expires}&Signature=${encodeURIComponent(signature)}`;
    const res = await send(cairn.port, 'GET', `${path}?${query}`, { host: `127.0.0.1:${cairn.port}` });
    assert.equal(res.status, 403);
    assert.match(res.body.toString(), /<Code>AccessDenied<\/Code>\s*<Message>Request has expired<\/Message>/);
    const expiresAt = new Date(Number(expires) * 1000).toISOString().replace('.000Z', 'Z');
    assert.match(
      res.body.toString(),
      new RegExp(`<Expires>${expiresAt}</Expires><ServerTime>[^<]+</ServerTime>`),
    );
  });

  describe('aws s3 presign (awscli v1 presigns with SigV2 by default)', requireAwscliV1(), () => {
    const key = 'presign/hello wörld+1.txt';
    const content = 'fetched through an awscli v1 SigV2 URL';

    before(async () => {
      const path = `/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`;
      const data = Buffer.from(content);
      const headers = { 'content-length': String(data.length), 'content-type': 'text/plain' };
      const put = await send(
        cairn.port,
        'PUT',
        path,
        v2Headers({ method: 'PUT', resource: path, headers }),
        data,
      );
      assert.equal(put.status, 200, put.body.toString());
    });

    const presign = async (style: 'path-style' | 'virtual-style', endpoint: string) => {
      const run = await runTool(
        'aws',
        ['--endpoint-url', endpoint, 's3', 'presign', `s3://${BUCKET}/${key}`, '--expires-in', '300'],
        { env: awsEnv(join(work, style)) },
      );
      const url = new URL(run.stdout.trim());
      // A V4 URL here would mean the aws on PATH is not awscli v1 and this test proves nothing.
      assert.ok(url.searchParams.has('AWSAccessKeyId'), `not a SigV2 URL: ${url}`);
      assert.ok(
        url.searchParams.has('Signature') && url.searchParams.has('Expires'),
        `not a SigV2 URL: ${url}`,
      );
      assert.ok(!url.searchParams.has('X-Amz-Signature'), `a SigV4 URL: ${url}`);
      return url;
    };

    test('the path-style URL fetches the object with plain fetch', async () => {
      const url = await presign('path-style', cairn.endpoint);
      const res = await fetch(url);
      const text = await res.text();
      assert.equal(res.status, 200, `${url} answered ${res.status}: ${text}`);
      assert.equal(text, content);
      // The signature covers the key and the method.
      const otherKey = new URL(url);
      otherKey.pathname = otherKey.pathname.replace('1.txt', '2.txt');
      const forged = await fetch(otherKey);
      assert.equal(forged.status, 403);
      assert.match(await forged.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
      const put = await fetch(url, { method: 'PUT', body: 'overwrite' });
      assert.equal(put.status, 403);
    });

    test('the virtual-host-style URL (bucket in the Host) fetches the object', async () => {
      const url = await presign('virtual-style', `http://${DOMAIN}:${cairn.port}`);
      assert.equal(url.hostname, `${BUCKET}.${DOMAIN}`);
      // *.cairn.test does not resolve: connect to the server and send the URL's Host.
      const res = await send(cairn.port, 'GET', `${url.pathname}${url.search}`, { host: url.host });
      assert.equal(res.status, 200, `${url} answered ${res.status}: ${res.body.toString()}`);
      assert.equal(res.body.toString(), content);
    });
  });
});
