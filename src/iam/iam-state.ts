/**
 * IAM's state in memory, loaded from the system configuration store at start and written through:
 * every change is committed to the store (write quorum) before memory shows it. Changes run one at
 * a time, so two admin requests never interleave their reads and writes. `generation` grows with
 * every change; the authorizer's per-identity caches key on it.
 */
import type { ObjectLayer } from '../object/object-layer.js';
import {
  decodeRecord,
  encodeRecord,
  type GroupRecord,
  IAM_PREFIX,
  type PolicyRecord,
  type ServiceAccountRecord,
  type UserRecord,
} from './iam-records.js';

export type IamTable = keyof typeof IAM_PREFIX;

interface Tables {
  users: Map<string, UserRecord>;
  groups: Map<string, GroupRecord>;
  policies: Map<string, PolicyRecord>;
  serviceAccounts: Map<string, ServiceAccountRecord>;
}

type RecordOf<K extends IamTable> = Tables[K] extends Map<string, infer R> ? R & object : never;

export class IamState {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly policies = new Map<string, PolicyRecord>();
  readonly serviceAccounts = new Map<string, ServiceAccountRecord>();
  /** Bumped after every change that can alter someone's rights or credentials. */
  generation = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly objects: ObjectLayer) {}

  /** Reads every IAM document (read quorum) into memory. */
  async load(): Promise<void> {
    for (const table of Object.keys(IAM_PREFIX) as IamTable[]) {
      const prefix = IAM_PREFIX[table];
      const docs = await this.objects.listSystemConfig(prefix);
      const map = this.table(table) as Map<string, unknown>;
      map.clear();
      for (const [name, doc] of docs) map.set(name.slice(prefix.length), decodeRecord(doc));
    }
    this.generation++;
  }

  /** Runs `fn` after every change queued before it has finished (one change at a time). */
  change<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Commits the record (or its removal, when undefined), then shows it in memory. */
  async save<K extends IamTable>(table: K, name: string, rec: RecordOf<K> | undefined): Promise<void> {
    const doc = IAM_PREFIX[table] + name;
    const map = this.table(table) as Map<string, unknown>;
    if (rec === undefined) {
      await this.objects.deleteSystemConfig(doc);
      map.delete(name);
    } else {
      await this.objects.putSystemConfig(doc, encodeRecord(rec));
      map.set(name, rec);
    }
    this.generation++;
  }

  private table(t: IamTable): Tables[IamTable] {
    return this[t];
  }
}

export function now(): string {
  return new Date().toISOString();
}
