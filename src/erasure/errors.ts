/** Fewer drives than write quorum accepted a write. */
export class ErasureWriteQuorum extends Error {
  override name = 'ErasureWriteQuorum';
}

/** Fewer drives than read quorum returned good data (or agreed on a version). */
export class ErasureReadQuorum extends Error {
  override name = 'ErasureReadQuorum';
}

/** Write quorum was missed because drives ran out of space (ENOSPC, EDQUOT). */
export class ErasureDriveFull extends ErasureWriteQuorum {
  override name = 'ErasureDriveFull';
}

/** Whether a drive's error says its disk (or quota) is full. */
export function isNoSpace(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
