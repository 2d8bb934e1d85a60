/** Fewer drives than write quorum accepted a write. */
export class ErasureWriteQuorum extends Error {
  override name = 'ErasureWriteQuorum';
}

/** Fewer drives than read quorum returned good data (or agreed on a version). */
export class ErasureReadQuorum extends Error {
  override name = 'ErasureReadQuorum';
}
