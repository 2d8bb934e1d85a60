/**
 * Small configuration documents in the `bucket-config` table of every drive, keyed by an owner id
 * and a name: a bucket's documents under its 16-hex-digit id, the deployment's own (IAM) under
 * SYSTEM_OWNER, an id no bucket can have. One rule for both: writes commit on write quorum (and are
 * taken back when they do not); reads decide on read quorum, repair drives that answered otherwise,
 * and are cached, since policies and identities are read on every request. This process is the
 * only writer today; in distributed mode a peer's write will invalidate the cache through a peer
 * event.
 */
import type { MetaOp } from '../drive/drive.js';
import type { PerDrive } from '../erasure/erasure-set.js';
import { agree } from '../erasure/quorum.js';
import { commitOnQuorum } from '../erasure/quorum-commit.js';
import { ObjectLayerError } from './errors.js';
import { bucketConfigKey, prefixEnd, TABLES } from './index-keys.js';
import { type LayerContext, translateError } from './layer-context.js';

const TABLE = TABLES.bucketConfig;

/**
 * The owner id of system documents. Bucket ids are lower-case hex, so no bucket's key range (a
 * prefix scan of its id) reaches these keys, and theirs reach no bucket's.
 */
export const SYSTEM_OWNER = 'system:';

/** Scan page size when listing: documents are few, pages keep one answer bounded. */
const PAGE = 1000;

function documentLockName(owner: string, name: string): string {
  return `\u0000c/${owner}/${name}`;
}

export class ConfigDocuments {
  /** `<owner><name>` → the document, or null when it is known to have none. */
  private readonly cache = new Map<string, Buffer | null>();

  constructor(private readonly ctx: LayerContext) {}

  /** The document read quorum of drives agree on (cached); undefined when there is none. */
  async get(owner: string, name: string): Promise<Buffer | undefined> {
    const id = owner + name;
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit ?? undefined;
    return this.ctx.lock(documentLockName(owner, name), false, async () => {
      const key = bucketConfigKey(owner, name);
      const value = await this.decide(key, await this.ctx.set.readAll(TABLE, key), name);
      // Set under the lock: a write that follows waits for it, so the cache never goes back in time.
      this.cache.set(id, value ?? null);
      return value;
    });
  }

  private getFresh(owner: string, name: string): Promise<Buffer | undefined> {
    this.cache.delete(owner + name);
    return this.get(owner, name);
  }

  /**
   * Stores `value` (or removes the document when null) on every drive under the document's write
   * lock; on fewer than write quorum, puts back what each drive held and throws WriteQuorum. `what`
   * names the document in errors.
   */
  async write(owner: string, name: string, value: Buffer | null, what: string): Promise<void> {
    const key = bucketConfigKey(owner, name);
    const op: MetaOp = value ? { op: 'put', table: TABLE, key, value } : { op: 'del', table: TABLE, key };
    await this.ctx.lock(documentLockName(owner, name), true, async () => {
      const before = await this.ctx.set.readAll(TABLE, key);
      try {
        await commitOnQuorum(
          this.ctx.set,
          before.map((prev) => {
            if (!prev.ok) return undefined;
            const undo: MetaOp = prev.value
              ? { op: 'put', table: TABLE, key, value: prev.value }
              : { op: 'del', table: TABLE, key };
            return { apply: [op], undo: [undo] };
          }),
          this.ctx.metaWriteQuorum,
          what,
        );
      } catch (err) {
        // The drives that failed may or may not hold the write: decide afresh on the next read.
        this.cache.delete(owner + name);
        throw translateError(err);
      }
      this.cache.set(owner + name, value);
    });
  }

  /**
   * The documents of `owner` whose names start with `prefix`, as read quorum of drives agree on
   * them (each decided as `get` decides one), sorted by name. Drives are scanned page by page to
   * the end of the range.
   */
  async list(owner: string, prefix: string): Promise<Map<string, Buffer>> {
    const start = bucketConfigKey(owner, prefix);
    const end = prefixEnd(start);
    const perDrive = await this.ctx.set.each(async (d) => {
      const found = new Map<string, Buffer>();
      let from: Uint8Array = start;
      let exclusive = false;
      for (;;) {
        const page = await d.metaScan(TABLE, {
          start: from,
          startExclusive: exclusive,
          ...(end ? { end } : {}),
          limit: PAGE,
        });
        for (const e of page) found.set(e.key.toString('utf8'), e.value);
        const last = page[page.length - 1];
        if (page.length < PAGE || !last) return found;
        from = last.key;
        exclusive = true;
      }
    });
    const keys = new Set<string>();
    for (const r of perDrive) if (r.ok) for (const k of r.value.keys()) keys.add(k);
    const out = new Map<string, Buffer>();
    for (const k of [...keys].sort()) {
      const name = k.slice(owner.length);
      const answers: PerDrive<Buffer | undefined> = perDrive.map((r) =>
        r.ok ? { ok: true, value: r.value.get(k) } : r,
      );
      const agreed = agree(answers, {
        quorum: this.ctx.metaReadQuorum,
        identity: (v) => v.toString('base64'),
      });
      // Every answering drive holds the same document: decided. Otherwise decide (and repair) under
      // the document's lock, as a get does, so a repair never races a write.
      const unanimous = agreed.kind === 'held' && answers.every((a, d) => !a.ok || agreed.holders[d]);
      const value = unanimous ? agreed.value : await this.getFresh(owner, name);
      if (value) out.set(name, value);
    }
    return out;
  }

  /**
   * Ops that remove every document of `owner` from drive `d` (a bucket's delete commits them with
   * its record), found by a scan of its id's range.
   */
  async dropAllOps(owner: string): Promise<(MetaOp[] | undefined)[]> {
    for (const id of this.cache.keys()) if (id.startsWith(owner)) this.cache.delete(id);
    const start = Buffer.from(owner, 'utf8');
    const end = prefixEnd(start) as Buffer;
    const scans = await this.ctx.set.each((d) => d.metaScan(TABLE, { start, end, limit: 1000 }));
    return scans.map((s) =>
      s.ok ? s.value.map((e): MetaOp => ({ op: 'del', table: TABLE, key: e.key })) : undefined,
    );
  }

  /**
   * What the drives' answers for `key` agree on: the document read quorum of drives hold, or
   * undefined when they agree there is none. Drives that answered otherwise (back from being away,
   * or replaced) are brought in line; too few answers to decide is ReadQuorum.
   */
  private async decide(
    key: Buffer,
    answers: PerDrive<Buffer | undefined>,
    name: string,
  ): Promise<Buffer | undefined> {
    const agreed = agree(answers, { quorum: this.ctx.metaReadQuorum, identity: (v) => v.toString('base64') });
    if (agreed.kind === 'held') {
      const { value, holders } = agreed;
      if (answers.some((a, d) => a.ok && !holders[d]))
        await this.ctx.set.commit(
          answers.map((a, d) =>
            a.ok && !holders[d] ? [{ op: 'put', table: TABLE, key, value }] : undefined,
          ),
        );
      return value;
    }
    if (agreed.kind === 'absent') {
      const { holders } = agreed;
      if (holders.some(Boolean))
        await this.ctx.set.commit(holders.map((h) => (h ? [{ op: 'del', table: TABLE, key }] : undefined)));
      return undefined;
    }
    throw new ObjectLayerError(
      'ReadQuorum',
      `the ${name} configuration is on ${agreed.best} drives, ${agreed.answered} answered`,
    );
  }
}
