import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AdminCliError } from './command.js';

/** One server `cairn admin` knows by name, as `mc alias set` keeps it. */
export interface AliasEntry {
  url: string;
  accessKey: string;
  secretKey: string;
  region: string;
  api: 's3v4';
}

export interface AliasConfig {
  version: '1';
  aliases: Record<string, AliasEntry>;
}

export const CONFIG_FILE = 'config.json';

/** What `alias list` shows instead of a secret: nothing of it, not even its length. */
export const MASKED_SECRET = '*REDACTED*';

/** `$CAIRN_CONFIG_DIR`, else `~/.cairn`. */
export function configDir(env: NodeJS.ProcessEnv): string {
  const dir = env.CAIRN_CONFIG_DIR;
  return dir !== undefined && dir !== '' ? dir : join(homedir(), '.cairn');
}

const ALIAS_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Alias names as mc takes them: a letter, then letters, digits, `-`, `_` or `.`. */
export function checkAliasName(name: string): void {
  if (!ALIAS_NAME.test(name)) {
    throw new AdminCliError(
      `invalid alias name ${JSON.stringify(name)}: start with a letter, then letters, digits, '-', '_' or '.'`,
    );
  }
}

/** An endpoint URL without credentials, path, query or fragment, normalised to `scheme://host[:port]`. */
export function normaliseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AdminCliError(
      `invalid URL ${JSON.stringify(raw)}: expected http://HOST:PORT or https://HOST:PORT`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AdminCliError(`invalid URL ${JSON.stringify(raw)}: the scheme must be http or https`);
  }
  // Credentials in the URL would be printed by `alias list`; they belong in ACCESSKEY/SECRETKEY.
  if (url.username !== '' || url.password !== '') {
    throw new AdminCliError('the URL must not contain credentials: pass them as ACCESSKEY and SECRETKEY');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new AdminCliError(`invalid URL ${JSON.stringify(raw)}: give the endpoint only, without a path`);
  }
  return `${url.protocol}//${url.host}`;
}

/** The configuration in `dir`, or an empty one when there is no file yet. */
export async function loadConfig(dir: string): Promise<AliasConfig> {
  const file = join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: '1', aliases: {} };
    throw new AdminCliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  // The parser's message can quote the file, which holds secrets: say where, not what.
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AdminCliError(`${file} is not valid JSON: fix or remove it`);
  }
  return validateConfig(parsed, file);
}

function validateConfig(value: unknown, file: string): AliasConfig {
  const bad = (what: string) => new AdminCliError(`${file}: ${what}`);
  if (typeof value !== 'object' || value === null) throw bad('expected a JSON object');
  const aliases = (value as { aliases?: unknown }).aliases ?? {};
  if (typeof aliases !== 'object' || aliases === null || Array.isArray(aliases)) {
    throw bad('"aliases" must be an object');
  }
  const out: Record<string, AliasEntry> = {};
  for (const [name, entry] of Object.entries(aliases)) {
    const e = entry as Partial<Record<keyof AliasEntry, unknown>> | null;
    if (
      typeof e !== 'object' ||
      e === null ||
      typeof e.url !== 'string' ||
      typeof e.accessKey !== 'string' ||
      typeof e.secretKey !== 'string'
    ) {
      throw bad(`alias ${JSON.stringify(name)} needs string url, accessKey and secretKey`);
    }
    out[name] = {
      url: e.url,
      accessKey: e.accessKey,
      secretKey: e.secretKey,
      region: typeof e.region === 'string' && e.region !== '' ? e.region : 'us-east-1',
      api: 's3v4',
    };
  }
  return { version: '1', aliases: out };
}

/**
 * Writes the configuration atomically: a new file, created 0600 (the umask can only narrow it),
 * flushed, then renamed over the old one, so a reader sees the old or the new file, never a torn
 * one, and a secret is never on disk with wider permissions. The directory is created 0700.
 */
export async function saveConfig(dir: string, config: AliasConfig): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, CONFIG_FILE);
  const temp = join(dir, `.${CONFIG_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(`${JSON.stringify(config, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new AdminCliError(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/** The alias named `name`, or an error saying how to add it. */
export function findAlias(config: AliasConfig, name: string): AliasEntry {
  const entry = Object.hasOwn(config.aliases, name) ? config.aliases[name] : undefined;
  if (entry === undefined) {
    throw new AdminCliError(
      `no alias named ${JSON.stringify(name)}: add it with \`cairn admin alias set ${name} URL ACCESSKEY SECRETKEY\``,
      'XCairnNoSuchAlias',
    );
  }
  return entry;
}
