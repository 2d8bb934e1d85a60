// `npm run dist`: builds what an operator installs without building Cairn.
//
//   dist-pkg/cairn.mjs        the whole CLI in one ES module (esbuild), run with plain `node`
//   dist-pkg/hash-worker.js   the hash pool's worker script, which the bundle starts by URL
//   dist-pkg/package.json     name, version, "type": "module", bin
//   dist-pkg/node_modules/    the packages esbuild cannot bundle: native addons (lmdb and its
//                             dependencies, msgpackr-extract, @ronomon/reed-solomon), copied as is
//   dist-pkg/cairn            a single executable for Linux x64 (Node's single-executable
//                             applications): this Node binary with the CLI as a CommonJS bundle
//                             and the native packages as assets, unpacked at run time
//
// `--bundle-only` skips the executable (the Docker image needs only the bundle).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist-pkg');
const SEA_WORK = join(ROOT, 'dist-pkg-sea');
const require = createRequire(join(ROOT, 'package.json'));
const esbuild = require('esbuild');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** Packages with native addons: never bundled, shipped with their dependencies. */
const NATIVE = ['lmdb', '@ronomon/reed-solomon'];
/** Dependencies needed only to compile an addon from source, never at run time. */
const BUILD_ONLY = new Set(['node-addon-api']);
/** The fuse Node's binary carries until a SEA blob is injected (Node's SEA documentation). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: NATIVE,
  logLevel: 'warning',
  legalComments: 'none',
  define: { CAIRN_BUILD_VERSION: JSON.stringify(pkg.version) },
};

/** The package directory `name` resolves to from `fromDir`, as Node's lookup walks up. */
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The native packages and everything they load, as package directories. */
function runtimeClosure() {
  const found = new Map();
  const visit = (name, fromDir, optional) => {
    if (BUILD_ONLY.has(name)) return;
    const dir = findPackage(name, fromDir);
    if (!dir) {
      if (optional) return; // another platform's prebuilt binary
      throw new Error(`${name} is not installed (run npm ci)`);
    }
    if (found.has(dir)) return;
    found.set(dir, name);
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(meta.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(meta.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of NATIVE) visit(name, ROOT, false);
  return found;
}

function copyTree(from, to) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue; // nested dependencies are visited on their own
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) copyTree(src, dst);
    else if (entry.isFile()) {
      copyFileSync(src, dst);
      chmodSync(dst, statSync(src).mode & 0o755);
    }
  }
}

function listFiles(dir, base = dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, base, out);
    else if (entry.isFile()) out.push(relative(base, path).split('\\').join('/'));
  }
  return out.sort();
}

async function buildBundle() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await esbuild.build({
    ...common,
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    outfile: join(OUT, 'cairn.mjs'),
    format: 'esm',
    // CommonJS dependencies bundled into an ES module still call require() for Node's builtins.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __cairnCreateRequire } from 'node:module';\nconst require = __cairnCreateRequire(import.meta.url);",
    },
  });
  chmodSync(join(OUT, 'cairn.mjs'), 0o755);
  // The hash pool starts `new URL('./hash-worker.js', import.meta.url)`: it sits beside the bundle.
  await esbuild.build({
    ...common,
    entryPoints: [join(ROOT, 'src/util/hash-worker.ts')],
    outfile: join(OUT, 'hash-worker.js'),
    format: 'esm',
  });
  writeFileSync(
    join(OUT, 'package.json'),
    `${JSON.stringify(
      {
        name: pkg.name,
        version: pkg.version,
        description: pkg.description,
        license: pkg.license,
        private: true,
        type: 'module',
        engines: pkg.engines,
        bin: { cairn: 'cairn.mjs' },
      },
      null,
      2,
    )}\n`,
  );
  for (const [dir, name] of runtimeClosure()) copyTree(dir, join(OUT, 'node_modules', name));
}

/**
 * For the executable, keeps of each prebuilt-binary package only the file this Node loads
 * (node-gyp-build-optional-packages picks it by ABI and libc), since the executable always runs
 * the Node it was built from.
 */
function prunePrebuilds(treeDir) {
  const loader = require(join(treeDir, 'node_modules/node-gyp-build-optional-packages'));
  for (const pkgName of ['lmdb', 'msgpackr-extract']) {
    const pkgDir = join(treeDir, 'node_modules', pkgName);
    if (!existsSync(pkgDir)) continue;
    const chosen = loader.path(pkgDir);
    const prebuildDir = dirname(chosen);
    for (const file of readdirSync(prebuildDir)) {
      if (file.endsWith('.node') && join(prebuildDir, file) !== chosen) rmSync(join(prebuildDir, file));
    }
  }
}

async function buildExecutable() {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `the single executable is built for Linux x64; this is ${process.platform} ${process.arch}`,
    );
  rmSync(SEA_WORK, { recursive: true, force: true });
  const tree = join(SEA_WORK, 'tree');
  mkdirSync(tree, { recursive: true });
  copyTree(join(OUT, 'node_modules'), join(tree, 'node_modules'));
  prunePrebuilds(tree);
  copyFileSync(join(OUT, 'hash-worker.js'), join(tree, 'hash-worker.js'));
  copyFileSync(join(OUT, 'package.json'), join(tree, 'package.json'));

  // The CLI as one CommonJS script (what Node 20's SEA runs). Modules that load a native package
  // find it through createRequire in the unpacked directory; import.meta.url points there too.
  const seaExternals = {
    name: 'sea-externals',
    setup(build) {
      build.onResolve({ filter: /^(lmdb|@ronomon\/reed-solomon)$/ }, (args) => ({
        path: args.path,
        namespace: 'sea-external',
      }));
      build.onLoad({ filter: /.*/, namespace: 'sea-external' }, (args) => ({
        contents: `module.exports = require('node:module').createRequire(globalThis.__CAIRN_MODULE_URL)(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
  const main = join(SEA_WORK, 'cairn.cjs');
  await esbuild.build({
    ...common,
    external: [],
    entryPoints: [join(ROOT, 'src/cli/sea-main.ts')],
    outfile: main,
    format: 'cjs',
    define: { ...common.define, 'import.meta.url': 'globalThis.__CAIRN_MODULE_URL' },
    plugins: [seaExternals],
  });

  const files = listFiles(tree).map((path) => {
    const bytes = readFileSync(join(tree, path));
    return {
      path,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      mode: statSync(join(tree, path)).mode & 0o755,
    };
  });
  const id = createHash('sha256')
    .update(files.map((f) => `${f.path}\0${f.sha256}\0${f.mode}\n`).join(''))
    .digest('hex')
    .slice(0, 32);
  const manifestPath = join(SEA_WORK, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify({ id, files }));
  const assets = { 'cairn-sea-manifest.json': manifestPath };
  for (const f of files) assets[f.path] = join(tree, f.path);
  const blob = join(SEA_WORK, 'sea-prep.blob');
  const seaConfig = join(SEA_WORK, 'sea-config.json');
  writeFileSync(
    seaConfig,
    JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });

  const exe = join(OUT, 'cairn');
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  const { inject } = require('postject');
  await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
  rmSync(SEA_WORK, { recursive: true, force: true });
}

const bundleOnly = process.argv.includes('--bundle-only');
const started = Date.now();
await buildBundle();
console.log(`dist-pkg/cairn.mjs: ${(statSync(join(OUT, 'cairn.mjs')).size / 1024).toFixed(0)} KiB bundle`);
if (!bundleOnly) {
  await buildExecutable();
  console.log(`dist-pkg/cairn: ${(statSync(join(OUT, 'cairn')).size / 2 ** 20).toFixed(1)} MiB executable`);
}
console.log(`npm run dist: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
