/**
 * Who may scrape: by default a bearer token (a JWT as `mc admin prometheus generate` makes it)
 * signed with the secret of a key allowed `admin:Prometheus`; everything else is 403 AccessDenied
 * in the admin API's JSON, as MinIO answers. With MINIO_PROMETHEUS_AUTH_TYPE=public, anyone.
 * Tokens are made here with node:crypto, independently of the server's code.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type CairnProcess, runCairn, startCairn } from '../helpers/cairn-process.js';
import { addUser, adminCall, grantPolicy } from '../helpers/iam-fixtures.js';
import { bearerTokenOf, generateScrapeConfig, scrape } from './metrics-support.js';

const PATHS = ['cluster', 'node', 'bucket', 'resource'] as const;

function jwt(alg: string, claims: Record<string, unknown>, secret: string): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${enc({ alg, typ: 'JWT' })}.${enc(claims)}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return `${head}.${createHmac(hash, secret).update(head).digest('base64url')}`;
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('metrics authentication (the default: bearer token)', () => {
  let cairn: CairnProcess;

  before(async () => {
    cairn = await startCairn({ drives: 1 });
    await addUser(cairn, 'prom-reader', 'prom-reader-secret');
    // MinIO's canned `diagnostics` policy is what allows admin:Prometheus (among other reads).
    await adminCall(
      cairn,
      'POST',
      'idp/builtin/policy/attach',
      {},
      { policies: ['diagnostics'], user: 'prom-reader' },
    );
    await addUser(cairn, 'plain-user', 'plain-user-secret');
    await grantPolicy(cairn, 'plain-user', 'read-all', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] }],
    });
  });
  after(() => cairn?.stop());

  test('refuses a scrape without a token on every path: 403 AccessDenied in JSON', async () => {
    for (const path of PATHS) {
      const res = await scrape(cairn, path);
      assert.equal(res.status, 403, path);
      assert.match(res.contentType ?? '', /application\/json/);
      assert.equal((JSON.parse(res.text) as { Code: string }).Code, 'AccessDenied');
      assert.doesNotMatch(res.text, /minio_/);
    }
  });

  test("accepts the token `cairn admin prometheus generate` prints with root's keys, on every path", async () => {
    const config = await generateScrapeConfig(cairn, cairn, 'node');
    assert.match(
      config,
      /^scrape_configs:\n- job_name: minio-job-node\n {2}bearer_token: \S+\n {2}metrics_path: \/minio\/v2\/metrics\/node\n {2}scheme: http\n {2}static_configs:\n {2}- targets: \[127\.0\.0\.1:\d+\]/,
    );
    const token = bearerTokenOf(config);
    for (const path of PATHS) {
      const res = await scrape(cairn, path, token);
      assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 200)}`);
    }
  });

  test("accepts MinIO's token shapes: HS256 and HS384 too, the key in accessKey instead of sub", async () => {
    const base = { exp: inAnHour(), iss: 'prometheus' };
    for (const token of [
      jwt('HS256', { ...base, sub: cairn.accessKey }, cairn.secretKey),
      jwt('HS384', { ...base, sub: cairn.accessKey }, cairn.secretKey),
      jwt('HS512', { ...base, accessKey: cairn.accessKey }, cairn.secretKey),
    ]) {
      assert.equal((await scrape(cairn, 'cluster', token)).status, 200);
    }
  });

  test('refuses forged, expired, foreign and malformed tokens', async () => {
    const good = { exp: inAnHour(), sub: cairn.accessKey, iss: 'prometheus' };
    const refused: [string, string][] = [
      ['signed with another secret', jwt('HS512', good, 'not-the-secret')],
      ['expired', jwt('HS512', { ...good, exp: Math.floor(Date.now() / 1000) - 10 }, cairn.secretKey)],
      ['not yet valid', jwt('HS512', { ...good, nbf: inAnHour() }, cairn.secretKey)],
      ['issued for something else', jwt('HS512', { ...good, iss: 'console' }, cairn.secretKey)],
      ['no issuer', jwt('HS512', { exp: good.exp, sub: good.sub }, cairn.secretKey)],
      ['an unknown key', jwt('HS512', { ...good, sub: 'nobody' }, cairn.secretKey)],
      [
        'alg none',
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(good)).toString('base64url')}.`,
      ],
      ['not a JWT', 'garbage'],
      ['too long', 'a'.repeat(20_000)],
    ];
    for (const [what, token] of refused) {
      const res = await scrape(cairn, 'cluster', token);
      assert.equal(res.status, 403, what);
      assert.equal((JSON.parse(res.text) as { Code: string }).Code, 'AccessDenied', what);
    }
    // Basic or SigV4 authorization is no bearer token either.
    const basic = await fetch(`${cairn.endpoint}/minio/v2/metrics/cluster`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${cairn.accessKey}:${cairn.secretKey}`).toString('base64')}`,
      },
    });
    assert.equal(basic.status, 403);
    await basic.arrayBuffer();
  });

  test("a user's own token scrapes when its policy allows admin:Prometheus, and not otherwise", async () => {
    const allowed = bearerTokenOf(
      await generateScrapeConfig(cairn, { accessKey: 'prom-reader', secretKey: 'prom-reader-secret' }),
    );
    assert.equal((await scrape(cairn, 'cluster', allowed)).status, 200);
    const notAllowed = jwt(
      'HS512',
      { exp: inAnHour(), sub: 'plain-user', iss: 'prometheus' },
      'plain-user-secret',
    );
    assert.equal((await scrape(cairn, 'cluster', notAllowed)).status, 403);
    // A disabled user's token stops working.
    await adminCall(cairn, 'PUT', 'set-user-status', { accessKey: 'prom-reader', status: 'disabled' });
    assert.equal((await scrape(cairn, 'cluster', allowed)).status, 403);
  });

  test('answers other methods 405 and unknown metric paths 501, in JSON', async () => {
    const post = await fetch(`${cairn.endpoint}/minio/v2/metrics/cluster`, { method: 'POST' });
    assert.equal(post.status, 405);
    await post.arrayBuffer();
    const unknown = await fetch(`${cairn.endpoint}/minio/v2/metrics/everything`);
    assert.equal(unknown.status, 501);
    assert.equal(((await unknown.json()) as { Code: string }).Code, 'NotImplemented');
  });
});

describe('metrics authentication: public', () => {
  let cairn: CairnProcess;
  before(async () => {
    cairn = await startCairn({ drives: 1, env: { MINIO_PROMETHEUS_AUTH_TYPE: 'public' } });
  });
  after(() => cairn?.stop());

  test('MINIO_PROMETHEUS_AUTH_TYPE=public serves every path without a token', async () => {
    for (const path of PATHS) {
      const res = await scrape(cairn, path);
      assert.equal(res.status, 200, path);
      assert.match(res.text, /# TYPE minio_/);
    }
  });

  test('a server refuses to start with an auth type it does not know', async () => {
    const run = await runCairn(
      ['server', '--address', '127.0.0.1:0', ...cairn.driveDirs.map((d) => `${d}-other`)],
      {
        env: { CAIRN_PROMETHEUS_AUTH_TYPE: 'open' },
      },
    );
    assert.notEqual(run.code, 0);
    assert.match(run.stderr + run.stdout, /CAIRN_PROMETHEUS_AUTH_TYPE.*'jwt' or 'public'.*'open'/);
  });
});
