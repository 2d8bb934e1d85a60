/** Objects that reads found damaged or stale on some drives, waiting for the healer. */

export interface HealEntry {
  bucket: string;
  key: string;
  /** Drives found holding an unusable shard (others are found by comparing records). */
  drives: number[];
}

export class HealQueue {
  readonly entries = new Map<string, HealEntry>();
  /** Told when an entry is added (the healer starts working). */
  onAdded: (() => void) | undefined;

  get size(): number {
    return this.entries.size;
  }

  /** Queues a heal of the key; `damagedDrive` names a drive whose shard was found unusable. */
  add(bucket: string, key: string, damagedDrive?: number): void {
    const id = `${bucket}/${key}`;
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { bucket, key, drives: [] };
      this.entries.set(id, entry);
    }
    if (damagedDrive !== undefined && !entry.drives.includes(damagedDrive)) entry.drives.push(damagedDrive);
    this.onAdded?.();
  }
}
