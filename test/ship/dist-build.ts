/**
 * Builds `npm run dist`'s outputs once for the ship tests and reuses them while their inputs are
 * unchanged: a stamp in dist-pkg/ records a digest of src/, the build script, the lockfile and the
 * Node binary, so several test files (and repeated runs) pay for one build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

export const REPO = resolve(import.meta.dirname, '../../..');
export const DIST_PKG = join(REPO, 'dist-pkg');
export const BUNDLE = join(DIST_PKG, 'cairn.mjs');
export const EXECUTABLE = join(DIST_PKG, 'cairn');
const STAMP = join(DIST_PKG, '.build-stamp');

function digestInputs(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts'))
        hash.update(path).update(readFileSync(path));
    }
  };
  walk(join(REPO, 'src'));
  for (const file of ['scripts/dist.mjs', 'package.json', 'package-lock.json']) {
    hash.update(file).update(readFileSync(join(REPO, file)));
  }
  hash.update(process.execPath).update(process.version);
  return hash.digest('hex');
}

/**
 * The build tools (esbuild, postject) are devDependencies: missing ones skip the ship tests with a
 * message on a laptop and fail them under CI=true, like a missing command-line tool.
 */
export function requireBuildTools(): { skip?: string } {
  const require = createRequire(join(REPO, 'package.json'));
  const missing = ['esbuild', 'postject'].filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return {};
  const message = `${missing.join(' and ')} not installed (npm ci installs the devDependencies)`;
  if (process.env.CI === 'true') {
    test('the dist build tools are installed (CI=true requires them)', () => assert.fail(message));
  }
  return { skip: message };
}

/** Runs `npm run dist`'s script unless dist-pkg/ was built from the same inputs. */
export function ensureDist(): void {
  const digest = digestInputs();
  if (existsSync(BUNDLE) && existsSync(EXECUTABLE) && existsSync(STAMP)) {
    if (readFileSync(STAMP, 'utf8') === digest) return;
  }
  const run = spawnSync(process.execPath, [join(REPO, 'scripts/dist.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 240_000,
  });
  assert.equal(run.status, 0, `npm run dist failed:\n${run.stdout}\n${run.stderr}`);
  writeFileSync(STAMP, digest);
}
