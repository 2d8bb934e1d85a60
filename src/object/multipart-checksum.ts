/**
 * The object-level checksum of a completed multipart upload, from what each part stored: a
 * FULL_OBJECT CRC folded from the part CRCs and sizes, a COMPOSITE checksum of the part digests, or
 * for uploads created without an algorithm the CRC64NVME S3 reports by default.
 */
import { compositeChecksum } from '../util/checksum.js';
import { combineCrcs, isCombinableCrc } from '../util/crc-combine.js';
import { ObjectLayerError } from './errors.js';
import type {
  ChecksumAlgorithm,
  ChecksumType,
  CompleteMultipartOptions,
  StoredChecksum,
} from './object-layer.js';

/**
 * The algorithm S3 reports for an upload created without one. Its per-part CRCs cost a second
 * hash pass over parts that carry another checksum (~0.5 GB/s per core for CRC64NVME).
 */
export const DEFAULT_ALGORITHM = 'CRC64NVME';

/** What completion needs of each chosen part, in part order. */
export interface PartChecksums {
  n: number;
  size: number;
  /** base64 checksum in the upload's algorithm (or, without one, the client's). */
  checksum?: string;
  /** base64 CRC64NVME, kept for uploads created without an algorithm. */
  crc64nvme?: string;
}

/** How an upload was created: its checksum algorithm and type, both absent when created without. */
export interface UploadChecksumMode {
  algorithm?: ChecksumAlgorithm | undefined;
  type?: ChecksumType | undefined;
}

/**
 * The stored checksum of a completed upload created with `algorithm`: the whole-object CRC folded
 * from the part CRCs (FULL_OBJECT), or the checksum of the part digests (COMPOSITE). Undefined
 * when a part has none (parts written before they were kept).
 */
export function objectChecksum(
  algorithm: ChecksumAlgorithm,
  type: ChecksumType,
  chosen: PartChecksums[],
): StoredChecksum | undefined {
  // Every part of an upload with an algorithm is hashed with it on the way in.
  if (chosen.some((s) => s.checksum === undefined)) return undefined;
  const digests = chosen.map((s) => Buffer.from(s.checksum as string, 'base64'));
  if (type === 'FULL_OBJECT') {
    if (!isCombinableCrc(algorithm))
      throw new ObjectLayerError('InvalidArgument', `${algorithm} cannot be a full-object checksum`);
    const value = combineCrcs(
      algorithm,
      chosen.map((s, i) => ({ crc: digests[i] as Buffer, size: s.size })),
    ).toString('base64');
    return { algorithm, value, type };
  }
  return { algorithm, value: compositeChecksum(algorithm, digests), type };
}

/**
 * For an upload created without an algorithm, S3 reports a CRC64NVME full-object checksum on
 * completion without keeping it with the object. It is combined from the CRC64NVME every part got
 * on the way in; parts from before those were kept leave it unreported.
 */
export function defaultChecksum(chosen: PartChecksums[]): StoredChecksum | undefined {
  if (chosen.some((s) => s.crc64nvme === undefined)) return undefined;
  const value = combineCrcs(
    DEFAULT_ALGORITHM,
    chosen.map((s) => ({ crc: Buffer.from(s.crc64nvme as string, 'base64'), size: s.size })),
  ).toString('base64');
  return { algorithm: DEFAULT_ALGORITHM, value, type: 'FULL_OBJECT' };
}

/**
 * Checks what CompleteMultipartUpload sent against the upload's checksum mode and the checksum the
 * parts give (`result`), as S3 answers: an x-amz-checksum-type other than the upload's is
 * InvalidRequest (any type, for an upload created without an algorithm); a whole-object value in
 * another algorithm, or one that differs, is BadDigest. A COMPOSITE value may be sent with or
 * without its `-N` part count. For an upload created without an algorithm only a CRC64NVME value
 * can be verified; any other is refused rather than accepted unchecked.
 */
export function verifySentChecksum(
  mode: UploadChecksumMode,
  result: StoredChecksum | undefined,
  opts: CompleteMultipartOptions,
): void {
  if (opts.checksumType !== undefined && opts.checksumType !== mode.type)
    throw new ObjectLayerError(
      'InvalidRequest',
      `The upload was created using the ${mode.type ?? 'null'} checksum mode. The complete request must use the same checksum mode.`,
    );
  const sent = opts.checksum;
  if (!sent) return;
  if (mode.algorithm === undefined) {
    if (sent.algorithm !== DEFAULT_ALGORITHM)
      throw new ObjectLayerError(
        'InvalidArgument',
        `the upload was created without a checksum algorithm; only a ${DEFAULT_ALGORITHM} checksum can be verified`,
      );
  } else if (sent.algorithm !== mode.algorithm) {
    throw new ObjectLayerError('ChecksumMismatch', `the upload uses ${mode.algorithm} checksums`);
  }
  if (!result)
    throw new ObjectLayerError('InvalidPart', `a part has no ${sent.algorithm} checksum to verify against`);
  const bare = result.type === 'COMPOSITE' ? result.value.slice(0, result.value.lastIndexOf('-')) : undefined;
  if (sent.value !== result.value && sent.value !== bare)
    throw new ObjectLayerError('ChecksumMismatch', 'the whole-object checksum does not match the parts');
}
