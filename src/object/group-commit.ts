import type { MetaOp } from '../drive/drive.js';
import type { ErasureSet } from '../erasure/erasure-set.js';

interface Entry {
  /** The caller's ops per drive; undefined where it commits nothing. */
  ops: (MetaOp[] | undefined)[];
  resolve: (committed: boolean[]) => void;
}

/**
 * Set-wide group commit of metadata. Commits that arrive while a batch is being made durable wait,
 * then go to every drive together, as one transaction per drive: each drive fsyncs once per batch,
 * and the drives of the set stay in step. (With independent per-drive batches, each commit waits
 * for the slowest drive's cycle while the drives' cycles drift apart; measured on 4 drives at 32
 * concurrent PUTs, batches came out half the size of a single drive's.)
 *
 * Same contract as `ErasureSet.commit`: each caller's ops on one drive are applied atomically (they
 * sit inside that drive's batch transaction), in arrival order, and it resolves, once durable, to
 * which drives committed them. Callers hold the key's lock, so no two commits in a batch touch the
 * same object.
 */
export class GroupCommit {
  private queue: Entry[] = [];
  private running = false;

  constructor(private readonly set: ErasureSet) {}

  commit(opsFor: (drive: number) => MetaOp[] | undefined): Promise<boolean[]> {
    const ops = this.set.drives.map((_, d) => opsFor(d));
    return new Promise((resolve) => {
      this.queue.push({ ops, resolve });
      if (!this.running) this.run();
    });
  }

  private run(): void {
    this.running = true;
    const batch = this.queue;
    this.queue = [];
    const { drives } = this.set;
    Promise.all(
      drives.map(async (drive, d) => {
        if (!drive) return false;
        const ops: MetaOp[] = [];
        for (const e of batch) {
          const mine = e.ops[d];
          if (mine) for (const op of mine) ops.push(op);
        }
        try {
          await drive.metaCommit(ops);
          return true;
        } catch (err) {
          this.set.noteError(d, err);
          return false;
        }
      }),
    ).then((ok) => {
      for (const e of batch) e.resolve(ok.map((o, d) => o && e.ops[d] !== undefined));
      if (this.queue.length > 0) this.run();
      else this.running = false;
    });
  }
}
