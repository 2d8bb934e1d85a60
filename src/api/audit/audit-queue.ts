/**
 * The audit entries not yet delivered, in order. Requests only append to a memory buffer; the
 * buffer is written out as one segment per flush (under load many entries per segment, so the disk
 * sees one write and fsync per batch, never one per request). With a directory, a segment is a
 * file written atomically (temp file, fsync, rename, directory fsync) and removed only once every
 * entry in it was delivered, so entries survive a target that is down and a restart of the server
 * (delivery is at least once: a segment cut short by a crash is sent again whole). Without a
 * directory, segments live in memory. Either way at most `limit` entries wait; past that new
 * entries are dropped and counted, as MinIO's queue store refuses new events when full.
 */
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface QueueOptions {
  /** Keep undelivered entries here (MinIO's queue_dir); absent: in memory only. */
  dir?: string;
  /** At most this many undelivered entries (MinIO's queue_size). */
  limit: number;
}

export interface Segment {
  seq: number;
  lines: string[];
  /** Entries of this segment already delivered (within this process's life). */
  sent: number;
}

interface Held {
  seq: number;
  count: number;
  /** In memory mode, the entries; on disk they are read back when the segment is sent. */
  lines?: string[];
}

const SEGMENT = /^(\d{16})\.jsonl$/;

function segmentName(seq: number): string {
  return `${String(seq).padStart(16, '0')}.jsonl`;
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class AuditQueue {
  private buffer: string[] = [];
  private readonly held: Held[] = [];
  private count = 0;
  private nextSeq = 1;
  private flushing: Promise<void> | undefined;
  private waiter: (() => void) | undefined;
  private current: Segment | undefined;
  /** Entries refused because the queue was full. */
  dropped = 0;
  /** The last write failure of a segment (its entries are then kept in memory). */
  writeError: unknown;

  private constructor(private readonly opts: QueueOptions) {}

  /** Opens the queue; with a directory, picks up the segments a previous run left undelivered. */
  static async open(opts: QueueOptions): Promise<AuditQueue> {
    const q = new AuditQueue(opts);
    if (opts.dir === undefined) return q;
    await mkdir(opts.dir, { recursive: true });
    const names = (await readdir(opts.dir)).sort();
    for (const name of names) {
      const m = SEGMENT.exec(name);
      if (m === null) {
        // A temp file from a write cut short: its entries were never acknowledged as queued.
        if (name.startsWith('.tmp-')) await rm(join(opts.dir, name), { force: true });
        continue;
      }
      const seq = Number(m[1]);
      const text = await readFile(join(opts.dir, name), 'utf8');
      const count = text.split('\n').filter((l) => l !== '').length;
      q.held.push({ seq, count });
      q.count += count;
      q.nextSeq = seq + 1;
    }
    return q;
  }

  /** Entries waiting (buffered, or in segments not yet delivered). */
  get pending(): number {
    return this.count;
  }

  /** Queues one entry (a JSON text); false when the queue is full and it was dropped. */
  append(line: string): boolean {
    if (this.count >= this.opts.limit) {
      this.dropped++;
      return false;
    }
    this.buffer.push(line);
    this.count++;
    this.scheduleFlush();
    return true;
  }

  /**
   * Starts a flush on the next turn of the event loop, so entries of requests that complete in the
   * same turn share a segment (and one fsync).
   */
  private scheduleFlush(): void {
    if (this.flushing !== undefined) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = undefined;
        if (this.buffer.length > 0) this.scheduleFlush();
      });
  }

  /** Waits until everything appended so far is in a segment (on disk, with a directory). */
  async settle(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
  }

  /**
   * The oldest undelivered segment, waiting for one when there is none; undefined once `signal`
   * aborts. The same segment is returned until it is acknowledged.
   */
  async oldest(signal: AbortSignal): Promise<Segment | undefined> {
    if (this.current !== undefined) return this.current;
    while (this.held.length === 0) {
      if (signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          this.waiter = undefined;
          resolve();
        };
        this.waiter = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    const head = this.held[0] as Held;
    const lines =
      head.lines ??
      (await readFile(join(this.opts.dir as string, segmentName(head.seq)), 'utf8'))
        .split('\n')
        .filter((l) => l !== '');
    this.current = { seq: head.seq, lines, sent: 0 };
    return this.current;
  }

  /** The oldest segment was delivered: forget it (and remove its file). */
  async ack(seq: number): Promise<void> {
    const head = this.held[0];
    if (head === undefined || head.seq !== seq) throw new Error(`audit queue: ack of ${seq} out of order`);
    if (head.lines === undefined) await rm(join(this.opts.dir as string, segmentName(seq)), { force: true });
    this.held.shift();
    this.count -= head.count;
    this.current = undefined;
  }

  private async flush(): Promise<void> {
    while (this.buffer.length > 0) {
      const lines = this.buffer;
      this.buffer = [];
      const seq = this.nextSeq++;
      let held: Held = { seq, count: lines.length, lines };
      if (this.opts.dir !== undefined) {
        try {
          await this.write(seq, lines);
          held = { seq, count: lines.length };
        } catch (err) {
          // A full or failing disk must not lose what is already in memory: keep it there.
          this.writeError = err;
        }
      }
      this.held.push(held);
      this.waiter?.();
    }
  }

  private async write(seq: number, lines: string[]): Promise<void> {
    const dir = this.opts.dir as string;
    const tmp = join(dir, `.tmp-${segmentName(seq)}`);
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(`${lines.join('\n')}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(dir, segmentName(seq)));
    await fsyncPath(dir);
  }
}
