/** Collects per-operation latencies (ms) in one growable typed array; no per-op allocation. */
export class LatencyRecorder {
  private values = new Float64Array(4096);
  private n = 0;

  add(ms: number): void {
    if (this.n === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.n++] = ms;
  }

  get count(): number {
    return this.n;
  }

  /** Percentiles (0–100) by nearest rank; NaN when nothing was recorded. */
  percentiles(...ps: number[]): number[] {
    const sorted = this.values.slice(0, this.n).sort();
    return ps.map((p) => {
      if (this.n === 0) return Number.NaN;
      const rank = Math.min(this.n - 1, Math.max(0, Math.ceil((p / 100) * this.n) - 1));
      return sorted[rank] ?? Number.NaN;
    });
  }
}
