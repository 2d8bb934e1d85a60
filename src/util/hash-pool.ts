/**
 * A pool of worker threads that hash data off the event loop, so the MD5 (ETag), checksum and
 * bitrot work of concurrent uploads runs on every core instead of serializing on one JS thread.
 *
 * A session (one object's running hashes) is pinned to one worker because MD5 is stateful and
 * its blocks must arrive in order; sessions spread over workers by load. Data in shared memory
 * (a SharedArrayBuffer, e.g. the erasure encoder's block buffers) is hashed in place; other data
 * is copied once into a transferable buffer (never structured-cloned: cloning a Buffer view would
 * copy its whole pool).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HashName, OneShotHash, PoolReply, PoolRequest } from './hash-pool-protocol.js';

/** Bytes a session may have in flight to its worker before update() waits. */
const SESSION_WINDOW = 4 * 1024 * 1024;
/** Small chunks are gathered into one message of about this size. */
const BATCH_BYTES = 256 * 1024;

export interface HashSession {
  /**
   * Queues data. Copied data resolves at once unless the worker is behind by more than a few MiB;
   * data in shared memory is hashed in place, and the promise resolves once the worker is done with
   * it (the caller must leave those bytes unchanged until then).
   */
  update(chunk: Uint8Array): Promise<void>;
  /** Digests in the order the hashes were named when the session opened. */
  digest(): Promise<Buffer[]>;
  /** Drops the session (on abort); safe to call after digest(). */
  close(): void;
}

interface Pending {
  resolve(value: Buffer[]): void;
  reject(err: Error): void;
}

function isShared(chunk: Uint8Array): boolean {
  return chunk.buffer instanceof SharedArrayBuffer;
}

class PoolWorker {
  readonly worker: Worker;
  sessions = 0;
  /** Bytes sent and not yet answered: where the next one-shot job goes. */
  load = 0;
  readonly acks = new Map<number, (bytes: number) => void>();
  readonly pending = new Map<number, Pending>();

  constructor() {
    this.worker = new Worker(new URL('./hash-worker.js', import.meta.url));
    this.worker.unref();
    this.worker.on('message', (msg: PoolReply) => this.onReply(msg));
    this.worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  post(msg: PoolRequest, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  private onReply(msg: PoolReply): void {
    if (msg.op === 'ack') {
      this.load -= msg.bytes;
      this.acks.get(msg.id)?.(msg.bytes);
      return;
    }
    const pending = this.pending.get(msg.id);
    if (!pending) return;
    this.pending.delete(msg.id);
    if (msg.op === 'error') pending.reject(new Error(`hash worker: ${msg.message}`));
    else pending.resolve(msg.digests.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength)));
  }
}

export class HashPool {
  private readonly workers: PoolWorker[];
  private nextId = 1;

  constructor(size = Math.max(1, availableParallelism())) {
    this.workers = Array.from({ length: size }, () => new PoolWorker());
  }

  /** Opens a running hash of several algorithms over one stream of data. */
  session(hashes: HashName[]): HashSession {
    const worker = this.workers.reduce((a, b) => (b.sessions < a.sessions ? b : a));
    const id = this.nextId++;
    worker.sessions++;
    worker.post({ op: 'open', id, hashes });
    let inFlight = 0;
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    let waiter: (() => void) | undefined;
    let closed = false;
    // One entry per update message, in order (the worker acks in order): shared data resolves its
    // caller when acked.
    const sent: { bytes: number; done?: () => void }[] = [];
    let head = 0;
    worker.acks.set(id, (bytes) => {
      inFlight -= bytes;
      const entry = sent[head++];
      if (head === sent.length) {
        sent.length = 0;
        head = 0;
      }
      entry?.done?.();
      if (waiter && inFlight <= SESSION_WINDOW) {
        const w = waiter;
        waiter = undefined;
        w();
      }
    });
    const send = (chunks: Uint8Array[], bytes: number, transfer: ArrayBuffer[], done?: () => void) => {
      inFlight += bytes;
      worker.load += bytes;
      sent.push(done ? { bytes, done } : { bytes });
      worker.post({ op: 'update', id, chunks }, transfer);
    };
    const flush = () => {
      if (batchBytes === 0) return;
      const chunks = batch;
      const bytes = batchBytes;
      batch = [];
      batchBytes = 0;
      send(
        chunks,
        bytes,
        chunks.map((c) => c.buffer as ArrayBuffer),
      );
    };
    const finish = () => {
      if (closed) return;
      closed = true;
      worker.sessions--;
    };
    const forget = () => {
      worker.acks.delete(id);
      // A dropped session's data is hashed for nobody: release whoever still waits on it.
      for (let i = head; i < sent.length; i++) sent[i]?.done?.();
      sent.length = 0;
      head = 0;
    };
    return {
      update(chunk) {
        if (closed) return Promise.reject(new Error('hash session is closed'));
        if (chunk.byteLength === 0) return Promise.resolve();
        if (isShared(chunk)) {
          flush();
          return new Promise<void>((resolve) => send([chunk], chunk.byteLength, [], resolve));
        }
        batch.push(new Uint8Array(chunk)); // one copy, into a buffer we may transfer
        batchBytes += chunk.byteLength;
        if (batchBytes >= BATCH_BYTES) flush();
        if (inFlight <= SESSION_WINDOW) return Promise.resolve();
        return new Promise<void>((resolve) => {
          waiter = resolve;
        });
      },
      digest() {
        if (closed) return Promise.reject(new Error('hash session is closed'));
        flush();
        // Updates still in flight are acked before the digest (the worker answers in order).
        const result = new Promise<Buffer[]>((resolve, reject) =>
          worker.pending.set(id, {
            resolve: (d) => {
              forget();
              resolve(d);
            },
            reject: (err) => {
              forget();
              reject(err);
            },
          }),
        );
        worker.post({ op: 'digest', id });
        finish();
        return result;
      },
      close() {
        if (closed) return;
        worker.post({ op: 'close', id });
        finish();
        forget();
      },
    };
  }

  private leastLoaded(): PoolWorker {
    return this.workers.reduce((a, b) => (b.load < a.load ? b : a));
  }

  /**
   * One-shot digests of each buffer (e.g. the bitrot hashes of one block's shards), on the least
   * busy worker. Shared-memory buffers are hashed in place (leave them unchanged until this
   * resolves); others are copied.
   */
  hashEach(hash: OneShotHash, chunks: Uint8Array[]): Promise<Buffer[]> {
    const worker = this.leastLoaded();
    const id = this.nextId++;
    const copies = chunks.map((c) => (isShared(c) ? c : new Uint8Array(c)));
    const transfer = copies.flatMap((c) => (isShared(c) ? [] : [c.buffer as ArrayBuffer]));
    const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
    worker.load += bytes;
    const result = new Promise<Buffer[]>((resolve, reject) =>
      worker.pending.set(id, {
        resolve: (d) => {
          worker.load -= bytes;
          resolve(d);
        },
        reject,
      }),
    );
    worker.post({ op: 'each', id, hash, chunks: copies }, transfer);
    return result;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
