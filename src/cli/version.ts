import { readFileSync } from 'node:fs';

/**
 * Set by `npm run dist` (esbuild's `define`): a bundle or a single executable has no package.json
 * at a known place beside it, so the build writes the version in. Unset when running from `dist/`.
 */
declare const CAIRN_BUILD_VERSION: string | undefined;

/** The package version, as `cairn --version` and the admin API's server info report it. */
export function cairnVersion(): string {
  if (typeof CAIRN_BUILD_VERSION === 'string') return CAIRN_BUILD_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
