import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCairn } from '../helpers/cairn-process.js';
import { requireTool } from '../helpers/tools.js';
import { REPO } from './dist-build.js';
import { assertServesS3, runBuilt } from './serves-s3.js';

const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('the npm package: package.json "bin" runs from the packed tarball', requireTool('npm'), () => {
  // `npm pack` (of the built dist/) and the tarball unpacked elsewhere; its dependencies come from
  // the repository's node_modules, so this proves the packed files, not the registry.
  let home: string;
  let bin: string;
  let files: string[];
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'cairn-ship-npm-'));
    const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', home], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(pack.status, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = info!.files.map((f) => f.path);
    const untar = spawnSync('tar', ['-xzf', join(home, info!.filename), '-C', home], { encoding: 'utf8' });
    assert.equal(untar.status, 0, untar.stderr);
    symlinkSync(join(REPO, 'node_modules'), join(home, 'package', 'node_modules'));
    bin = join(home, 'package', 'bin', 'cairn.js');
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test('the tarball holds bin/cairn.js and the compiled CLI, and no tests', () => {
    for (const f of ['bin/cairn.js', 'dist/src/cli/main.js', 'dist/src/util/hash-worker.js', 'package.json'])
      assert.ok(files.includes(f), f);
    assert.deepEqual(
      files.filter((f) => f.includes('.test.') || f.startsWith('test/') || f.startsWith('dist/test/')),
      [],
    );
  });

  test('cairn --version and cairn server from the unpacked package serve S3', async () => {
    const v = await runBuilt([process.execPath, bin, '--version'], process.env);
    assert.equal(v.stdout, `cairn ${version}\n`, v.stderr);
    const cairn = await startCairn({ drives: 1, command: [process.execPath, bin] });
    try {
      await assertServesS3(cairn);
    } finally {
      await cairn.stop();
    }
  });
});
