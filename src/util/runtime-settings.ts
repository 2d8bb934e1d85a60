/**
 * Dynamic settings while the server runs: `cairn admin config set` changes them, the change is
 * stored (one small system document) and applied at once through the listeners each setting's
 * owner registered, and a restart reads it back. As in MinIO, a value given by flag, environment
 * or config file wins over the stored one: setting such a key is stored but stays overridden until
 * that source is removed (the listing says so).
 */
import {
  parseSetting,
  type ResolvedSetting,
  SettingError,
  type SettingSource,
  type SettingSpec,
} from './settings.js';

/** Where the stored values live (ObjectLayer's system configuration fits). */
export interface SettingsDocumentStore {
  getSystemConfig(name: string): Promise<Buffer | undefined>;
  putSystemConfig(name: string, doc: Uint8Array): Promise<void>;
}

/** The system document holding the values set through the admin API. */
export const STORED_SETTINGS_DOCUMENT = 'config/settings.json';

export interface SettingState {
  key: string;
  /** The value in effect, as text ('' for none). */
  value: string;
  source: SettingSource;
  /** The flag, environment variable or file that set it, when one did. */
  origin?: string;
  /** The stored value, when one is stored (in effect unless an override is). */
  stored?: string;
  default: string;
  type: string;
  description: string;
}

type Listener = (value: unknown) => void;

export class RuntimeSettings {
  private readonly stored = new Map<string, string>();
  private readonly current = new Map<string, unknown>();
  private readonly listeners = new Map<string, Listener[]>();
  /** Changes are stored one after another, so the document never loses one. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `specs`: the dynamic settings; `startup(spec)`: what flags, environment, file or default gave
   * each at start.
   */
  private constructor(
    readonly specs: readonly SettingSpec[],
    private readonly startup: (spec: SettingSpec) => ResolvedSetting,
    private readonly store: SettingsDocumentStore,
  ) {}

  /** Reads the stored values; one that no longer parses (an older build's) is reported and ignored. */
  static async open(
    specs: readonly SettingSpec[],
    startup: (spec: SettingSpec) => ResolvedSetting,
    store: SettingsDocumentStore,
    log: (msg: string) => void,
  ): Promise<RuntimeSettings> {
    const rs = new RuntimeSettings(
      specs.filter((s) => s.dynamic),
      startup,
      store,
    );
    const doc = await store.getSystemConfig(STORED_SETTINGS_DOCUMENT);
    const saved = doc ? (JSON.parse(doc.toString('utf8')) as Record<string, string>) : {};
    for (const spec of rs.specs) {
      const text = saved[spec.name];
      if (typeof text !== 'string') continue;
      try {
        parseSetting(spec, text, 'stored');
        rs.stored.set(spec.name, text);
      } catch (err) {
        log(`ignoring the stored ${spec.name}: ${(err as Error).message}`);
      }
    }
    for (const spec of rs.specs) rs.current.set(spec.name, rs.effective(spec).value);
    return rs;
  }

  private spec(key: string): SettingSpec {
    const spec = this.specs.find((s) => s.name === key);
    if (spec === undefined) throw new SettingError(`${key} is not a dynamic setting`);
    return spec;
  }

  /** Pinned by a flag, the environment or the config file (those win, as MinIO's env does). */
  private pinned(spec: SettingSpec): ResolvedSetting | undefined {
    const s = this.startup(spec);
    return s.source === 'default' ? undefined : s;
  }

  private effective(spec: SettingSpec): { value: unknown; text: string } {
    const pin = this.pinned(spec);
    if (pin) return { value: pin.value, text: pin.text };
    const text = this.stored.get(spec.name);
    if (text !== undefined) return { value: parseSetting(spec, text, 'stored'), text };
    const start = this.startup(spec);
    return { value: start.value, text: start.text };
  }

  /** The value in effect. */
  get<T>(spec: SettingSpec<T>): T {
    return this.current.get(spec.name) as T;
  }

  /** Calls `fn` with the value now, and again whenever it changes. */
  onChange<T>(spec: SettingSpec<T>, fn: (value: T) => void): void {
    const list = this.listeners.get(spec.name) ?? [];
    list.push(fn as Listener);
    this.listeners.set(spec.name, list);
    fn(this.get(spec));
  }

  /** Every dynamic setting (or the one named `key`) with its value and where it comes from. */
  list(key?: string): SettingState[] {
    const specs = key === undefined ? this.specs : [this.spec(key)];
    return specs.map((spec) => {
      const pin = this.pinned(spec);
      const stored = this.stored.get(spec.name);
      const state: SettingState = {
        key: spec.name,
        value: spec.secret ? '' : this.effective(spec).text,
        source: pin ? pin.source : stored !== undefined ? 'stored' : 'default',
        default: spec.default,
        type: spec.type.label,
        description: spec.description,
      };
      if (pin) state.origin = pin.origin;
      if (stored !== undefined) state.stored = stored;
      return state;
    });
  }

  /**
   * Checks every value first (SettingError names the first bad one; nothing changes then), stores
   * them, then applies those no override pins. An empty value removes the stored one (back to the
   * default).
   */
  set(changes: ReadonlyMap<string, string>): Promise<SettingState[]> {
    const checked = [...changes].map(([key, text]) => {
      const spec = this.spec(key);
      if (text !== '') parseSetting(spec, text, 'cairn admin config set');
      return { spec, text };
    });
    const run = this.queue.then(async () => {
      const next = new Map(this.stored);
      for (const { spec, text } of checked) {
        if (text === '') next.delete(spec.name);
        else next.set(spec.name, text);
      }
      await this.store.putSystemConfig(
        STORED_SETTINGS_DOCUMENT,
        Buffer.from(JSON.stringify(Object.fromEntries(next))),
      );
      this.stored.clear();
      for (const [k, v] of next) this.stored.set(k, v);
      for (const { spec } of checked) this.apply(spec);
      return this.list().filter((s) => changes.has(s.key));
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private apply(spec: SettingSpec): void {
    const { value } = this.effective(spec);
    if (Object.is(value, this.current.get(spec.name))) return;
    this.current.set(spec.name, value);
    for (const fn of this.listeners.get(spec.name) ?? []) fn(value);
  }
}
