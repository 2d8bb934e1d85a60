/**
 * Anonymous requests through the S3 front with the product's IAM authorizer: a bucket policy
 * (stored as the bucket's `policy` document) allows public reads and a public prefix's deletes,
 * key by key for DeleteObjects; everything else is AccessDenied with the S3 XML body.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ownerFor, s3Mount } from '../../src/api/s3/s3-handler.js';
import { ApiServer } from '../../src/api/server.js';
import { IamAuthorizer } from '../../src/iam/iam-authorizer.js';
import { IamStore } from '../../src/iam/iam-store.js';
import { openObjectLayer } from '../../src/object/erasure-object-layer.js';
import { ObjectLayerError } from '../../src/object/errors.js';
import type { ObjectLayer } from '../../src/object/object-layer.js';
import { silentLogger } from '../../src/util/logger.js';
import { drivePaths, put, tempRoot } from '../helpers/object-layer-support.js';

const ROOT = { accessKey: 'anon-root', secretKey: 'anon-root-secret' };

describe('anonymous access by bucket policy', () => {
  let server: ApiServer;
  let objects: ObjectLayer;
  let base: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    const t = await tempRoot();
    cleanup = t.cleanup;
    objects = await openObjectLayer({ drives: drivePaths(join(t.root, 'anon'), 4), parity: 2 });
    const iam = await IamStore.open(objects, ROOT);
    server = new ApiServer({
      log: silentLogger,
      mounts: [
        s3Mount({
          objects,
          identities: iam,
          authorizer: new IamAuthorizer(iam, (b) => objects.getBucketConfig(b, 'policy')),
          owner: ownerFor(ROOT.accessKey),
          domains: [],
          region: 'us-east-1',
        }),
      ],
    });
    base = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
    await objects.makeBucket('site');
    await put(objects, 'site', 'index.html', Buffer.from('<h1>hi</h1>'));
    await put(objects, 'site', 'public/a', Buffer.from('a'));
    await put(objects, 'site', 'private/b', Buffer.from('b'));
  });
  after(async () => {
    await server.close(1000);
    await objects.close();
    await cleanup();
  });

  test('without a bucket policy an anonymous GET is AccessDenied', async () => {
    const res = await fetch(`${base}/site/index.html`);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>AccessDenied<\/Code>/);
  });

  test('a public-read policy lets anonymous GET objects, but not list or write', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' },
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:DeleteObject',
          Resource: 'arn:aws:s3:::site/public/*',
        },
      ],
    };
    await objects.putBucketConfig('site', 'policy', Buffer.from(JSON.stringify(policy)));
    const res = await fetch(`${base}/site/index.html`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '<h1>hi</h1>');
    for (const [method, path] of [
      ['GET', '/site'],
      ['PUT', '/site/new'],
      ['DELETE', '/site/index.html'],
    ] as const) {
      const refused = await fetch(`${base}${path}`, { method, ...(method === 'PUT' ? { body: 'x' } : {}) });
      assert.equal(refused.status, 403, `${method} ${path}`);
      assert.match(await refused.text(), /<Code>AccessDenied<\/Code>/);
    }
  });

  test('an anonymous DeleteObjects is authorized key by key', async () => {
    const body = '<Delete><Object><Key>public/a</Key></Object><Object><Key>private/b</Key></Object></Delete>';
    const res = await fetch(`${base}/site?delete`, {
      method: 'POST',
      body,
      headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
    });
    const xml = await res.text();
    assert.equal(res.status, 200, xml);
    assert.match(xml, /<Deleted><Key>public\/a<\/Key><\/Deleted>/);
    assert.match(xml, /<Error><Key>private\/b<\/Key><Code>AccessDenied<\/Code>/);
    await assert.rejects(
      objects.getObjectInfo('site', 'public/a'),
      (err: unknown) => err instanceof ObjectLayerError && err.kind === 'NoSuchKey',
    );
    assert.equal((await fetch(`${base}/site/private/b`)).status, 200);
  });
});
