/**
 * A token bucket shared by every connection of a process: one per direction. Streams ask for the
 * bytes they are about to send (or have just received) and are served strictly first come, first
 * served; a stream asks again for its next piece only after its previous one was granted, so each
 * waiting stream gets one piece per round and none can starve the others. Per-stream throttles (the
 * npm ones) cannot enforce a limit shared by all connections.
 *
 * Unlimited (rate 0), it holds no timer and callers skip it altogether. Limited, it holds one timer,
 * only while someone waits; a stream that goes away withdraws its ticket (`cancel`), so the timer
 * ends with the last waiter.
 */
import { performance } from 'node:perf_hooks';

/** A place in the queue, returned by `wait`; pass it to `cancel` when its stream goes away. */
export interface BandwidthTicket {
  /** Bytes still owed; `addToWaiting` raises it while the ticket waits. */
  bytes: number;
  /** Called once when the bytes are taken; undefined once granted or cancelled. */
  grant: (() => void) | undefined;
}

/** The smallest rate a limiter accepts: below it one piece of a transfer would take seconds. */
export const MIN_BANDWIDTH = 1024;

/** What a stream asks for at a time, so many streams share the rate in small, fair turns. */
export function quantumFor(bytesPerSecond: number): number {
  return Math.min(1024 * 1024, Math.max(16 * 1024, Math.floor(bytesPerSecond / 100)));
}

export class BandwidthLimiter {
  private rate = 0;
  /** The most the bucket holds: 50 ms of the rate, so an idle period gives only a short burst. */
  private capacity = 0;
  private tokens = 0;
  private refilledAt = 0;
  private queue: BandwidthTicket[] = [];
  private head = 0;
  /** Tickets in the queue that still wait (cancelled ones are skipped when they reach the head). */
  private live = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly onTimer = () => {
    this.timer = undefined;
    this.serve();
  };

  /** `bytesPerSecond` 0 means unlimited. */
  constructor(bytesPerSecond = 0) {
    this.setRate(bytesPerSecond);
  }

  get bytesPerSecond(): number {
    return this.rate;
  }

  /** False when unlimited: callers then pass bytes through without asking. */
  get limited(): boolean {
    return this.rate > 0;
  }

  /** How many bytes a stream should ask for at a time (see `quantumFor`). */
  get quantum(): number {
    return quantumFor(this.rate);
  }

  /** Streams waiting for their turn. */
  get waiting(): number {
    return this.live;
  }

  /**
   * Changes the rate from now on (0: unlimited, which grants every waiting stream at once). Takes
   * effect for every stream, including those waiting.
   */
  setRate(bytesPerSecond: number): void {
    if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) {
      throw new RangeError(
        `bandwidth must be a non-negative number of bytes per second, not ${bytesPerSecond}`,
      );
    }
    if (bytesPerSecond > 0 && bytesPerSecond < MIN_BANDWIDTH) {
      throw new RangeError(`bandwidth ${bytesPerSecond} B/s is below the minimum of ${MIN_BANDWIDTH} B/s`);
    }
    const now = performance.now();
    const wasLimited = this.rate > 0;
    if (wasLimited) this.refill(now);
    this.rate = bytesPerSecond;
    this.refilledAt = now;
    if (bytesPerSecond === 0) {
      this.capacity = 0;
      this.tokens = 0;
      this.releaseAll();
      return;
    }
    this.capacity = Math.max(this.quantum, bytesPerSecond / 20);
    // A fresh limit starts with a full bucket, as an idle one would have; a changed one keeps what
    // it had (debt included) up to the new capacity.
    this.tokens = wasLimited ? Math.min(this.tokens, this.capacity) : this.capacity;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.live > 0) this.serve();
  }

  /**
   * Takes `bytes` now when nobody waits and the bucket holds them; otherwise takes nothing and
   * returns false (then `wait`). Never waits, never allocates.
   */
  tryTake(bytes: number): boolean {
    if (this.rate === 0) return true;
    if (this.live > 0) return false;
    this.refill(performance.now());
    if (this.tokens < bytes) return false;
    this.tokens -= bytes;
    return true;
  }

  /**
   * Queues a request for `bytes` behind everyone waiting; `grant` is called (never synchronously)
   * once they are taken. A request larger than the bucket is granted when the bucket is full and
   * leaves it in debt, which later requests wait out, so the long-run rate holds for any size.
   */
  wait(bytes: number, grant: () => void): BandwidthTicket {
    // The time since the last demand was idle: it fills the bucket only up to its capacity.
    if (this.live === 0 && this.rate > 0) this.refill(performance.now());
    const ticket: BandwidthTicket = { bytes, grant };
    this.queue.push(ticket);
    this.live++;
    if (this.rate === 0) queueMicrotask(() => this.releaseAll());
    else if (this.timer === undefined) this.schedule();
    return ticket;
  }

  /** Adds bytes to a ticket that still waits (data that arrived while its stream was held). */
  addToWaiting(ticket: BandwidthTicket, bytes: number): void {
    if (ticket.grant !== undefined) ticket.bytes += bytes;
  }

  /** Withdraws a waiting ticket (its stream closed); a granted or cancelled one is left alone. */
  cancel(ticket: BandwidthTicket): void {
    if (ticket.grant === undefined) return;
    ticket.grant = undefined;
    this.live--;
    if (this.live === 0) this.reset();
  }

  /**
   * Adds what the rate gave since the last refill. An idle bucket fills up to `capacity`; while
   * streams wait, what a late timer (a busy event loop) would have granted is kept for them, up to
   * one second of the rate, so a stall delays transfers instead of lowering the rate they get.
   */
  private refill(now: number): void {
    const ceiling = this.live > 0 ? Math.max(this.capacity, this.rate) : this.capacity;
    this.tokens = Math.min(ceiling, this.tokens + ((now - this.refilledAt) * this.rate) / 1000);
    this.refilledAt = now;
  }

  /** Grants from the head of the queue while the bucket allows, then sleeps until it will again. */
  private serve(): void {
    if (this.rate === 0) {
      this.releaseAll();
      return;
    }
    this.refill(performance.now());
    while (this.head < this.queue.length) {
      const ticket = this.queue[this.head]!;
      const grant = ticket.grant;
      if (grant === undefined) {
        this.head++;
        continue;
      }
      if (this.tokens < Math.min(ticket.bytes, this.capacity)) break;
      this.tokens -= ticket.bytes;
      ticket.grant = undefined;
      this.head++;
      this.live--;
      // A grant usually queues the stream's next piece behind the others: the loop serves it in
      // its turn, and the rate rule (ask only for what was granted) keeps the loop finite.
      grant();
      if (this.rate === 0) return;
    }
    if (this.live === 0) {
      this.reset();
      return;
    }
    this.compact();
    // A grant that changed the rate has already served the queue and set the timer.
    if (this.timer === undefined) this.schedule();
  }

  /** Sets the timer for when the first waiting ticket can be granted. */
  private schedule(): void {
    this.refill(performance.now());
    const ticket = this.firstWaiting();
    if (ticket === undefined) return;
    const short = Math.min(ticket.bytes, this.capacity) - this.tokens;
    const ms = short <= 0 ? 0 : (short * 1000) / this.rate;
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(ms)));
  }

  private firstWaiting(): BandwidthTicket | undefined {
    while (this.head < this.queue.length) {
      const ticket = this.queue[this.head]!;
      if (ticket.grant !== undefined) return ticket;
      this.head++;
    }
    return undefined;
  }

  /** Grants everything queued, in order (the limit was lifted). */
  private releaseAll(): void {
    const queue = this.queue;
    const start = this.head;
    this.reset();
    for (let i = start; i < queue.length; i++) {
      const grant = queue[i]!.grant;
      if (grant === undefined) continue;
      queue[i]!.grant = undefined;
      grant();
    }
  }

  private reset(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.head = 0;
    this.live = 0;
  }

  /** Drops served entries from the front once they are most of the array. */
  private compact(): void {
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
