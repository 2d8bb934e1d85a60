/**
 * The audit log: every S3 request and admin action, from the server's completion event, as a
 * MinIO-shaped audit entry POSTed to a webhook (MinIO's `audit_webhook` target). Entries go through
 * the `AuditQueue` (on disk with a queue directory) and are delivered in order, one POST per
 * `batchSize` entries, retried with backoff until the target answers 2xx: a target that is down
 * for an hour gets everything when it returns. Health probes are not audited (they are no one's
 * action, and a prober would fill the log).
 */
import type { Logger } from '../../util/logger.js';
import type { ApiServer, RequestCompletion } from '../server.js';
import { auditEntry } from './audit-entry.js';
import { AuditQueue } from './audit-queue.js';

export interface AuditWebhookConfig {
  endpoint: string;
  /** Sent as the Authorization header, exactly as given (`Bearer …`), as MinIO does. */
  authToken?: string;
  queueDir?: string;
  /** At most this many undelivered entries (MinIO's queue_size, default 100000). */
  queueSize: number;
  /** Entries per POST (MinIO's batch_size, default 1): one JSON object, or JSON lines. */
  batchSize: number;
  /** The longest wait between retries (MinIO's retry_interval, default 3 s). */
  retryIntervalMs: number;
  /** One POST's deadline (MinIO's http_timeout, default 5 s). */
  httpTimeoutMs: number;
}

const FIRST_RETRY_MS = 100;
const HEALTH_PATH = '/minio/health/';
const DROP_REPORT_MS = 10_000;

export class AuditLog {
  private readonly stopping = new AbortController();
  private sender: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private failing = false;
  private droppedReported = 0;
  private dropTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly config: AuditWebhookConfig,
    private readonly queue: AuditQueue,
    private readonly deploymentId: string,
    private readonly userAgent: string,
    private readonly log: Logger,
  ) {}

  /** Opens the queue (picking up what a previous run left), subscribes and starts delivering. */
  static async start(
    server: ApiServer,
    config: AuditWebhookConfig,
    opts: { deploymentId: string; version: string; log: Logger },
  ): Promise<AuditLog> {
    const queue = await AuditQueue.open({
      limit: config.queueSize,
      ...(config.queueDir !== undefined ? { dir: config.queueDir } : {}),
    });
    const audit = new AuditLog(config, queue, opts.deploymentId, `Cairn/${opts.version}`, opts.log);
    if (queue.pending > 0)
      opts.log.info('audit: entries left undelivered by the previous run are queued', {
        pending: queue.pending,
      });
    audit.unsubscribe = server.onComplete((c) => audit.record(c));
    audit.sender = audit.deliver().catch((err: unknown) => opts.log.error('audit delivery stopped', { err }));
    return audit;
  }

  /** Entries waiting for the target. */
  get pending(): number {
    return this.queue.pending;
  }

  /** Entries dropped because the queue was full. */
  get dropped(): number {
    return this.queue.dropped;
  }

  private record(c: RequestCompletion): void {
    if (c.path.startsWith(HEALTH_PATH)) return;
    if (!this.queue.append(JSON.stringify(auditEntry(c, this.deploymentId)))) this.reportDrops();
  }

  /** Drops are reported at most every 10 s, with the count so far. */
  private reportDrops(): void {
    if (this.dropTimer !== undefined) return;
    this.dropTimer = setTimeout(() => {
      this.dropTimer = undefined;
      const dropped = this.queue.dropped;
      this.log.warn('audit queue full: entries dropped', {
        dropped: dropped - this.droppedReported,
        droppedTotal: dropped,
        queueSize: this.config.queueSize,
      });
      this.droppedReported = dropped;
    }, DROP_REPORT_MS);
    this.dropTimer.unref();
  }

  /** Stops delivering and waits until every entry so far is in the queue (on disk, with a directory). */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.stopping.abort();
    await this.sender;
    await this.queue.settle();
    if (this.dropTimer !== undefined) clearTimeout(this.dropTimer);
  }

  private async deliver(): Promise<void> {
    const signal = this.stopping.signal;
    for (;;) {
      const segment = await this.queue.oldest(signal);
      if (segment === undefined) return;
      while (segment.sent < segment.lines.length) {
        const batch = segment.lines.slice(segment.sent, segment.sent + this.config.batchSize);
        if (!(await this.sendWithRetry(batch, signal))) return;
        segment.sent += batch.length;
      }
      await this.queue.ack(segment.seq);
    }
  }

  /** POSTs `batch` until the target takes it; false when stopped first. */
  private async sendWithRetry(batch: string[], signal: AbortSignal): Promise<boolean> {
    let delay = FIRST_RETRY_MS;
    for (;;) {
      if (signal.aborted) return false;
      try {
        await this.post(batch, signal);
        if (this.failing) {
          this.failing = false;
          this.log.info('audit webhook is reachable again; delivering queued entries', {
            pending: this.queue.pending,
          });
        }
        return true;
      } catch (err) {
        if (signal.aborted) return false;
        if (!this.failing) {
          this.failing = true;
          this.log.warn('audit webhook unreachable; entries are queued and retried', {
            endpoint: this.config.endpoint,
            error: err instanceof Error ? err.message : String(err),
            queueDir: this.config.queueDir,
          });
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
      delay = Math.min(delay * 2, this.config.retryIntervalMs);
    }
  }

  private async post(batch: string[], signal: AbortSignal): Promise<void> {
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      'x-minio-webhook-payload-count': String(batch.length),
    };
    // MinIO sends one entry as application/json and a batch as JSON lines without a type.
    if (batch.length === 1) headers['content-type'] = 'application/json';
    if (this.config.authToken !== undefined) headers.authorization = this.config.authToken;
    const res = await fetch(this.config.endpoint, {
      method: 'POST',
      headers,
      body: batch.length === 1 ? batch[0] : `${batch.join('\n')}\n`,
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.config.httpTimeoutMs)]),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status > 299)
      throw new Error(
        res.status === 403 ? `${res.status}: check the auth token` : `${res.status} ${res.statusText}`.trim(),
      );
  }
}
