/**
 * Scraping a server's metrics in tests: the token as `cairn admin prometheus generate` prints it,
 * and a small reader of the text exposition format (independent of the server's code).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CairnProcess, runCairn } from '../helpers/cairn-process.js';

export interface Scrape {
  status: number;
  contentType: string | null;
  text: string;
}

export async function scrape(
  cairn: Pick<CairnProcess, 'endpoint'>,
  path: 'cluster' | 'node' | 'bucket' | 'resource',
  token?: string,
): Promise<Scrape> {
  const res = await fetch(`${cairn.endpoint}/minio/v2/metrics/${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/**
 * Runs `cairn admin alias set` and `cairn admin prometheus generate ALIAS TYPE` for `keys` against
 * `cairn`, and returns what it printed.
 */
export async function generateScrapeConfig(
  cairn: Pick<CairnProcess, 'endpoint'>,
  keys: { accessKey: string; secretKey: string },
  type = 'cluster',
): Promise<string> {
  const configDir = await mkdtemp(join(tmpdir(), 'cairn-metrics-cli-'));
  try {
    const env = { CAIRN_CONFIG_DIR: configDir };
    const set = await runCairn(
      ['admin', 'alias', 'set', 'target', cairn.endpoint, keys.accessKey, keys.secretKey],
      {
        env,
        timeoutMs: 30_000,
      },
    );
    if (set.code !== 0) throw new Error(`alias set failed: ${set.stderr}`);
    const gen = await runCairn(['admin', 'prometheus', 'generate', 'target', type], {
      env,
      timeoutMs: 30_000,
    });
    if (gen.code !== 0) throw new Error(`prometheus generate failed: ${gen.stderr}`);
    return gen.stdout;
  } finally {
    await rm(configDir, { recursive: true, force: true });
  }
}

/** The bearer token of a printed scrape config. */
export function bearerTokenOf(config: string): string {
  const m = /^\s*bearer_token:\s*(\S+)\s*$/m.exec(config);
  if (!m?.[1]) throw new Error(`no bearer_token in:\n${config}`);
  return m[1];
}

/** Samples of an exposition: `name{label="v",…}` (labels sorted, `server` left out) → value. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .filter((l) => l[1] !== 'server')
      .map((l) => `${l[1]}="${l[2]}"`)
      .sort();
    out.set(`${m[1]}{${labels.join(',')}}`, Number(m[3]));
  }
  return out;
}

/** The value of `name` with exactly `labels` (besides `server`); undefined when absent. */
export function sampleValue(
  all: Map<string, number>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const key = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  return all.get(`${name}{${key}}`);
}

/** The TYPE line's type of every family in `text`. */
export function familyTypes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1] as string, m[2] as string);
  return out;
}
