/**
 * The in-process Locker: reader/writer locks by name in a table. Writers to one name run one at a
 * time and exclude readers; readers share. Waiters are served in arrival order, so writers do not
 * starve. Entries exist only while held or awaited, so the table stays as small as the work in flight.
 */
import { type Locker, type LockOptions, LockTimeout, type Release } from './locker.js';

interface Waiter {
  write: boolean;
  grant: () => void;
}

interface Entry {
  readers: number;
  writer: boolean;
  queue: Waiter[];
}

export class LocalLocker implements Locker {
  private readonly table = new Map<string, Entry>();

  /** Names held or awaited, for tests and metrics. */
  get size(): number {
    return this.table.size;
  }

  read(name: string, opts?: LockOptions): Promise<Release> {
    return this.acquire(name, false, opts);
  }

  write(name: string, opts?: LockOptions): Promise<Release> {
    return this.acquire(name, true, opts);
  }

  private acquire(name: string, write: boolean, opts: LockOptions = {}): Promise<Release> {
    if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
    let e = this.table.get(name);
    if (!e) {
      e = { readers: 0, writer: false, queue: [] };
      this.table.set(name, e);
    }
    const entry = e;
    const free = write ? !entry.writer && entry.readers === 0 : !entry.writer;
    if (free && entry.queue.length === 0) {
      if (write) entry.writer = true;
      else entry.readers++;
      return Promise.resolve(this.releaser(name, entry, write));
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const { signal, timeoutMs } = opts;
      const onAbort = () => giveUp(signal?.reason);
      const settle = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        write,
        grant: () => {
          settle();
          resolve(this.releaser(name, entry, write));
        },
      };
      // A waiter that gives up leaves the queue; readers behind a writer that gave up may now run.
      const giveUp = (reason: unknown) => {
        settle();
        const at = entry.queue.indexOf(waiter);
        if (at >= 0) entry.queue.splice(at, 1);
        this.drain(name, entry);
        reject(reason);
      };
      if (timeoutMs !== undefined)
        timer = setTimeout(() => giveUp(new LockTimeout(name, timeoutMs)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.queue.push(waiter);
    });
  }

  private releaser(name: string, entry: Entry, write: boolean): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (write) entry.writer = false;
      else entry.readers--;
      this.drain(name, entry);
    };
  }

  private drain(name: string, entry: Entry): void {
    while (entry.queue.length > 0) {
      const next = entry.queue[0] as Waiter;
      if (next.write) {
        if (entry.writer || entry.readers > 0) return;
        entry.queue.shift();
        entry.writer = true;
        next.grant();
        return;
      }
      if (entry.writer) return;
      entry.queue.shift();
      entry.readers++;
      next.grant();
    }
    if (!entry.writer && entry.readers === 0) this.table.delete(name);
  }
}
