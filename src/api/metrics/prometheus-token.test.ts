import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  PROMETHEUS_TOKEN_LIFETIME_S,
  signPrometheusToken,
  verifyPrometheusToken,
} from './prometheus-token.js';

const SECRETS: Record<string, string> = { root: 'root-secret', user: 'user-secret' };
const secretOf = (key: string) => SECRETS[key];

function decode(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('Prometheus bearer token', () => {
  test("is mc's token: HS512, sub = the access key, iss prometheus, about 100 years", () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const token = signPrometheusToken('root', 'root-secret', { now });
    const [head, claims, signature] = token.split('.');
    assert.deepEqual(decode(head), { alg: 'HS512', typ: 'JWT' });
    assert.deepEqual(decode(claims), {
      exp: now.getTime() / 1000 + PROMETHEUS_TOKEN_LIFETIME_S,
      sub: 'root',
      iss: 'prometheus',
    });
    assert.equal(
      signature,
      createHmac('sha512', 'root-secret').update(`${head}.${claims}`).digest('base64url'),
    );
  });

  test("verifies to the access key it was signed for, with that key's secret only", () => {
    assert.equal(verifyPrometheusToken(signPrometheusToken('user', 'user-secret'), secretOf), 'user');
    assert.equal(verifyPrometheusToken(signPrometheusToken('user', 'root-secret'), secretOf), undefined);
    assert.equal(verifyPrometheusToken(signPrometheusToken('ghost', 'x'), secretOf), undefined);
  });

  test('refuses an expired token and accepts it before it expires', () => {
    const token = signPrometheusToken('root', 'root-secret', { now: new Date(0), lifetimeS: 60 });
    assert.equal(verifyPrometheusToken(token, secretOf, new Date(59_000)), 'root');
    assert.equal(verifyPrometheusToken(token, secretOf, new Date(60_000)), undefined);
  });

  test('refuses a token whose claims were changed after signing', () => {
    const [head, , signature] = signPrometheusToken('user', 'user-secret').split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'root', iss: 'prometheus' })).toString('base64url');
    assert.equal(verifyPrometheusToken(`${head}.${forged}.${signature}`, secretOf), undefined);
  });

  test('refuses malformed input without throwing', () => {
    for (const bad of ['', '.', '..', 'a.b.c', 'a.b', `${'x'.repeat(9000)}`, 'e30.e30.', '[].[].x']) {
      assert.equal(verifyPrometheusToken(bad, secretOf), undefined, JSON.stringify(bad.slice(0, 20)));
    }
  });
});
