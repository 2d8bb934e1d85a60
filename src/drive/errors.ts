/** The drives given to the server do not form a valid set (wrong deployment, reordered, duplicated, bad parity). */
export class StorageConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageConfigError';
  }
}

export type DriveErrorKind = 'FileNotFound' | 'FileCorrupt' | 'DriveOffline' | 'InvalidPath';

/** A failure of one drive operation; erasure code counts these against quorum. */
export class DriveError extends Error {
  constructor(
    readonly kind: DriveErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DriveError';
  }
}
