import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Identity, IdentityStore } from '../authorizer.js';
import { SessionTokenError } from './session-token.js';
import { TemporaryCredentials } from './temporary-credentials.js';

const ROOT = { accessKey: 'rootuser', secretKey: 'rootpassword-123' };
const T0 = Date.parse('2026-03-01T12:00:00Z');

/** A second, in-memory IdentityStore: the root user and whatever users a test puts in. */
function world() {
  const users = new Map<string, string>();
  const store: IdentityStore = {
    lookup(accessKey): Identity | undefined {
      if (accessKey === ROOT.accessKey) {
        return { secretKey: ROOT.secretKey, principal: { kind: 'root', accessKey } };
      }
      const secretKey = users.get(accessKey);
      return secretKey === undefined
        ? undefined
        : { secretKey, principal: { kind: 'user', accessKey, name: accessKey } };
    },
  };
  const clock = { now: T0 };
  const sessions = new TemporaryCredentials(ROOT, store, () => clock.now);
  return { users, sessions, clock };
}

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SessionTokenError, String(err));
    return err.problem;
  }
  throw new Error('expected a SessionTokenError');
}

const alice = { kind: 'user', accessKey: 'alice', name: 'alice' } as const;

test('issued credentials identify as a temporary principal of their parent, with the session policy', () => {
  const { users, sessions } = world();
  users.set('alice', 'alice-secret');
  const policy =
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
  const creds = sessions.issue(alice, 'alice-secret', 900, policy);
  assert.equal(creds.expiration.getTime(), T0 + 900_000);
  const identity = sessions.identify(creds.accessKey, creds.sessionToken);
  assert.equal(identity?.secretKey, creds.secretKey);
  const p = identity?.principal;
  assert.ok(p?.kind === 'temporary');
  assert.deepEqual(p.parent, alice);
  assert.equal(p.expiresAt, T0 + 900_000);
  assert.equal(p.sessionPolicy?.text, policy);
  const plain = sessions.issue({ kind: 'root', accessKey: ROOT.accessKey }, ROOT.secretKey, 3600);
  const rootSession = sessions.identify(plain.accessKey, plain.sessionToken)?.principal;
  assert.ok(rootSession?.kind === 'temporary' && rootSession.parent.kind === 'root');
  assert.equal(rootSession.sessionPolicy, undefined);
});

test('credentials expire at their Expiration, also once a request has been served from the cache', () => {
  const { users, sessions, clock } = world();
  users.set('alice', 'alice-secret');
  const creds = sessions.issue(alice, 'alice-secret', 900);
  const fresh = sessions.issue(alice, 'alice-secret', 900);
  assert.ok(sessions.identify(creds.accessKey, creds.sessionToken));
  clock.now = T0 + 899_999;
  assert.ok(sessions.identify(creds.accessKey, creds.sessionToken));
  clock.now = T0 + 900_000;
  assert.equal(
    problem(() => sessions.identify(creds.accessKey, creds.sessionToken)),
    'ExpiredToken',
  );
  assert.equal(
    problem(() => sessions.identify(creds.accessKey, creds.sessionToken)),
    'ExpiredToken',
  );
  // Never opened before (not cached): the same answer.
  assert.equal(
    problem(() => sessions.identify(fresh.accessKey, fresh.sessionToken)),
    'ExpiredToken',
  );
});

test('a cached token presented with another access key is InvalidToken', () => {
  const { users, sessions } = world();
  users.set('alice', 'alice-secret');
  const a = sessions.issue(alice, 'alice-secret', 900);
  const b = sessions.issue(alice, 'alice-secret', 900);
  assert.ok(sessions.identify(a.accessKey, a.sessionToken));
  assert.equal(
    problem(() => sessions.identify(b.accessKey, a.sessionToken)),
    'InvalidToken',
  );
});

test('a parent that is gone, disabled or re-keyed ends its sessions; the same parent back restores them', () => {
  const { users, sessions } = world();
  users.set('alice', 'alice-secret');
  const creds = sessions.issue(alice, 'alice-secret', 900);
  assert.ok(sessions.identify(creds.accessKey, creds.sessionToken));
  users.delete('alice'); // deleted or disabled: the store no longer finds alice
  assert.equal(sessions.identify(creds.accessKey, creds.sessionToken), undefined);
  users.set('alice', 'a-new-secret'); // made again (or given a new secret)
  assert.equal(sessions.identify(creds.accessKey, creds.sessionToken), undefined);
  users.set('alice', 'alice-secret');
  assert.ok(sessions.identify(creds.accessKey, creds.sessionToken));
});

test('another server with the same root credentials accepts the session; one with other root credentials does not', () => {
  const { users, sessions } = world();
  users.set('alice', 'alice-secret');
  const creds = sessions.issue(alice, 'alice-secret', 900);
  const store: IdentityStore = {
    lookup: (k) =>
      k === 'alice'
        ? { secretKey: 'alice-secret', principal: { kind: 'user', accessKey: k, name: k } }
        : undefined,
  };
  const sameRoot = new TemporaryCredentials({ ...ROOT }, store, () => T0);
  assert.equal(sameRoot.identify(creds.accessKey, creds.sessionToken)?.secretKey, creds.secretKey);
  const otherRoot = new TemporaryCredentials({ ...ROOT, secretKey: 'rotated-password' }, store, () => T0);
  assert.equal(
    problem(() => otherRoot.identify(creds.accessKey, creds.sessionToken)),
    'InvalidToken',
  );
});

test('a revoked session is refused as expired at once; other sessions of the same parent go on', () => {
  const { users, sessions, clock } = world();
  users.set('alice', 'alice-secret');
  const kept = sessions.issue(alice, 'alice-secret', 3600);
  const ended = sessions.issue(alice, 'alice-secret', 3600);
  assert.ok(sessions.identify(ended.accessKey, ended.sessionToken));
  sessions.revoke(ended.accessKey, ended.expiration.getTime());
  assert.equal(
    problem(() => sessions.identify(ended.accessKey, ended.sessionToken)),
    'ExpiredToken',
  );
  assert.ok(sessions.identify(kept.accessKey, kept.sessionToken), 'other sessions are unaffected');
  clock.now += 3601_000;
  sessions.revoke('another', clock.now + 1000);
  assert.equal(
    problem(() => sessions.identify(ended.accessKey, ended.sessionToken)),
    'ExpiredToken',
  );
});
