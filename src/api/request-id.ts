import { randomBytes } from 'node:crypto';

let lastSecond = -1;
let secondHex = '';
/** Starts at a random point so ids of restarted processes within one second still differ. */
let counter = randomBytes(4).readUInt32BE(0);

/**
 * A 16-hex-digit id in the shape MinIO and AWS use: the second (8 digits), then a per-process
 * counter (8 digits). Unique per process lifetime unless one second sees 2^32 requests; costs no
 * entropy or hashing per request.
 */
export function newRequestId(): string {
  const now = Math.floor(Date.now() / 1000) >>> 0;
  if (now !== lastSecond) {
    lastSecond = now;
    secondHex = now.toString(16).toUpperCase().padStart(8, '0');
  }
  counter = (counter + 1) >>> 0;
  return secondHex + counter.toString(16).toUpperCase().padStart(8, '0');
}
