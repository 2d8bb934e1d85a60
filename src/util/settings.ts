/**
 * Settings declared once, read from every source. A table of SettingSpec rows drives parsing,
 * validation, help and the admin API; `resolveSettings` picks each value by precedence:
 * command-line flag, then environment, then config file, then the default. A dynamic setting that
 * none of the first three set takes the value stored through the admin API instead of the default
 * (runtime-settings.ts): as in MinIO, where the environment overrides what `mc admin config set`
 * stored.
 */
import type { SettingType } from './setting-types.js';

export interface SettingSpec<T = unknown> {
  /** The key in config files and the admin API: lower-case words joined by `_` (`capacity`). */
  name: string;
  /** `--capacity`; absent for secrets, which never belong on a command line (they show in `ps`). */
  flag?: string;
  /** Environment names: Cairn's own first, then MinIO's where MinIO has one. */
  env: readonly string[];
  type: SettingType<T>;
  /** The default, as text the type parses ('' for none). */
  default: string;
  /** Changeable while running (`cairn admin config set`), and then persisted. */
  dynamic: boolean;
  /** Never printed (errors and listings show that it is set, not its value). */
  secret?: boolean;
  /** One line for help and docs. */
  description: string;
}

/** Declares a row, keeping its value type for `settings.get`. */
export function defineSetting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

/** Where a setting's value came from. */
export type SettingSource = 'flag' | 'env' | 'file' | 'stored' | 'default';

/** A value that failed its setting's type, or a source naming no setting: one line for the operator. */
export class SettingError extends Error {
  override name = 'SettingError';
}

export interface SettingInputs {
  /** Values given as flags, by setting name (a repeated flag's values joined by the type's list form). */
  flags: ReadonlyMap<string, string>;
  env: NodeJS.ProcessEnv;
  /** Values from the config file, by setting name, and the file's path for messages. */
  file?: { path: string; values: ReadonlyMap<string, string> };
}

export interface ResolvedSetting<T = unknown> {
  value: T;
  /** The text the value was parsed from. */
  text: string;
  source: SettingSource;
  /** What set it, for messages: `--capacity`, `CAIRN_CAPACITY`, the config file's path, `default`. */
  origin: string;
}

/** Parses `text` as `spec`'s type, or throws SettingError naming the setting and where it came from. */
export function parseSetting<T>(spec: SettingSpec<T>, text: string, origin: string): T {
  try {
    return spec.type.parse(text);
  } catch (err) {
    // A type's reason may quote the text: a secret's gets none.
    if (spec.secret)
      throw new SettingError(`invalid ${spec.name} (${origin}): not a valid ${spec.type.label}`);
    throw new SettingError(
      `invalid ${spec.name} (${origin}) ${JSON.stringify(text)}: ${(err as Error).message}`,
    );
  }
}

/** The text of `spec` in `inputs` by precedence, and where it came from. */
function pick(
  spec: SettingSpec,
  inputs: SettingInputs,
): { text: string; source: SettingSource; origin: string } {
  const flag = inputs.flags.get(spec.name);
  if (flag !== undefined) return { text: flag, source: 'flag', origin: spec.flag ?? spec.name };
  for (const name of spec.env) {
    const v = inputs.env[name];
    if (v !== undefined && v !== '') return { text: v, source: 'env', origin: name };
  }
  const fromFile = inputs.file?.values.get(spec.name);
  if (fromFile !== undefined && inputs.file)
    return { text: fromFile, source: 'file', origin: inputs.file.path };
  return { text: spec.default, source: 'default', origin: 'default' };
}

/** Every setting's value, checked: the first bad value throws SettingError. */
export class ResolvedSettings {
  private readonly values = new Map<string, ResolvedSetting>();

  constructor(
    readonly specs: readonly SettingSpec[],
    inputs: SettingInputs,
  ) {
    for (const spec of specs) {
      const { text, source, origin } = pick(spec, inputs);
      this.values.set(spec.name, { value: parseSetting(spec, text, origin), text, source, origin });
    }
  }

  get<T>(spec: SettingSpec<T>): T {
    return this.resolved(spec).value;
  }

  resolved<T>(spec: SettingSpec<T>): ResolvedSetting<T> {
    const r = this.values.get(spec.name);
    if (r === undefined) throw new Error(`setting ${spec.name} is not in this table`);
    return r as ResolvedSetting<T>;
  }
}

/** The spec `name` (a setting name or one of its environment names) stands for, if any. */
export function findSetting(specs: readonly SettingSpec[], name: string): SettingSpec | undefined {
  return specs.find((s) => s.name === name || s.env.includes(name));
}
