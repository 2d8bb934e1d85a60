import { isAbsolute } from 'node:path';
import { StorageConfigError, UnsupportedDriveEndpoint } from './errors.js';
import { LocalDrive } from './local-drive.js';
import { MonitoredDrive, type MonitorOptions } from './monitored-drive.js';

export type OpenDriveOptions = Omit<MonitorOptions, 'immediate'>;

/**
 * The drive at `endpoint`, ready to probe and mount, under liveness monitoring (monitored-drive.ts).
 * An absolute path is a local directory; nothing on disk is touched until it is used. A remote
 * endpoint (`http://host/path`, `https://…`) throws UnsupportedDriveEndpoint until distributed mode
 * exists; anything else throws StorageConfigError.
 */
export function openDrive(endpoint: string, opts: OpenDriveOptions = {}): MonitoredDrive {
  if (/^https?:\/\//i.test(endpoint)) throw new UnsupportedDriveEndpoint(endpoint);
  if (!isAbsolute(endpoint)) throw new StorageConfigError(`drive ${endpoint}: path must be absolute`);
  const local = new LocalDrive(endpoint);
  return new MonitoredDrive(local, { ...opts, immediate: local });
}
