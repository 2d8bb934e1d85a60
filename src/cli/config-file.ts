/**
 * The config file of `cairn server --config FILE`: JSON (`{"capacity": "500GiB"}`, keys are setting
 * names or their environment names) when the name ends in `.json`, else an environment file
 * (`CAIRN_CAPACITY=500GiB`, one per line, `#` comments, optional `export` and quotes), the format
 * of MinIO's `/etc/default/minio` and of systemd's EnvironmentFile, so one file serves both.
 */
import { readFileSync } from 'node:fs';
import { findSetting, type SettingSpec } from '../util/settings.js';
import { ConfigError } from './server-config-error.js';

export interface ConfigFile {
  path: string;
  /** Values by setting name, as text. */
  values: Map<string, string>;
  /** Names the file holds that no setting has (MinIO settings Cairn does not have): said at start. */
  ignored: string[];
}

/** Reads and checks `path`; unreadable or malformed files and unknown Cairn names are ConfigErrors. */
export function readConfigFile(path: string, specs: readonly SettingSpec[]): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `config file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const entries = path.endsWith('.json') ? jsonEntries(path, text) : envEntries(path, text);
  const file: ConfigFile = { path, values: new Map(), ignored: [] };
  for (const [name, value] of entries) {
    const spec = findSetting(specs, name);
    if (spec === undefined) {
      // Another program's names (MinIO's, in a shared env file) pass; a misspelt Cairn one does not.
      if (/^CAIRN_/.test(name) || !/^[A-Z0-9_]+$/.test(name))
        throw new ConfigError(`config file ${path}: ${name} is not a setting (see cairn server --help)`);
      file.ignored.push(name);
      continue;
    }
    file.values.set(spec.name, value);
  }
  return file;
}

function jsonEntries(path: string, text: string): [string, string][] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ConfigError(`config file ${path}: expected a JSON object of settings`);
  return Object.entries(doc).map(([name, value]) => {
    if (Array.isArray(value)) return [name, value.map(String).join(name.includes('volumes') ? ' ' : ',')];
    if (typeof value === 'string') return [name, value];
    if (typeof value === 'number') return [name, String(value)];
    if (typeof value === 'boolean') return [name, value ? 'on' : 'off'];
    throw new ConfigError(`config file ${path}: ${name} must be a string, number, boolean or list`);
  });
}

function envEntries(path: string, text: string): [string, string][] {
  const out: [string, string][] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new ConfigError(`config file ${path}:${i + 1}: expected NAME=value`);
    let value = match[2] ?? '';
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] ?? '';
    out.push([match[1]!, value]);
  });
  return out;
}
