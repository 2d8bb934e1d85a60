/**
 * A pool of worker threads that hash data off the event loop, so the MD5 (ETag), checksum and
 * bitrot work of concurrent uploads runs on every core instead of serializing on one JS thread.
 *
 * A session (one object's running hashes) is pinned to one worker because MD5 is stateful and
 * its blocks must arrive in order; sessions spread over workers by load. Data is copied once into
 * a transferable buffer (never structured-cloned: cloning a Buffer view would copy its whole pool).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HashName, PoolReply, PoolRequest } from './hash-pool-protocol.js';

/** Bytes a session may have in flight to its worker before update() waits. */
const SESSION_WINDOW = 4 * 1024 * 1024;
/** Small chunks are gathered into one message of about this size. */
const BATCH_BYTES = 256 * 1024;

export interface HashSession {
  /** Queues data; resolves at once unless the worker is behind by more than a few MiB. */
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

class PoolWorker {
  readonly worker: Worker;
  sessions = 0;
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
  private roundRobin = 0;

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
    worker.acks.set(id, (bytes) => {
      inFlight -= bytes;
      if (waiter && inFlight <= SESSION_WINDOW) {
        const w = waiter;
        waiter = undefined;
        w();
      }
    });
    const flush = () => {
      if (batchBytes === 0) return;
      const chunks = batch;
      batch = [];
      inFlight += batchBytes;
      batchBytes = 0;
      worker.post(
        { op: 'update', id, chunks },
        chunks.map((c) => c.buffer as ArrayBuffer),
      );
    };
    const finish = () => {
      if (closed) return;
      closed = true;
      worker.sessions--;
      worker.acks.delete(id);
    };
    return {
      update(chunk) {
        if (closed) return Promise.reject(new Error('hash session is closed'));
        if (chunk.byteLength === 0) return Promise.resolve();
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
        const result = new Promise<Buffer[]>((resolve, reject) =>
          worker.pending.set(id, { resolve, reject }),
        );
        worker.post({ op: 'digest', id });
        finish();
        return result;
      },
      close() {
        if (closed) return;
        worker.post({ op: 'close', id });
        finish();
      },
    };
  }

  /** One-shot digests of each buffer (e.g. the bitrot hashes of one block's shards). */
  hashEach(hash: 'sha256' | 'md5', chunks: Uint8Array[]): Promise<Buffer[]> {
    const worker = this.workers[this.roundRobin++ % this.workers.length]!;
    const id = this.nextId++;
    const copies = chunks.map((c) => new Uint8Array(c));
    const result = new Promise<Buffer[]>((resolve, reject) => worker.pending.set(id, { resolve, reject }));
    worker.post(
      { op: 'each', id, hash, chunks: copies },
      copies.map((c) => c.buffer as ArrayBuffer),
    );
    return result;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
