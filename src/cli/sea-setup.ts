/**
 * First module of the single executable: unpacks the native packages (see sea-assets.ts) and
 * points the bundle's module URL into that directory, so `createRequire(import.meta.url)` finds
 * them and the hash worker's script is found beside it. The SEA build replaces `import.meta.url`
 * with `globalThis.__CAIRN_MODULE_URL`, which must be set before any other module runs.
 */

import { join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { pathToFileURL } from 'node:url';
import { seaCacheBase, unpackAssets } from './sea-assets.js';

if (!isSea()) throw new Error('sea-main runs only inside the cairn single executable');
const dir = unpackAssets((key) => Buffer.from(getAsset(key)), seaCacheBase(process.env));
(globalThis as { __CAIRN_MODULE_URL?: string }).__CAIRN_MODULE_URL = pathToFileURL(
  join(dir, 'cairn.cjs'),
).href;
