// The security route matrix: every S3 operation of the routing table and every admin route is
// called as an anonymous client, as a user without rights, as a user whose one policy allows
// exactly the action(s) of that operation (made through the admin API), and as root. Refusals are
// 403 AccessDenied with the S3 XML error (a bodiless 403 for HEAD; a 200 with AccessDenied per key
// for DeleteObjects) or the admin API's JSON error; allowed calls succeed (2xx). The tables are
// read from the server's own route lists, so a route added without a case here fails this test.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { STSServiceException } from '@aws-sdk/client-sts';
import { ADMIN_ROUTES } from '../../src/api/admin/admin-routes.js';
import { ROUTES } from '../../src/api/s3/router.js';
import type { CairnProcess } from '../helpers/cairn-process.js';
import { ADMIN_PATH, addUser, adminCall, grantPolicy, type Keys } from '../helpers/iam-fixtures.js';
import { parseS3Error, type RawRequest, type RawResponse, rawRequest } from '../helpers/raw-http.js';
import { assumeRoleAs } from '../helpers/sts-client.js';
import { useServer } from '../s3/fixture.js';
import {
  ADMIN_CASES,
  type AdminFixtures,
  type AdminRequest,
  makeAdminFixtures,
} from './route-matrix-admin-cases.js';
import { makeS3Fixtures, S3_CASES, type S3Case } from './route-matrix-s3-cases.js';

type Credentials = Pick<CairnProcess, 'port' | 'accessKey' | 'secretKey' | 'region' | 'endpoint'>;
type Caller = { name: string; credentials: Credentials | undefined };

const EXACT_POLICY = 'matrix-exact';

function exactPolicy(actions: string[]): unknown {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: ['*'] }] };
}

function shown(res: RawResponse): string {
  return `${res.status} ${res.body.slice(0, 300)}`;
}

describe('security route matrix', () => {
  const server = useServer({ drives: 1 });
  let counter = 0;
  const callers: { anonymous: Caller; nobody: Caller; exact: Caller; root: Caller } = {} as never;
  let fixtures: AdminFixtures;

  const send = (caller: Caller, req: RawRequest): Promise<RawResponse> =>
    caller.credentials === undefined
      ? rawRequest(server.cairn, { ...req, sign: false })
      : rawRequest(caller.credentials, req);
  /** An S3 case's request as `caller` makes it: signed in its header, or by its form's fields. */
  const sendCase = async (spec: S3Case, caller: Caller): Promise<{ req: RawRequest; res: RawResponse }> => {
    if (!spec.formAuth) {
      const req = await spec.request(fixtures);
      return { req, res: await send(caller, req) };
    }
    const req = await spec.request(fixtures, caller.credentials);
    return { req, res: await rawRequest(server.cairn, { ...req, sign: false }) };
  };
  const adminRequest = (req: AdminRequest): RawRequest => ({
    method: req.method,
    path: `${ADMIN_PATH}/${req.path}`,
    query: req.query ?? {},
    ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
    ...(req.streaming ? { streaming: true } : {}),
  });
  /** Gives the exact-rights user one policy allowing `actions` and nothing else. */
  const allowExactly = (actions: string[]) =>
    adminCall(server.cairn, 'PUT', 'add-canned-policy', { name: EXACT_POLICY }, exactPolicy(actions));

  before(async () => {
    const { cairn } = server;
    fixtures = {
      unique: (prefix) => `${prefix}-${++counter}`,
      root: (req) => rawRequest(cairn, req),
      admin: async (req) => (await adminCall(cairn, req.method, req.path, req.query ?? {}, req.body)).json,
    };
    callers.anonymous = { name: 'anonymous', credentials: undefined };
    callers.nobody = {
      name: 'a user without rights',
      credentials: await addUser(cairn, 'matrix-nobody', 'nobody-secret-123'),
    };
    const exact = await addUser(cairn, 'matrix-exact', 'exact-secret-123');
    await grantPolicy(cairn, 'matrix-exact', EXACT_POLICY, exactPolicy(['s3:GetBucketLocation']));
    callers.exact = { name: 'a user with exactly the right', credentials: exact };
    callers.root = { name: 'root', credentials: cairn };
    await makeS3Fixtures(fixtures);
    await makeAdminFixtures(fixtures);
  });

  test('every S3 route and every admin route has a case in the matrix', () => {
    const s3Missing = ROUTES.map((r) => r.name).filter((name) => S3_CASES[name] === undefined);
    assert.deepEqual(s3Missing, [], 'S3 routes without a matrix case');
    const adminMissing = ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`).filter(
      (k) => ADMIN_CASES[k] === undefined,
    );
    assert.deepEqual(adminMissing, [], 'admin routes without a matrix case');
  });

  for (const route of ROUTES) {
    test(`S3 ${route.name} (${route.action}): refused to anonymous and to a user without rights; allowed with exactly the right and to root`, async () => {
      const spec = S3_CASES[route.name];
      assert.ok(spec, `no matrix case for ${route.name}`);
      await allowExactly(spec.actions);
      for (const caller of [callers.anonymous, callers.nobody]) {
        const { req, res } = await sendCase(spec, caller);
        const what = `${route.name} as ${caller.name}: ${shown(res)}`;
        if (spec.perKey) {
          assert.equal(res.status, 200, what);
          assert.match(res.body, /<Error>.*<Code>AccessDenied<\/Code>/s, what);
          assert.doesNotMatch(res.body, /<Deleted>/, what);
          continue;
        }
        assert.equal(res.status, 403, what);
        if (req.method !== 'HEAD') {
          assert.equal(parseS3Error(res.body)?.code, 'AccessDenied', what);
          assert.match(String(res.headers['content-type']), /xml/, what);
        }
      }
      for (const caller of [callers.exact, callers.root]) {
        const { res } = await sendCase(spec, caller);
        const what = `${route.name} as ${caller.name}: ${shown(res)}`;
        assert.ok(res.status >= 200 && res.status < 300, what);
        if (spec.perKey) {
          assert.match(res.body, /<Deleted>/, what);
          assert.doesNotMatch(res.body, /<Error>/, what);
        }
      }
    });
  }

  for (const route of ADMIN_ROUTES) {
    const key = `${route.method} ${route.path}`;
    test(`admin ${key}: refused to anonymous and to a user without rights; allowed with exactly the right and to root`, async () => {
      const spec = ADMIN_CASES[key];
      assert.ok(spec, `no matrix case for ${key}`);
      await allowExactly([spec.action]);
      for (const caller of [callers.anonymous, callers.nobody]) {
        const res = await send(caller, adminRequest(await spec.request(fixtures)));
        const what = `${key} as ${caller.name}: ${shown(res)}`;
        assert.equal(res.status, 403, what);
        assert.match(String(res.headers['content-type']), /json/, what);
        assert.equal((JSON.parse(res.body) as { Code?: string }).Code, 'AccessDenied', what);
      }
      for (const caller of [callers.exact, callers.root]) {
        const res = await send(caller, adminRequest(await spec.request(fixtures)));
        const what = `${key} as ${caller.name}: ${shown(res)}`;
        assert.ok(res.status >= 200 && res.status < 300, what);
      }
    });
  }

  test('STS AssumeRole: refused to anonymous and to a service account; allowed to a user without rights and to root (as MinIO)', async () => {
    const { cairn } = server;
    const form = 'Action=AssumeRole&Version=2011-06-15&DurationSeconds=900';
    const anonymous = await rawRequest(cairn, {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      sign: false,
    });
    assert.equal(anonymous.status, 403, shown(anonymous));
    assert.match(anonymous.body, /<ErrorResponse[^>]*>.*<Code>AccessDenied<\/Code>/s, shown(anonymous));
    const made = await adminCall(cairn, 'PUT', 'add-service-account', {}, { targetUser: 'matrix-nobody' });
    const { credentials: serviceAccount } = made.json as { credentials: Keys };
    const refused = await assumeRoleAs(cairn, serviceAccount).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(refused instanceof STSServiceException, `service account: ${String(refused)}`);
    assert.deepEqual([refused.name, refused.$metadata.httpStatusCode], ['AccessDenied', 403]);
    for (const caller of [callers.nobody, callers.root]) {
      const keys = caller.credentials as Keys;
      const issued = await assumeRoleAs(cairn, keys);
      assert.ok(issued.AccessKeyId && issued.SessionToken, `${caller.name} got temporary credentials`);
      assert.notEqual(issued.AccessKeyId, keys.accessKey);
    }
  });

  test('the exact-rights user is refused what its one action does not cover', async () => {
    await allowExactly(['s3:GetObject']);
    const get = await send(callers.exact, { method: 'GET', path: '/matrix/obj' });
    assert.equal(get.status, 200, shown(get));
    for (const req of [
      { method: 'PUT', path: '/matrix/obj', body: 'overwritten' },
      { method: 'GET', path: '/matrix', query: { 'list-type': '2' } },
      { method: 'GET', path: `${ADMIN_PATH}/list-users` },
    ] satisfies RawRequest[]) {
      const res = await send(callers.exact, req);
      assert.equal(res.status, 403, `${req.method} ${req.path}: ${shown(res)}`);
    }
  });
});
