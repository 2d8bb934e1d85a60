import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importEdges, layerViolations, readSourceTree, repoSrcDir, type SourceTree } from './import-graph.js';

test('src/ keeps the layer order: no upward import, nothing from outside src/, no unreachable module', () => {
  const tree = readSourceTree(repoSrcDir());
  assert.ok(tree.size > 50, `read ${tree.size} files from ${repoSrcDir()}`);
  assert.deepEqual(layerViolations(tree), []);
});

/** A tiny product tree in order: cli -> api -> object -> util. */
function inOrder(): SourceTree {
  return new Map([
    [
      'cli/main.ts',
      "import { serve } from '../api/server.js';\nconst w = new URL('../util/worker.js', import.meta.url);",
    ],
    ['api/server.ts', "import type { Layer } from '../object/layer.js';\nexport { x } from './x.js';"],
    ['api/x.ts', 'export const x = 1;'],
    ['object/layer.ts', "import { sum } from '../util/sum.js';"],
    ['object/layer.test.ts', "import { helper } from '../../test/helpers/support.js';"],
    ['util/sum.ts', "import { createHash } from 'node:crypto';"],
    ['util/worker.ts', "const lazy = await import('./sum.js');"],
  ]);
}

test('the checker passes a tree in order (tests may import test helpers from outside src/)', () => {
  assert.deepEqual(layerViolations(inOrder()), []);
});

test('the checker reports an upward import, naming both layers', () => {
  const tree = inOrder();
  tree.set('util/sum.ts', "import type { Layer } from '../object/layer.js';");
  assert.deepEqual(layerViolations(tree), [
    "util/sum.ts: imports '../object/layer.js' from object/, a layer above util/",
  ]);
});

test('the checker reports a dynamic import that climbs and an import from outside src/', () => {
  const tree = inOrder();
  tree.set(
    'object/layer.ts',
    "import { sum } from '../util/sum.js';\nconst b = await import('../../bench/x.js');",
  );
  tree.set('util/worker.ts', "const c = await import('../cli/main.js');");
  assert.deepEqual(layerViolations(tree).sort(), [
    "object/layer.ts: imports '../../bench/x.js', outside src/",
    "util/worker.ts: imports '../cli/main.js' from cli/, a layer above util/",
  ]);
});

test('the checker reports a product module no entry point reaches (test support in src/)', () => {
  const tree = inOrder();
  tree.set('object/test-support.ts', "import { sum } from '../util/sum.js';");
  tree.set('object/layer.test.ts', "import { put } from './test-support.js';");
  assert.deepEqual(layerViolations(tree), [
    'object/test-support.ts: no product entry point reaches it (test support belongs in test/, dead code is deleted)',
  ]);
});

test('the checker reports a folder that is not a layer and a product import of a test file', () => {
  const tree = inOrder();
  tree.set('helpers/misc.ts', '');
  tree.set('api/x.ts', "import { t } from '../object/layer.test.js';");
  const problems = layerViolations(tree);
  assert.ok(problems.includes('helpers/misc.ts: src/helpers/ is not in the layer list'), problems.join('\n'));
  assert.ok(
    problems.includes("api/x.ts: imports the test file '../object/layer.test.js'"),
    problems.join('\n'),
  );
});

test('import edges cover re-exports, side-effect imports, dynamic imports and worker URLs', () => {
  const tree: SourceTree = new Map([
    [
      'a/b.ts',
      [
        "export { q } from './q.js';",
        "import './side.js';",
        "const m = await import('../c/d.js');",
        "new Worker(new URL('./w.js', import.meta.url));",
        "import { readFile } from 'node:fs/promises';",
      ].join('\n'),
    ],
  ]);
  assert.deepEqual(
    importEdges(tree)
      .map((e) => e.to)
      .sort(),
    ['a/q.ts', 'a/side.ts', 'a/w.ts', 'c/d.ts'],
  );
});
