import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MANIFEST_ASSET, type SeaManifest, sha256, unpackAssets } from './sea-assets.js';

const base = mkdtempSync(join(tmpdir(), 'cairn-sea-assets-'));
after(() => rmSync(base, { recursive: true, force: true }));

/** An asset store as the executable embeds one: a manifest and the files it names. */
function assets(files: Record<string, string>, tamper?: string): (key: string) => Buffer {
  const list = Object.entries(files).map(([path, text]) => ({
    path,
    sha256: sha256(Buffer.from(text)),
    mode: 0o644,
  }));
  const manifest: SeaManifest = { id: sha256(Buffer.from(JSON.stringify(list))).slice(0, 32), files: list };
  return (key) => {
    if (key === MANIFEST_ASSET) return Buffer.from(JSON.stringify(manifest));
    const text = files[key];
    if (text === undefined) throw new Error(`no asset ${key}`);
    return Buffer.from(key === tamper ? `${text}!` : text);
  };
}

const files = { 'node_modules/a/index.js': 'module.exports = 1;', 'node_modules/a/a.node': 'ELF…' };

test('unpacks every file under base/<manifest id> and reuses a verified copy on the next start', () => {
  const dir = unpackAssets(assets(files), base);
  assert.equal(readFileSync(join(dir, 'node_modules/a/index.js'), 'utf8'), files['node_modules/a/index.js']);
  const before = statSync(join(dir, 'node_modules/a/a.node')).ino;
  assert.equal(unpackAssets(assets(files), base), dir);
  assert.equal(statSync(join(dir, 'node_modules/a/a.node')).ino, before, 'not written again');
  assert.deepEqual(
    readdirSync(base).filter((n) => n.includes('.tmp-')),
    [],
    'no temporary directory left behind',
  );
});

test('a cached file that no longer matches its digest is unpacked again', () => {
  const dir = unpackAssets(assets(files), base);
  writeFileSync(join(dir, 'node_modules/a/a.node'), 'tampered');
  assert.equal(unpackAssets(assets(files), base), dir);
  assert.equal(readFileSync(join(dir, 'node_modules/a/a.node'), 'utf8'), files['node_modules/a/a.node']);
});

test('an embedded asset that does not match the manifest is refused and nothing is left in the cache', () => {
  const other = { 'x/b.node': 'binary' };
  assert.throws(() => unpackAssets(assets(other, 'x/b.node'), base), /does not match its digest/);
  const manifest = JSON.parse(assets(other)(MANIFEST_ASSET).toString()) as SeaManifest;
  assert.equal(existsSync(join(base, manifest.id)), false);
});
