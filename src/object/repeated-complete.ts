/**
 * A CompleteMultipartUpload of an upload that was already completed. Clients whose first Complete
 * answer was lost (a timeout, a dropped connection) send it again, and the AWS SDKs do so on their
 * own; S3 answers such a retry with the first result for a while after the completion, instead of
 * NoSuchUpload for an object that exists. The version's record remembers the upload that made it
 * (`ObjectRecord.upload`), so the retry is answered from the key's current version: this survives
 * restarts, costs nothing on PUT or GET, and turns into NoSuchUpload by itself once the object is
 * replaced or deleted.
 */

import { ObjectLayerError } from './errors.js';
import { verifySentChecksum } from './multipart-checksum.js';
import type {
  ChecksumAlgorithm,
  ChecksumType,
  CompleteMultipartOptions,
  CompletePart,
  StoredChecksum,
} from './object-layer.js';
import type { ObjectRecord } from './object-record.js';
import { stripEtag } from './put-checks.js';

/**
 * How long after its completion an upload id still answers a repeated Complete. S3 bounds it
 * without documenting how long (its Glacier API documents the same idempotency "within a short
 * period"); a retry comes seconds to minutes after the first attempt, and a day also covers a
 * client that resumes a saved upload after a crash.
 */
export const REPEAT_COMPLETE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Whether `parts` is the list the version was completed from: the same numbers and ETags, in order. */
function sameParts(rec: ObjectRecord, parts: CompletePart[]): boolean {
  if (parts.length !== rec.parts.length) return false;
  return parts.every((p, i) => {
    const stored = rec.parts[i];
    if (!stored || stored.n !== p.partNumber || stored.etag !== stripEtag(p.etag)) return false;
    return p.checksum === undefined || stored.checksum === undefined || p.checksum === stored.checksum;
  });
}

/**
 * The answer to a Complete of `uploadId`, whose upload record is gone, given the key's current
 * version: that version and the checksum its completion answered, when the version was completed
 * from that upload and the same part list less than REPEAT_COMPLETE_WINDOW_MS ago. A checksum or
 * checksum type sent again is checked as the first Complete checked it; write conditions are not
 * (the first Complete met them, and S3 answers the retry even with If-None-Match: *). Otherwise
 * NoSuchUpload: the upload was aborted, never existed, or its object was since replaced or deleted.
 */
export function repeatedCompletion(
  current: ObjectRecord | undefined,
  opts: CompleteMultipartOptions,
  now = Date.now(),
): { rec: ObjectRecord; checksum: StoredChecksum | undefined } {
  const { uploadId, parts } = opts;
  const origin = current?.upload;
  if (
    !current ||
    !origin ||
    origin.id !== uploadId ||
    now - current.mtime >= REPEAT_COMPLETE_WINDOW_MS ||
    !sameParts(current, parts)
  )
    throw new ObjectLayerError('NoSuchUpload', `upload ${uploadId} does not exist`);
  const checksum = (current.checksum ?? origin.reported) as StoredChecksum | undefined;
  verifySentChecksum(
    { algorithm: origin.algorithm as ChecksumAlgorithm, type: origin.type as ChecksumType },
    checksum,
    opts,
  );
  return { rec: current, checksum };
}
