/**
 * The object-level checksum of a completed multipart upload, from what each part stored: a
 * FULL_OBJECT CRC folded from the part CRCs and sizes, a COMPOSITE checksum of the part digests, or
 * for uploads created without an algorithm the CRC64NVME S3 reports by default.
 */
import { compositeChecksum, defaultMultipartChecksumType } from '../util/checksum.js';
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

/** The x-amz-checksum-type sent on complete must be the upload's (S3 answers BadDigest otherwise). */
function checkType(type: ChecksumType, opts: CompleteMultipartOptions): void {
  if (opts.checksumType !== undefined && opts.checksumType !== type)
    throw new ObjectLayerError('ChecksumMismatch', `the upload uses the ${type} checksum type`);
}

/**
 * The stored checksum of a completed upload created with `algorithm`: the whole-object CRC folded
 * from the part CRCs (FULL_OBJECT), or the checksum of the part digests (COMPOSITE). A value the
 * client sent is verified against it.
 */
export function objectChecksum(
  algorithm: ChecksumAlgorithm,
  uploadType: ChecksumType | undefined,
  chosen: PartChecksums[],
  opts: CompleteMultipartOptions,
): StoredChecksum | undefined {
  const type = uploadType ?? defaultMultipartChecksumType(algorithm);
  checkType(type, opts);
  if (opts.checksum && opts.checksum.algorithm !== algorithm)
    throw new ObjectLayerError('InvalidArgument', `the upload uses ${algorithm} checksums`);
  // Every part of an upload with an algorithm is hashed with it on the way in.
  const missing = chosen.find((s) => s.checksum === undefined);
  if (missing) {
    if (opts.checksum)
      throw new ObjectLayerError(
        'InvalidPart',
        `part ${missing.n} has no ${algorithm} checksum to verify against`,
      );
    return undefined;
  }
  const digests = chosen.map((s) => Buffer.from(s.checksum as string, 'base64'));
  if (type === 'FULL_OBJECT') {
    if (!isCombinableCrc(algorithm))
      throw new ObjectLayerError('InvalidArgument', `${algorithm} cannot be a full-object checksum`);
    const value = combineCrcs(
      algorithm,
      chosen.map((s, i) => ({ crc: digests[i] as Buffer, size: s.size })),
    ).toString('base64');
    if (opts.checksum && opts.checksum.value !== value)
      throw new ObjectLayerError('ChecksumMismatch', 'the full-object checksum does not match the parts');
    return { algorithm, value, type };
  }
  const value = compositeChecksum(algorithm, digests);
  if (opts.checksum) {
    const sent = opts.checksum.value;
    if (sent !== value && sent !== value.slice(0, value.lastIndexOf('-')))
      throw new ObjectLayerError('ChecksumMismatch', 'the multipart checksum does not match the parts');
  }
  return { algorithm, value, type };
}

/**
 * For an upload created without an algorithm, S3 reports a CRC64NVME full-object checksum on
 * completion without keeping it with the object. It is combined from the CRC64NVME every part got
 * on the way in; parts from before those were kept leave it unreported. Only a CRC64NVME value sent
 * on complete can be verified; any other is refused rather than accepted unchecked.
 */
export function defaultChecksum(
  chosen: PartChecksums[],
  opts: CompleteMultipartOptions,
): StoredChecksum | undefined {
  checkType('FULL_OBJECT', opts);
  if (opts.checksum && opts.checksum.algorithm !== DEFAULT_ALGORITHM)
    throw new ObjectLayerError(
      'InvalidArgument',
      `the upload was created without a checksum algorithm; only a ${DEFAULT_ALGORITHM} checksum can be verified`,
    );
  if (chosen.some((s) => s.crc64nvme === undefined)) {
    if (opts.checksum)
      throw new ObjectLayerError(
        'InvalidPart',
        `a part has no ${DEFAULT_ALGORITHM} checksum to verify against`,
      );
    return undefined;
  }
  const value = combineCrcs(
    DEFAULT_ALGORITHM,
    chosen.map((s) => ({ crc: Buffer.from(s.crc64nvme as string, 'base64'), size: s.size })),
  ).toString('base64');
  if (opts.checksum && opts.checksum.value !== value)
    throw new ObjectLayerError('ChecksumMismatch', 'the full-object checksum does not match the parts');
  return { algorithm: DEFAULT_ALGORITHM, value, type: 'FULL_OBJECT' };
}
