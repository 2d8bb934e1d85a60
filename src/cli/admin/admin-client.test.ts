import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AdminClient, serverError } from './admin-client.js';
import { AdminCliError } from './command.js';

// Transport behaviour a healthy server never shows (silence, garbage, refusals in other formats),
// against a loopback HTTP server; the admin API itself is proven against `cairn server` in
// test/cli/admin.test.ts.

const SECRET = 'client-secret-never-in-errors';

describe('admin client transport', () => {
  let server: Server;
  let url = '';
  let handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void = () => undefined;
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (timeoutMs?: number) =>
    new AdminClient({ url, accessKey: 'root', secretKey: SECRET, region: 'eu-west-1' }, timeoutMs);

  async function failure(p: Promise<unknown>): Promise<AdminCliError> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof AdminCliError, String(err));
      assert.ok(!err.message.includes(SECRET));
      return err;
    }
    throw new Error('expected the call to fail');
  }

  test('requests go to /minio/admin/v3 with the JSON body signed by its SHA-256 for the alias region', async () => {
    let seen: { url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    handler = (req, body, res) => {
      seen = { url: req.url ?? '', headers: req.headers, body: body.toString() };
      res.end('{}');
    };
    await client().call('PUT', 'add-user', {
      query: { accessKey: 'al ice' },
      body: { secretKey: 's', status: 'enabled' },
    });
    assert.equal(seen.url, '/minio/admin/v3/add-user?accessKey=al%20ice');
    assert.equal(seen.body, '{"secretKey":"s","status":"enabled"}');
    assert.equal(
      seen.headers?.['x-amz-content-sha256'],
      createHash('sha256').update(seen.body).digest('hex'),
    );
    assert.match(
      String(seen.headers?.authorization),
      /^AWS4-HMAC-SHA256 Credential=root\/\d{8}\/eu-west-1\/s3\/aws4_request, /,
    );
    assert.equal(seen.headers?.['content-type'], 'application/json');
  });

  test("a JSON refusal becomes the server's message and code", async () => {
    handler = (_req, _body, res) => {
      res.statusCode = 404;
      res.end(
        JSON.stringify({
          Code: 'XMinioAdminNoSuchUser',
          Message: 'The specified user does not exist.',
          Resource: '/x',
          RequestId: '1',
        }),
      );
    };
    const err = await failure(client().call('GET', 'user-info', { query: { accessKey: 'bob' } }));
    assert.equal(err.code, 'XMinioAdminNoSuchUser');
    assert.equal(err.message, 'The specified user does not exist. (XMinioAdminNoSuchUser)');
  });

  test('the S3 front answering instead says the server has no admin API', async () => {
    handler = (_req, _body, res) => {
      res.statusCode = 404;
      res.end(
        '<?xml version="1.0"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist.</Message></Error>',
      );
    };
    const err = await failure(client().call('GET', 'info'));
    assert.equal(err.code, 'XCairnNoAdminApi');
    assert.match(err.message, /does not serve the admin API/);
  });

  test('a refusal in no known format reports the HTTP status', () => {
    assert.equal(serverError(502, '<html>bad gateway</html>').message, 'the server answered HTTP 502');
  });

  test('an answer that is not JSON is reported as such', async () => {
    handler = (_req, _body, res) => res.end('<html>hello</html>');
    const err = await failure(client().call('GET', 'info'));
    assert.equal(err.code, 'XCairnInvalidResponse');
  });

  test('a server that never answers times out with a clear message', async () => {
    handler = () => undefined; // holds the request open
    const started = Date.now();
    const err = await failure(client(300).call('GET', 'info'));
    assert.equal(err.code, 'XCairnTimeout');
    assert.equal(err.message, `${url} did not answer within 0.3 s`);
    assert.ok(Date.now() - started < 5000);
  });

  test('a server that trickles its answer still meets the deadline', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    };
    const err = await failure(client(400).call('GET', 'info'));
    assert.equal(err.code, 'XCairnTimeout');
  });
});
