/**
 * Live request trace: subscribers (admin trace streams) see every completed request that passes
 * their filter, as one JSON line each. The hub subscribes to the server's completion event only
 * while it has a subscriber, so with nobody tracing requests pay nothing; with subscribers, a
 * request is formatted once, and only if some filter wants it.
 */
import type { ApiServer, RequestCompletion } from '../server.js';
import { traceRecord } from './trace-entry.js';

export interface TraceFilter {
  /** Trace S3 and admin API requests (madmin's `s3` type; the only type this server emits). */
  s3: boolean;
  /** Only answers with status ≥ 400 (madmin's `err`). */
  errorsOnly: boolean;
  /** Only requests that took at least this long (madmin's `threshold`). */
  thresholdMs: number;
  /** Only these API names (`PutObject`), when given. */
  apis?: ReadonlySet<string>;
  /** Only requests on this bucket, when given. */
  bucket?: string;
}

/** Where a subscriber's lines go: `offer` must not block and must bound what it holds. */
export interface TraceSink {
  offer(line: string): void;
}

export function traceWants(f: TraceFilter, c: RequestCompletion): boolean {
  if (!f.s3) return false;
  if (f.errorsOnly && c.status < 400) return false;
  if (c.durationMs < f.thresholdMs) return false;
  if (f.apis !== undefined && !f.apis.has(c.api)) return false;
  if (f.bucket !== undefined && c.bucket !== f.bucket) return false;
  return true;
}

export class TraceHub {
  private readonly subscribers = new Map<TraceSink, TraceFilter>();
  private unsubscribe: (() => void) | undefined;
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly server: ApiServer,
    private readonly nodeName: () => string,
  ) {}

  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Adds a subscriber; `close` is called if the hub shuts down (server stopping) so the stream can
   * end. Returns the function that removes it.
   */
  subscribe(filter: TraceFilter, sink: TraceSink, close: () => void): () => void {
    this.subscribers.set(sink, filter);
    this.closers.add(close);
    this.unsubscribe ??= this.server.onComplete((c) => this.publish(c));
    return () => {
      this.subscribers.delete(sink);
      this.closers.delete(close);
      if (this.subscribers.size === 0 && this.unsubscribe !== undefined) {
        this.unsubscribe();
        this.unsubscribe = undefined;
      }
    };
  }

  /** Ends every subscriber's stream (shutdown: a trace must not hold the server open). */
  close(): void {
    for (const close of [...this.closers]) close();
  }

  private publish(c: RequestCompletion): void {
    let line: string | undefined;
    for (const [sink, filter] of this.subscribers) {
      if (!traceWants(filter, c)) continue;
      line ??= `${JSON.stringify(traceRecord(c, this.nodeName()))}\n`;
      sink.offer(line);
    }
  }
}
