import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCairn } from '../helpers/cairn-process.js';
import { EXECUTABLE, ensureDist, REPO, requireBuildTools } from './dist-build.js';
import { assertServesS3, runBuilt } from './serves-s3.js';

const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

describe(
  'npm run dist: the single executable (dist-pkg/cairn, Linux x64)',
  linuxX64 ? requireBuildTools() : { skip: 'the executable is built for Linux x64 only' },
  () => {
    // The executable is copied alone into an empty directory and run with no node on PATH; its
    // native addons are unpacked into a fresh $XDG_CACHE_HOME.
    let home: string;
    let exe: string;
    let cache: string;
    let env: NodeJS.ProcessEnv;
    before(() => {
      ensureDist();
      home = mkdtempSync(join(tmpdir(), 'cairn-ship-exe-'));
      exe = join(home, 'bin', 'cairn');
      cache = join(home, 'cache');
      mkdirSync(join(home, 'bin'));
      copyFileSync(EXECUTABLE, exe);
      env = { ...process.env, PATH: join(home, 'no-such-dir'), XDG_CACHE_HOME: cache };
    });
    after(() => rmSync(home, { recursive: true, force: true }));

    test('./cairn --version and --help run with no node on PATH', async () => {
      const v = await runBuilt([exe, '--version'], env);
      assert.equal(v.code, 0, v.stderr);
      assert.equal(v.stdout, `cairn ${version}\n`);
      assert.equal(v.stderr, '', 'no experimental-feature warning or other noise');
      const help = await runBuilt([exe, '--help'], env);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /Usage: cairn <command>/);
    });

    test('./cairn server serves S3 on 4 drives with its native addons unpacked into $XDG_CACHE_HOME/cairn', async () => {
      const cairn = await startCairn({
        drives: 4,
        command: [exe],
        env: { PATH: env.PATH, XDG_CACHE_HOME: cache },
      });
      try {
        await assertServesS3(cairn);
      } finally {
        await cairn.stop();
      }
      const nodeFiles = nativeFiles(join(cache, 'cairn'));
      assert.ok(
        nodeFiles.some((f) => f.includes('lmdb')) &&
          nodeFiles.some((f) => f.endsWith('reed-solomon/binding.node')),
        `lmdb and reed-solomon addons unpacked: ${nodeFiles.join(', ')}`,
      );
    });

    test('a damaged unpacked addon is unpacked again at the next start (checked against its SHA-256)', async () => {
      const [lmdbAddon] = nativeFiles(join(cache, 'cairn')).filter((f) => f.includes('lmdb'));
      assert.ok(lmdbAddon, 'an earlier start unpacked the lmdb addon');
      const original = readFileSync(lmdbAddon);
      writeFileSync(lmdbAddon, 'not an ELF file');
      const cairn = await startCairn({
        drives: 1,
        command: [exe],
        env: { PATH: env.PATH, XDG_CACHE_HOME: cache },
      });
      try {
        await assertServesS3(cairn);
      } finally {
        await cairn.stop();
      }
      assert.ok(readFileSync(lmdbAddon).equals(original), 'the addon was restored from the executable');
    });
  },
);

/** Every .node file under `dir`. */
function nativeFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.node')) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
