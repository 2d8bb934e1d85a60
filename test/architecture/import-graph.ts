/**
 * Reads the import graph of `src/` from the TypeScript sources and judges it against the layer
 * order: each folder under src/ may import only from itself and the folders below it, nothing in
 * src/ may import from outside src/, and every product module must be reachable from the product's
 * entry points (so test support and dead code cannot hide in src/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';

/** The layers, top first: a module may import from its own layer and any layer after it. */
export const LAYERS = [
  'cli',
  'bench',
  'manager',
  'console',
  'api',
  'iam',
  'object',
  'erasure',
  'cluster',
  'drive',
  'rpc',
  'util',
] as const;

/**
 * Where the product starts: the CLI (bin/cairn.js imports it), the single executable's entry
 * (`npm run dist`), `npm run bench`'s script, and the bench's baseline servers, which it starts as
 * child processes by a computed path.
 */
export const ENTRY_POINTS = [
  'cli/main.ts',
  'cli/sea-main.ts',
  'bench/run.ts',
  'bench/baselines/memory-server.ts',
  'bench/baselines/fsync-server.ts',
];

/** Source files by path relative to src/ (posix separators), with their text. */
export type SourceTree = Map<string, string>;

export interface ImportEdge {
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** Resolved path relative to src/ (may start with `../` when it leaves src/). */
  to: string;
}

export function readSourceTree(srcDir: string): SourceTree {
  const tree: SourceTree = new Map();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts'))
        tree.set(relative(srcDir, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(srcDir);
  return tree;
}

// Static imports and re-exports, dynamic import(), and files loaded by URL (worker threads, child
// processes): `new URL('./x.js', import.meta.url)`.
const SPECIFIERS = [
  /(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s+'([^']+)'/g,
  /(?:^|[\s;])import\s+'([^']+)'/g,
  /\bimport\(\s*'([^']+)'\s*\)/g,
  /\bnew URL\(\s*'([^']+)'\s*,\s*import\.meta\.url\s*\)/g,
];

/** Every relative import of every file, resolved to a `.ts` path relative to src/. */
export function importEdges(tree: SourceTree): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [from, text] of tree) {
    for (const pattern of SPECIFIERS) {
      for (const m of text.matchAll(pattern)) {
        const specifier = m[1] as string;
        if (!specifier.startsWith('.')) continue; // packages and node: builtins
        // A URL that names no module (the package root, package.json) reads files, not code.
        if (!specifier.endsWith('.js')) continue;
        const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
        edges.push({ from, specifier, to: joined.replace(/\.js$/, '.ts') });
      }
    }
  }
  return edges;
}

const isTest = (path: string) => path.endsWith('.test.ts');
const layerOf = (path: string) => path.split('/')[0] as string;

/** Every broken rule, one line each; empty when the tree is in order. */
export function layerViolations(tree: SourceTree, entryPoints = ENTRY_POINTS): string[] {
  const problems: string[] = [];
  const rank = new Map<string, number>(LAYERS.map((l, i) => [l, i]));
  for (const path of tree.keys()) {
    if (!path.includes('/')) problems.push(`${path}: a file directly under src/ belongs to no layer`);
    else if (!rank.has(layerOf(path)))
      problems.push(`${path}: src/${layerOf(path)}/ is not in the layer list`);
  }
  const edges = importEdges(tree);
  const productEdges = edges.filter((e) => !isTest(e.from));
  for (const { from, specifier, to } of productEdges) {
    if (to.startsWith('../')) {
      problems.push(`${from}: imports '${specifier}', outside src/`);
      continue;
    }
    if (isTest(to)) problems.push(`${from}: imports the test file '${specifier}'`);
    const a = rank.get(layerOf(from));
    const b = rank.get(layerOf(to));
    if (a !== undefined && b !== undefined && b < a) {
      problems.push(`${from}: imports '${specifier}' from ${layerOf(to)}/, a layer above ${layerOf(from)}/`);
    }
  }
  // Reachability: product modules nothing in the product reaches are test support or dead code.
  const next = new Map<string, string[]>();
  for (const e of productEdges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const reached = new Set<string>();
  const stack = [...entryPoints];
  while (stack.length > 0) {
    const path = stack.pop() as string;
    if (reached.has(path) || !tree.has(path)) continue;
    reached.add(path);
    stack.push(...(next.get(path) ?? []));
  }
  for (const path of tree.keys()) {
    if (!isTest(path) && !reached.has(path)) {
      problems.push(
        `${path}: no product entry point reaches it (test support belongs in test/, dead code is deleted)`,
      );
    }
  }
  return problems;
}

/** The src/ folder of this checkout, found from the compiled test's location (dist/test/architecture/). */
export function repoSrcDir(): string {
  return join(dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'src');
}
