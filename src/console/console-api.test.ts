import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiServer } from '../api/server.js';
import type { Identity, IdentityStore } from '../iam/authorizer.js';
import { TemporaryCredentials } from '../iam/sts/temporary-credentials.js';
import type { Logger } from '../util/logger.js';
import { consoleApiMount } from './console-api.js';

const ROOT = { accessKey: 'rootuser', secretKey: 'rootpassword-123' };

/** A second, in-memory IdentityStore: the root user and one user. */
const identities: IdentityStore = {
  lookup(accessKey): Identity | undefined {
    if (accessKey === ROOT.accessKey)
      return { secretKey: ROOT.secretKey, principal: { kind: 'root', accessKey } };
    if (accessKey === 'alice')
      return { secretKey: 'alice-secret', principal: { kind: 'user', accessKey, name: 'alice' } };
    return undefined;
  },
};

const quiet: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quiet,
  enabled: () => false,
};

describe('console backend', () => {
  const server = new ApiServer({
    log: quiet,
    mounts: [
      consoleApiMount({
        identities,
        sessions: new TemporaryCredentials(ROOT, identities),
        api: () => ({ host: '127.0.0.1', port: 1, region: 'us-east-1' }),
      }),
    ],
  });
  let base = '';
  before(async () => {
    const { port } = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });
  after(() => server.close(1000));

  const login = (
    accessKey: string,
    secretKey: string,
    headers: Record<string, string> = { 'x-cairn-csrf': '1' },
  ) =>
    fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ accessKey, secretKey }),
    });

  test('sign-in sets the session in an HttpOnly, SameSite=Strict cookie for /api/ only, never in the body', async () => {
    const res = await login('alice', 'alice-secret');
    assert.equal(res.status, 200);
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^cairn_console_session=[A-Za-z0-9_-]+; /);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; Path=\/api\//);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    assert.ok(maxAge > 0 && maxAge <= 43_200, `Max-Age ${maxAge}`);
    const body = await res.text();
    assert.deepEqual(Object.keys(JSON.parse(body)).sort(), ['expiresAt', 'user']);
    assert.ok(!body.includes('alice-secret'));
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });

  test('a state-changing call without the CSRF header, or from another site, is refused', async () => {
    const bare = await login('alice', 'alice-secret', {});
    assert.equal(bare.status, 403);
    assert.equal(((await bare.json()) as { code: string }).code, 'CsrfRefused');
    assert.equal(bare.headers.get('set-cookie'), null);
    const foreign = await login('alice', 'alice-secret', {
      'x-cairn-csrf': '1',
      origin: 'https://evil.example',
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('set-cookie'), null);
    const put = await fetch(`${base}/api/s3/bucket`, { method: 'PUT' });
    assert.equal(put.status, 403);
  });

  test('a wrong secret is refused with no cookie; past 10 failures a minute even the right one gets 429', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await login('rootuser', `wrong-${i}`);
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as { code: string }).code, 'InvalidCredentials');
      assert.equal(res.headers.get('set-cookie'), null);
    }
    const limited = await login('rootuser', ROOT.secretKey);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(limited.headers.get('set-cookie'), null);
  });

  test('after sign-out the same cookie no longer names a session', async () => {
    const sessions = new TemporaryCredentials(ROOT, identities);
    const own = new ApiServer({
      log: quiet,
      mounts: [
        consoleApiMount({
          identities,
          sessions,
          api: () => ({ host: '127.0.0.1', port: 1, region: 'us-east-1' }),
        }),
      ],
    });
    const { port } = await own.listen(0, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${port}`;
      const res = await fetch(`${url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cairn-csrf': '1' },
        body: JSON.stringify({ accessKey: 'alice', secretKey: 'alice-secret' }),
      });
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const before = await fetch(`${url}/api/session`, { headers: { cookie } });
      assert.deepEqual(((await before.json()) as { signedIn: boolean; user: string }).user, 'alice');
      const out = await fetch(`${url}/api/logout`, {
        method: 'POST',
        headers: { cookie, 'x-cairn-csrf': '1' },
      });
      assert.equal(out.status, 204);
      assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
      const again = await fetch(`${url}/api/session`, { headers: { cookie } });
      assert.deepEqual(await again.json(), { signedIn: false });
    } finally {
      await own.close(1000);
    }
  });
});
