import type { ErasureSet } from './erasure-set.js';
import { reopenDrive, type SetFormat } from './format.js';

/** How often the paths of offline drives are looked at again. */
export const RECONNECT_INTERVAL_MS = 5_000;

/**
 * Brings drives back into a running set: every few seconds each offline slot's path is inspected,
 * and a drive found there again (the same one, or an empty replacement, formatted for the slot)
 * is opened and put back. `onBack` is told so what the drive missed can be healed. A drive keeps
 * its slot empty while it is missing, unreadable or foreign.
 */
export class DriveReconnector {
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly set: ErasureSet,
    private readonly paths: readonly string[],
    private readonly format: SetFormat,
    private readonly onBack: (index: number, path: string, fresh: boolean) => void,
  ) {}

  start(intervalMs = RECONNECT_INTERVAL_MS): void {
    this.timer = setInterval(() => void this.probe(), intervalMs);
    this.timer.unref();
  }

  /** Stops probing; waits for a probe in flight (it closes what it opened after the stop). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.probing;
  }

  /** One pass over the offline slots (one at a time; a pass already running is joined). */
  probe(): Promise<void> {
    this.probing ??= this.probeOnce().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private async probeOnce(): Promise<void> {
    for (let i = 0; i < this.paths.length; i++) {
      if (this.stopped) return;
      if (this.set.drives[i] !== undefined) continue;
      const path = this.paths[i] as string;
      const back = await reopenDrive(path, this.format, i, this.set.stats[i]);
      if (!back) continue;
      if (this.stopped) {
        await back.drive.close().catch(() => {});
        return;
      }
      this.set.putBack(i, back.drive);
      this.onBack(i, path, back.fresh);
    }
  }
}
