import type { MetaEntry, MetaOp, ScanOptions } from './drive.js';

/**
 * A drive's metadata index: named tables, each a sorted map of byte keys to byte values. Table
 * names are opaque (the object layer owns the schema); a table exists once a commit put a key in
 * it, and reads of a table that does not exist find nothing. Reads are synchronous: the index is
 * memory-mapped, and a promise per lookup would cost more than the lookup.
 */
export interface KeyValueIndex {
  get(table: string, key: Uint8Array): Buffer | undefined;
  /** Entries in key order from `scan.start`, at most `scan.limit` (a collapsed group counts as one). */
  scan(table: string, scan: ScanOptions): MetaEntry[];
  /**
   * Applies all ops in one atomic transaction; resolves once it is durable. Commits issued while
   * one is being written share the next transaction and its fsync (group commit).
   */
  commit(ops: readonly MetaOp[]): Promise<void>;
  /** Waits for commits in flight, then closes. */
  close(): Promise<void>;
}
