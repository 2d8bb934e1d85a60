import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCairn } from '../helpers/cairn-process.js';
import { DIST_PKG, ensureDist, REPO, requireBuildTools } from './dist-build.js';
import { assertServesS3, runBuilt } from './serves-s3.js';

const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('npm run dist: the bundle (dist-pkg/cairn.mjs) run with plain node', requireBuildTools(), () => {
  // The bundle is run from a copy outside the repository, so nothing resolves from the repo's own
  // node_modules: what it needs must be in dist-pkg.
  let home: string;
  let bundle: string;
  before(() => {
    ensureDist();
    home = mkdtempSync(join(tmpdir(), 'cairn-ship-bundle-'));
    const pkg = join(home, 'cairn');
    cpSync(DIST_PKG, pkg, {
      recursive: true,
      filter: (src) => src !== join(DIST_PKG, 'cairn') && src !== join(DIST_PKG, '.build-stamp'),
    });
    bundle = join(pkg, 'cairn.mjs');
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test('node cairn.mjs --version prints the package version; --help lists the commands', async () => {
    const v = await runBuilt([process.execPath, bundle, '--version'], process.env);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout, `cairn ${version}\n`);
    const help = await runBuilt([process.execPath, bundle, '--help'], process.env);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage: cairn <command>/);
    assert.match(help.stdout, /server {2,}serve S3 from local drives/);
  });

  test('node cairn.mjs server serves S3 on 4 drives: health 200, objects read back byte for byte', async () => {
    const cairn = await startCairn({ drives: 4, command: [process.execPath, bundle] });
    try {
      await assertServesS3(cairn);
    } finally {
      await cairn.stop();
    }
  });
});
