/**
 * Failed console logins per client address: past `maxFailures` in a sliding `windowMs`, further
 * attempts from that address are refused (429) until the oldest failure leaves the window, so a
 * password cannot be guessed at speed. Bounded: at most `maxClients` addresses are tracked.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
    private readonly maxClients = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `client` may try again; 0 when it may try now. */
  retryAfter(client: string): number {
    const times = this.recent(client);
    if (times.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil(((times[0] ?? 0) + this.windowMs - this.now()) / 1000));
  }

  /** Counts a failed attempt by `client`. */
  fail(client: string): void {
    const times = this.recent(client);
    if (!this.failures.has(client)) {
      // Oldest first out: Map keeps insertion order.
      if (this.failures.size >= this.maxClients) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
      this.failures.set(client, times);
    }
    times.push(this.now());
  }

  private recent(client: string): number[] {
    const times = this.failures.get(client);
    if (times === undefined) return [];
    const since = this.now() - this.windowMs;
    while (times.length > 0 && (times[0] ?? 0) <= since) times.shift();
    if (times.length === 0) this.failures.delete(client);
    return times;
  }
}
