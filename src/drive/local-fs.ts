import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Whether `err` is a system error with one of these codes (ENOENT, …). */
export function isErrno(err: unknown, ...codes: string[]): boolean {
  return err instanceof Error && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/** fsyncs a directory so entries created or renamed in it survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
