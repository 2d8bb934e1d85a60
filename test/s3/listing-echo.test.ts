// What listings echo back of the request (Prefix, Delimiter, Marker, StartAfter, KeyMarker,
// ContinuationToken): the value as given, XML-escaped, unless encoding-type=url asks for S3's URL form.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type RawResponse, rawRequest } from '../helpers/raw-http.js';
import { useServer } from './fixture.js';

const Bucket = 'echo';
const KEYS = ['bar', 'baz', 'foo', 'quxx'];

/** The text of the first `<name>` element of a listing body, or undefined when it is absent. */
function element(res: RawResponse, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(res.body)?.[1];
}

function keys(res: RawResponse): string[] {
  return [...res.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1] as string);
}

describe('listing echo fields', () => {
  const server = useServer({ drives: 1, bucket: Bucket });
  before(async () => {
    for (const Key of KEYS) await server.s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
  });

  const list = (query: Record<string, string>) =>
    rawRequest(server.cairn, { method: 'GET', path: `/${Bucket}`, query });

  test('without encoding-type a newline prefix comes back as a newline in ListObjects v1 and v2', async () => {
    const queries: Record<string, string>[] = [{ prefix: '\n' }, { 'list-type': '2', prefix: '\n' }];
    for (const query of queries) {
      const res = await list(query);
      assert.equal(res.status, 200, res.body);
      assert.equal(element(res, 'Prefix'), '\n', JSON.stringify(query));
      assert.deepEqual(keys(res), []);
    }
  });

  test('with encoding-type=url the same prefix comes back as %0A', async () => {
    const queries: Record<string, string>[] = [{ prefix: '\n' }, { 'list-type': '2', prefix: '\n' }];
    for (const query of queries) {
      const res = await list({ ...query, 'encoding-type': 'url' });
      assert.equal(res.status, 200, res.body);
      assert.equal(element(res, 'Prefix'), '%0A', JSON.stringify(query));
      assert.equal(element(res, 'EncodingType'), 'url');
    }
  });

  test('every echoed field of ListObjects v1 is the raw value, XML-escaped, or its URL form', async () => {
    const query = { prefix: 'a b+c&<', delimiter: '\n', marker: 'm\u00e9 &x' };
    const raw = await list(query);
    assert.equal(element(raw, 'Prefix'), 'a b+c&amp;&lt;');
    assert.equal(element(raw, 'Delimiter'), '\n');
    assert.equal(element(raw, 'Marker'), 'm\u00e9 &amp;x');
    const encoded = await list({ ...query, 'encoding-type': 'url' });
    assert.equal(element(encoded, 'Prefix'), 'a+b%2Bc%26%3C');
    assert.equal(element(encoded, 'Delimiter'), '%0A');
    assert.equal(element(encoded, 'Marker'), 'm%C3%A9+%26x');
  });

  test('every echoed field of ListObjectsV2 is the raw value, XML-escaped, or its URL form', async () => {
    const query = { 'list-type': '2', prefix: 'p\n', delimiter: '&', 'start-after': 's t\n' };
    const raw = await list(query);
    assert.equal(element(raw, 'Prefix'), 'p\n');
    assert.equal(element(raw, 'Delimiter'), '&amp;');
    assert.equal(element(raw, 'StartAfter'), 's t\n');
    const encoded = await list({ ...query, 'encoding-type': 'url' });
    assert.equal(element(encoded, 'Prefix'), 'p%0A');
    assert.equal(element(encoded, 'Delimiter'), '%26');
    assert.equal(element(encoded, 'StartAfter'), 's+t%0A');
  });

  test('every echoed field of ListMultipartUploads is the raw value, XML-escaped, or its URL form', async () => {
    const query = { uploads: '', prefix: '\n', delimiter: '<', 'key-marker': 'k\n' };
    const raw = await list(query);
    assert.equal(raw.status, 200, raw.body);
    assert.equal(element(raw, 'Prefix'), '\n');
    assert.equal(element(raw, 'Delimiter'), '&lt;');
    assert.equal(element(raw, 'KeyMarker'), 'k\n');
    const encoded = await list({ ...query, 'encoding-type': 'url' });
    assert.equal(element(encoded, 'Prefix'), '%0A');
    assert.equal(element(encoded, 'Delimiter'), '%3C');
    assert.equal(element(encoded, 'KeyMarker'), 'k%0A');
  });

  test('a control character XML 1.0 cannot carry is echoed as a character reference', async () => {
    const res = await list({ 'list-type': '2', prefix: 'a\u0001b\rc' });
    assert.equal(res.status, 200);
    assert.equal(element(res, 'Prefix'), 'a&#1;b&#13;c');
  });

  test('an empty continuation-token lists from the start and is echoed empty', async () => {
    const res = await list({ 'list-type': '2', 'continuation-token': '' });
    assert.equal(res.status, 200, res.body);
    assert.match(res.body, /<ContinuationToken><\/ContinuationToken>/);
    assert.deepEqual(keys(res), KEYS);
    assert.equal(element(res, 'IsTruncated'), 'false');
    const afterBar = await list({ 'list-type': '2', 'continuation-token': '', 'start-after': 'bar' });
    assert.deepEqual(keys(afterBar), ['baz', 'foo', 'quxx'], 'start-after still applies');
  });
});
