/**
 * The versions of one key on every drive, and the one reads return: decided with the version rule
 * (version-pick.ts) on all drives, or on as few as can decide it.
 */
import type { ErasureSet, PerDrive } from '../erasure/erasure-set.js';
import { objectKey, TABLES } from './index-keys.js';
import { decodeRecord, type ObjectRecord } from './object-record.js';
import { pickVersion } from './version-pick.js';

/** The per-drive view of one object key, and the version quorum agreed on. */
export interface ObjectState {
  perDrive: (ObjectRecord | undefined)[];
  current?: ObjectRecord;
  /** Drives holding `current`. */
  agree: boolean[];
  /** Drives that answered the read (with a record or without one). */
  answered: number;
}

function tryDecode(value: Buffer): ObjectRecord | undefined {
  try {
    return decodeRecord(value);
  } catch {
    return undefined;
  }
}

/**
 * Each drive's record decoded (a record that does not decode counts as none); byte-identical values
 * (the usual case: every drive holds the same record) are decoded once and share the result, which
 * callers treat as read-only.
 */
function decodeRecords(answers: PerDrive<Buffer | undefined>): PerDrive<ObjectRecord | undefined> {
  let lastValue: Buffer | undefined;
  let lastRecord: ObjectRecord | undefined;
  return answers.map((a) => {
    if (!a.ok || !a.value) return a.ok ? { ok: true, value: undefined } : a;
    if (lastValue === undefined || !a.value.equals(lastValue)) {
      lastValue = a.value;
      lastRecord = tryDecode(a.value);
    }
    return { ok: true, value: lastRecord };
  });
}

/**
 * The version reads return among the drives' decoded records (`records[d]`, for the drives that
 * answered in `answers`), as a delete reads them before removing them; undefined when there is
 * none or it cannot be told.
 */
export function currentOf(
  answers: PerDrive<unknown>,
  records: readonly (ObjectRecord | undefined)[],
): ObjectRecord | undefined {
  try {
    return pickVersion(answers.map((a, d) => (a.ok ? { ok: true as const, value: records[d] } : a)))?.record;
  } catch {
    return undefined;
  }
}

const answerValue = <T>(a: PerDrive<T | undefined>[number]): T | undefined => (a.ok ? a.value : undefined);

/** The version read quorum agrees on among `answers`, and whether an online drive lacks it. */
function decided(
  answers: PerDrive<ObjectRecord | undefined>,
  set: ErasureSet,
): { current?: ObjectRecord; lagging: boolean } {
  const picked = pickVersion(answers);
  if (!picked) return { lagging: false };
  return { current: picked.record, lagging: picked.agree.some((a, d) => !a && set.drives[d] !== undefined) };
}

export class VersionState {
  /** Rotates the drives `read` asks first. */
  private readTurn = 0;

  constructor(private readonly set: ErasureSet) {}

  /** Reads one key's record from every drive and picks the version read quorum agrees on. */
  async state(bucketId: string, key: string): Promise<ObjectState> {
    const answers = decodeRecords(await this.set.readAll(TABLES.objects, objectKey(bucketId, key)));
    const perDrive = answers.map(answerValue);
    const answered = answers.filter((a) => a.ok).length;
    const picked = pickVersion(answers);
    if (!picked) return { perDrive, agree: perDrive.map(() => false), answered };
    return { perDrive, current: picked.record, agree: picked.agree, answered };
  }

  /**
   * The version a read returns — the one `state` picks — decided on as few drives as can:
   * `max(data, parity + 1)` of them (3 of 4 at EC 2+2), the rule listing follows. When those all
   * hold one identical record, it is on at least `data` drives, and any version on `data` drives
   * has a holder among them, so nothing newer can be readable elsewhere. Otherwise (a record
   * missing, a disagreement, a failed read) the other drives are read too and the version is
   * decided on all of them. The drives asked first rotate from call to call, so a drive that
   * missed writes is still read regularly and queued for healing. `lagging`: some drive read
   * does not hold the version.
   */
  async read(bucketId: string, key: string): Promise<{ current?: ObjectRecord; lagging: boolean }> {
    const { set } = this;
    const data = set.size - set.parity;
    const want = Math.max(data, set.parity + 1);
    const online = set.drives.flatMap((d, i) => (d ? [i] : []));
    if (online.length > want) {
      const from = this.readTurn++ % online.length;
      const ask = new Set([...online.slice(from), ...online.slice(0, from)].slice(0, want));
      const okey = objectKey(bucketId, key);
      const first = await set.each(async (d, i) =>
        ask.has(i) ? d.metaGet(TABLES.objects, okey) : undefined,
      );
      let same: Buffer | undefined;
      let agree = true;
      for (const i of ask) {
        const r = first[i];
        const v = r?.ok ? r.value : undefined;
        if (!v || (same !== undefined && !v.equals(same))) {
          agree = false;
          break;
        }
        same = v;
      }
      const rec = agree && same ? tryDecode(same) : undefined;
      if (rec && rec.layout.data === data) return { current: rec, lagging: false };
      // Undecided: read the rest and decide on every drive, as `state` does.
      const rest = await set.each(async (d, i) => (ask.has(i) ? undefined : d.metaGet(TABLES.objects, okey)));
      const all = rest.map((r, i) => (ask.has(i) ? (first[i] as typeof r) : r));
      return decided(decodeRecords(all), set);
    }
    return decided(decodeRecords(await set.readAll(TABLES.objects, objectKey(bucketId, key))), set);
  }
}
