/**
 * Namespace locks by name (a bucket, or bucket/key), behind one interface so the object layer does
 * not care where they are kept: a table in this process today (local-locker.ts), quorum locks
 * across nodes in distributed mode. Every acquisition has a deadline, so a stuck holder (or, later,
 * an unreachable node) fails the waiter instead of hanging it.
 */

/** Gives the lock back; calling it again does nothing. */
export type Release = () => void;

export interface LockOptions {
  /** Give up (LockTimeout) when the lock is not granted within this many ms. */
  timeoutMs?: number;
  /** Give up when this aborts (the request went away); rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface Locker {
  /** Shared lock: readers of one name run together and exclude writers. */
  read(name: string, opts?: LockOptions): Promise<Release>;
  /** Exclusive lock: one writer per name, no readers meanwhile. */
  write(name: string, opts?: LockOptions): Promise<Release>;
}

/** The lock was not granted before its deadline. */
export class LockTimeout extends Error {
  override name = 'LockTimeout';

  constructor(
    readonly lockName: string,
    readonly timeoutMs: number,
  ) {
    super(`lock on ${lockName} not granted within ${timeoutMs} ms`);
  }
}

/** Runs `fn` holding `name` (exclusively when `write`), releasing it however `fn` ends. */
export async function withLock<T>(
  locker: Locker,
  name: string,
  write: boolean,
  fn: () => Promise<T>,
  opts?: LockOptions,
): Promise<T> {
  const release = await (write ? locker.write(name, opts) : locker.read(name, opts));
  try {
    return await fn();
  } finally {
    release();
  }
}
