// Object keys that look like paths, control characters or broken UTF-8: each is either stored as
// an opaque key (GET returns the same bytes, LIST shows the same key) or refused with a clean S3
// error; and nothing is ever written outside the drive directories.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { type CairnProcess, makeDriveDirs, startCairn } from '../helpers/cairn-process.js';
import { removeDir, walkEntries } from '../helpers/files.js';
import { assertS3Error, isLive, parseS3Error, rawRequest } from '../helpers/raw-http.js';
import { uriEncode } from '../helpers/sigv4-signer.js';

const MARK = 'cairn-escape';

/** Keys as strings: sent with every byte outside [A-Za-z0-9-._~/] percent-encoded, slashes literal. */
const STRING_KEYS = [
  `../../../../../../../../${MARK}-dots`,
  `../${MARK}-one-up`,
  `a/../../${MARK}-mid`,
  '..',
  '.',
  'a//b///c',
  `//${MARK}-leading-slashes`,
  'dir/',
  '\u0001ctrl\u001f\u007f',
  'new\nline\rcr\ttab',
  `..\\..\\${MARK}-backslash`,
  `%2e%2e/${MARK}-literal-percent`,
  'unicode-ü-日本-🪨',
  '.cairn.sys/format.json',
  'data/x/part.1',
  `${'あ'.repeat(341)}a`,
];

/** Raw paths with percent-encoded bytes that are not UTF-8, or encoded slashes. */
const RAW_PATHS = [
  '/keys/bad-%FF%FE',
  `/keys/overlong-%C0%AF..%C0%AF${MARK}-overlong`,
  '/keys/surrogate-%ED%A0%80',
  `/keys/..%2F..%2F..%2F${MARK}-encoded-slash`,
  '/keys/nul-%00-byte',
];

describe('hostile object keys', () => {
  let cairn: CairnProcess;
  let root: string;
  let before_: Set<string>;

  before(async () => {
    let driveDirs: string[];
    ({ root, driveDirs } = await makeDriveDirs(4));
    before_ = new Set(await readdir(dirname(root)));
    cairn = await startCairn({ drives: driveDirs });
    const mb = await rawRequest(cairn, { method: 'PUT', path: '/keys' });
    assert.equal(mb.status, 200, mb.body);
  });
  afterEach(async () => {
    assert.ok(await isLive(cairn.endpoint), 'the server still answers its health probe');
  });
  after(async () => {
    await cairn?.stop();
    await removeDir(root);
  });

  /** PUT, then either check the round trip or that the refusal is a clean S3 error. */
  async function probe(path: string, expectedKey: string | undefined, what: string): Promise<string> {
    const body = `body of ${what}`;
    const put = await rawRequest(cairn, { method: 'PUT', path, body });
    assert.ok(put.status < 500, `PUT ${what}: ${put.status} ${put.body.slice(0, 300)}`);
    if (put.status !== 200) {
      const code = parseS3Error(put.body)?.code ?? '(none)';
      assertS3Error(put, [400, 403, 404, 405], code, `PUT ${what}`);
      return `refused: ${put.status} ${code}`;
    }
    const get = await rawRequest(cairn, { method: 'GET', path });
    assert.equal(get.status, 200, `GET ${what} after a successful PUT: ${get.body.slice(0, 300)}`);
    assert.equal(get.body, body, `GET ${what} returns the bytes stored under that key`);
    if (expectedKey !== undefined) {
      const list = await rawRequest(cairn, {
        method: 'GET',
        path: '/keys',
        query: { 'list-type': '2', 'encoding-type': 'url', 'max-keys': '1000' },
      });
      assert.equal(list.status, 200, list.body);
      const keys = [...list.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) =>
        decodeURIComponent(m[1]!.replace(/\+/g, ' ')),
      );
      assert.ok(
        keys.includes(expectedKey),
        `LIST shows ${JSON.stringify(expectedKey)} exactly, not normalised`,
      );
    }
    return 'stored opaquely';
  }

  for (const key of STRING_KEYS) {
    test(`key ${JSON.stringify(key.length > 40 ? `${key.slice(0, 20)}…(${Buffer.byteLength(key)} B)` : key)} is stored opaquely or refused cleanly`, async (t) => {
      t.diagnostic(await probe(`/keys/${uriEncode(key, true)}`, key, JSON.stringify(key).slice(0, 60)));
    });
  }

  for (const path of RAW_PATHS) {
    test(`raw path ${path} is stored opaquely or refused cleanly`, async (t) => {
      t.diagnostic(await probe(path, undefined, path));
    });
  }

  test('a path whose escapes are not UTF-8 (%FF, overlong, surrogate) is 400 InvalidURI "Couldn\'t parse the specified URI."', async () => {
    for (const path of [
      '/keys/bad-%FF',
      '/keys/overlong-%C0%AF',
      '/keys/surrogate-%ED%A0%80',
      '/keys/%E6%97',
    ]) {
      for (const method of ['PUT', 'GET', 'DELETE']) {
        const res = await rawRequest(cairn, { method, path, ...(method === 'PUT' ? { body: 'x' } : {}) });
        assertS3Error(res, 400, 'InvalidURI', `${method} ${path}`);
        assert.equal(parseS3Error(res.body)?.message, 'Couldn&apos;t parse the specified URI.');
      }
      const head = await rawRequest(cairn, { method: 'HEAD', path });
      assert.equal(head.status, 400, `HEAD ${path}`);
    }
  });

  test('a key of 1025 bytes is KeyTooLongError (400); 1024 bytes is accepted', async () => {
    const ok = await rawRequest(cairn, { method: 'PUT', path: `/keys/${'k'.repeat(1024)}`, body: 'x' });
    assert.equal(ok.status, 200, ok.body);
    const res = await rawRequest(cairn, { method: 'PUT', path: `/keys/${'k'.repeat(1025)}`, body: 'x' });
    assertS3Error(res, 400, 'KeyTooLongError');
  });

  test('nothing was written outside the drive directories, and no file is named after a key', async () => {
    assert.ok(await isLive(cairn.endpoint));
    const inside = await walkEntries(root);
    const named = inside.filter((p) => p.includes(MARK));
    assert.deepEqual(named, [], 'files inside the drives are named after keys');
    const parent = dirname(root);
    const added = (await readdir(parent)).filter((n) => !before_.has(n) && n !== basename(root));
    assert.deepEqual(
      added.filter((n) => n.includes(MARK)),
      [],
      `entries appeared beside the drives in ${parent}`,
    );
    for (const dir of [tmpdir(), '/', dirname(tmpdir())]) {
      const escaped = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.includes(MARK));
      assert.deepEqual(escaped, [], `a key escaped into ${dir}`);
    }
  });
});
