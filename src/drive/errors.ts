/** The drives given to the server do not form a valid set (wrong deployment, reordered, duplicated, bad parity). */
export class StorageConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageConfigError';
  }
}

/** A drive endpoint this build cannot open (a remote drive: those come with distributed mode). */
export class UnsupportedDriveEndpoint extends StorageConfigError {
  constructor(readonly endpoint: string) {
    super(
      `drive ${endpoint}: remote drives (http:// and https:// endpoints) need distributed mode, which is not implemented yet`,
    );
    this.name = 'UnsupportedDriveEndpoint';
  }
}

/**
 * - FileNotFound: the file or directory asked for is not there.
 * - DriveOffline: the drive is gone (removed, replaced, unmounted); it stays offline.
 * - InvalidPath: an id, file or table name that could escape the drive or is malformed.
 * - NotMounted: an index or data call before `mount` (or after `close`).
 * - Timeout: the call did not finish within its deadline; the drive stays in use.
 */
export type DriveErrorKind = 'FileNotFound' | 'DriveOffline' | 'InvalidPath' | 'NotMounted' | 'Timeout';

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
