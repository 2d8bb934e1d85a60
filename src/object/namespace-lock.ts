/**
 * In-process reader/writer locks by name (bucket/key). Writers to one name run one at a time and
 * exclude readers; readers share. Waiters are served in arrival order, so writers do not starve.
 * Entries exist only while held or awaited, so the table stays as small as the work in flight.
 */
interface Entry {
  readers: number;
  writer: boolean;
  queue: { write: boolean; grant: () => void }[];
}

export type Release = () => void;

export class NamespaceLocks {
  private readonly table = new Map<string, Entry>();

  /** Held entries, for tests and metrics. */
  get size(): number {
    return this.table.size;
  }

  read(name: string): Promise<Release> {
    return this.acquire(name, false);
  }

  write(name: string): Promise<Release> {
    return this.acquire(name, true);
  }

  /** Runs `fn` holding the lock, releasing it however `fn` ends. */
  async with<T>(name: string, write: boolean, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(name, write);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private acquire(name: string, write: boolean): Promise<Release> {
    let e = this.table.get(name);
    if (!e) {
      e = { readers: 0, writer: false, queue: [] };
      this.table.set(name, e);
    }
    const entry = e;
    const release = this.releaser(name, entry, write);
    const free = write ? !entry.writer && entry.readers === 0 : !entry.writer;
    if (free && entry.queue.length === 0) {
      if (write) entry.writer = true;
      else entry.readers++;
      return Promise.resolve(release);
    }
    return new Promise((resolve) => {
      entry.queue.push({ write, grant: () => resolve(release) });
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
      const next = entry.queue[0] as Entry['queue'][number];
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
