/**
 * Keeps an overwritten or deleted version's data files alive while reads of it are in flight: the
 * delete runs when the last pin on that data id is released.
 */
export class DataPins {
  private readonly pins = new Map<string, { count: number; onFree: (() => void)[] }>();

  pin(dataId: string): () => void {
    let e = this.pins.get(dataId);
    if (!e) {
      e = { count: 0, onFree: [] };
      this.pins.set(dataId, e);
    }
    const entry = e;
    entry.count++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.count--;
      if (entry.count === 0) {
        this.pins.delete(dataId);
        for (const fn of entry.onFree) fn();
      }
    };
  }

  isPinned(dataId: string): boolean {
    return this.pins.has(dataId);
  }

  /** Runs `fn` now if `dataId` is not pinned, else when its last pin is released. */
  whenFree(dataId: string, fn: () => void): void {
    const e = this.pins.get(dataId);
    if (e) e.onFree.push(fn);
    else fn();
  }
}
