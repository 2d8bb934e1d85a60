import type { Readable } from 'node:stream';
import type { ChecksumAlgorithm, ChecksumType } from '../util/checksum.js';
import type {
  BucketUsage,
  DriveCallStats,
  HealRun,
  HealRunOptions,
  HealStatus,
  ScanStatus,
  StorageInfo,
  WriteLimitSettings,
} from './layer-status.js';
import type { ScannerSettings } from './scanner-settings.js';

// So is the drive API vocabulary of the call counts.
export type { DriveApi, DriveApiStats } from '../drive/drive-stats.js';
// The checksum vocabulary belongs to util/ (hashers use it); the seam names it for its callers.
export type { ChecksumAlgorithm, ChecksumType };

/**
 * The seam between the S3/admin APIs and storage. The API layer never touches drives, shards or
 * files: it calls this interface, and maps the ObjectLayerError kinds it throws to S3 errors.
 */
export interface ObjectLayer {
  // ---- buckets ----
  makeBucket(bucket: string): Promise<void>;
  getBucketInfo(bucket: string): Promise<BucketInfo>;
  listBuckets(): Promise<BucketInfo[]>;
  /** Throws BucketNotEmpty when it holds objects or in-progress multipart uploads. */
  deleteBucket(bucket: string): Promise<void>;

  // ---- bucket configuration: one document per name and bucket, deleted with the bucket ----
  /** The stored document, or undefined when none was put. Throws NoSuchBucket. */
  getBucketConfig(bucket: string, name: BucketConfigName): Promise<Buffer | undefined>;
  /** Stores `doc` (committed on write quorum); every later get, on any request, sees it. */
  putBucketConfig(bucket: string, name: BucketConfigName, doc: Uint8Array): Promise<void>;
  /** Removes the document; removing one that is not there succeeds. */
  deleteBucketConfig(bucket: string, name: BucketConfigName): Promise<void>;

  // ---- system configuration: the deployment's own documents (IAM), outside every bucket ----
  /**
   * Small documents by name (`iam/users/alice`), kept like bucket documents: committed on write
   * quorum, read on read quorum, surviving restarts and the loss of up to parity drives. No S3
   * request can reach them. Names are 1–512 bytes of UTF-8 without NUL (InvalidArgument otherwise).
   */
  getSystemConfig(name: string): Promise<Buffer | undefined>;
  putSystemConfig(name: string, doc: Uint8Array): Promise<void>;
  /** Removes the document; removing one that is not there succeeds. */
  deleteSystemConfig(name: string): Promise<void>;
  /** Every document whose name starts with `prefix`, by name, in name order. */
  listSystemConfig(prefix: string): Promise<Map<string, Buffer>>;

  // ---- objects ----
  /** Streams `body` into storage; the object becomes visible atomically when this resolves. */
  putObject(bucket: string, key: string, body: Readable, opts: PutObjectOptions): Promise<ObjectInfo>;
  getObjectInfo(bucket: string, key: string, opts?: VersionOptions): Promise<ObjectInfo>;
  /**
   * Opens a consistent view of one object version: `info` and `read` refer to the same stored data,
   * so conditions checked against `info` hold for the bytes `read` returns.
   */
  openObject(bucket: string, key: string, opts?: VersionOptions): Promise<ObjectReader>;
  /** Idempotent: deleting a missing key succeeds (S3 semantics). Throws NoSuchBucket. */
  deleteObject(bucket: string, key: string, opts?: VersionOptions): Promise<DeleteObjectResult>;
  listObjects(bucket: string, opts: ListObjectsOptions): Promise<ListObjectsResult>;

  // ---- multipart ----
  createMultipartUpload(bucket: string, key: string, opts: CreateMultipartOptions): Promise<string>;
  uploadPart(bucket: string, key: string, body: Readable, opts: UploadPartOptions): Promise<PartInfo>;
  /**
   * Assembles the listed parts. The result's `checksum` is the object's stored one; for an upload
   * created without a checksum algorithm it is the CRC64NVME full-object checksum S3 reports on
   * completion (combined from the parts) but does not keep with the object.
   */
  completeMultipartUpload(bucket: string, key: string, opts: CompleteMultipartOptions): Promise<ObjectInfo>;
  abortMultipartUpload(bucket: string, key: string, opts: UploadOptions): Promise<void>;
  listParts(bucket: string, key: string, opts: ListPartsOptions): Promise<ListPartsResult>;
  listMultipartUploads(bucket: string, opts: ListUploadsOptions): Promise<ListUploadsResult>;

  // ---- the storage underneath, for the admin API and the instance manager ----
  /** Every drive of the deployment with its state and capacity, and the totals. */
  storageInfo(): Promise<StorageInfo>;
  /** Each drive's calls, their time and errors since start (per slot, in set order). In memory, cheap. */
  driveStats(): DriveCallStats[];
  /** What healing is doing: objects waiting, whether a sweep runs, what it has done. In memory, cheap. */
  healStatus(): HealStatus;
  /** What the scanner is doing and last found (usage, scrub, findings). In memory, cheap. */
  scanStatus(): ScanStatus;
  /**
   * Objects and bytes stored in a bucket: counters kept on every write and delete and corrected by
   * the scanner's passes (a bucket not counted yet is counted by a walk of its index first).
   */
  bucketUsage(bucket: string): Promise<BucketUsage>;
  /**
   * Starts a scan of one bucket (or every bucket when `bucket` is empty), under `prefix`, ahead of
   * the background scanner; `deep` verifies every shard's bitrot hash. What it finds is healed.
   * Throws NoSuchBucket. A run on the same bucket and prefix still going is returned instead,
   * unless `force`.
   */
  startHeal(opts: HealRunOptions): Promise<HealRun>;
  /** A run started by `startHeal`, by its token (runs are kept for a while after they end). */
  healRun(token: string): HealRun | undefined;
  /** Stops the run on `bucket` and `prefix`, if one is going; returns it. */
  stopHeal(bucket: string, prefix: string): HealRun | undefined;
  /**
   * Limits on what writes may store, applied to every write admitted from now on: the capacity
   * (logical object bytes; none when undefined) and the free space each drive keeps. A write past
   * either fails with StorageFull before it stores anything. Only the fields given change.
   */
  setWriteLimits(settings: WriteLimitSettings): void;
  /** The scanner's pace and scrub cadence from now on (the pause between passes under way too). */
  setScannerSettings(settings: ScannerSettings): void;

  /** Flushes pending commits and closes drives. */
  close(): Promise<void>;
}

/** Per-bucket configuration documents, by the S3 subresource that reads and writes them. */
export type BucketConfigName =
  | 'versioning'
  | 'policy'
  | 'lifecycle'
  | 'cors'
  | 'tagging'
  | 'notification'
  | 'object-lock'
  | 'encryption'
  | 'quota'
  | 'public-access-block';

export const BUCKET_CONFIG_NAMES: readonly BucketConfigName[] = [
  'versioning',
  'policy',
  'lifecycle',
  'cors',
  'tagging',
  'notification',
  'object-lock',
  'encryption',
  'quota',
  'public-access-block',
];

/** Which version of an object a call is about: the current one when `versionId` is absent. */
export interface VersionOptions {
  /**
   * A version id, as S3 clients send it. Every object stored so far is its key's `null` version
   * (versioning comes with the bucket-features issue); any other id is NoSuchVersion.
   */
  versionId?: string;
}

export interface DeleteObjectResult {
  /** The version removed (or the delete marker made), when the request named one or versioning is on. */
  versionId?: string;
  /** The delete made (or removed) a delete marker. */
  deleteMarker: boolean;
}

export interface BucketInfo {
  name: string;
  created: Date;
}

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  /** base64 of the digest; for COMPOSITE multipart objects it carries the `-N` suffix. */
  value: string;
  type: ChecksumType;
}

export interface ObjectInfo {
  bucket: string;
  key: string;
  size: number;
  /** Hex MD5 for single-part objects, `<md5-of-md5s>-<N>` for multipart; no quotes. */
  etag: string;
  lastModified: Date;
  /**
   * Stored request headers, lower-case names: content-type, content-encoding, content-disposition,
   * content-language, cache-control, expires, and every x-amz-meta-* header as sent.
   */
  metadata: Record<string, string>;
  checksum?: StoredChecksum;
  /** Present for objects made by CompleteMultipartUpload, in part order. */
  parts?: ObjectPart[];
}

export interface ObjectPart {
  partNumber: number;
  size: number;
  etag: string;
  /** base64 checksum of this part when the upload had a checksum algorithm. */
  checksum?: string;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface ObjectReader {
  info: ObjectInfo;
  /** Bytes of the version `info` describes; the whole object when `range` is absent. */
  read(range?: ByteRange): Readable;
  /**
   * The same bytes as `read()`, but resolves only once the first block of the range has been read
   * and verified (reconstructed if need be): a read-quorum failure (ReadQuorum) rejects here, while
   * an error answer can still be sent. A failure in a later block still breaks the stream.
   */
  openRead(range?: ByteRange): Promise<Readable>;
  /**
   * Present when the version is small and its bytes were read (and verified) when it was opened:
   * the same bytes `read()` would stream, without a stream. Throws InvalidRange like `read()`.
   */
  readBuffer?(range?: ByteRange): Buffer;
}

/** Checksum the client asked for; `expected` is called after the body ended (trailers arrive last). */
export interface ChecksumRequest {
  algorithm: ChecksumAlgorithm;
  /** base64 digest the body must match, or undefined when the client sent none (we still compute and store it). */
  expected: () => string | undefined;
}

export interface PutObjectOptions {
  /**
   * Exact body length in bytes: a shorter body fails with IncompleteBody and stores nothing.
   * Undefined when the client did not say (chunked transfer coding): the body is read to its end,
   * and fails with EntityTooLarge, storing nothing, as soon as it passes the single-PUT limit.
   */
  size: number | undefined;
  metadata: Record<string, string>;
  /** Decoded Content-MD5; a mismatch fails with BadDigest and stores nothing. */
  contentMd5?: Buffer;
  checksum?: ChecksumRequest;
  /** `If-None-Match: *`: fail with PreconditionFailed when the key exists. */
  ifNoneMatch?: string;
  /** `If-Match: etag`: fail with PreconditionFailed (NoSuchKey when absent) unless the current ETag matches. */
  ifMatch?: string;
}

export interface ListObjectsOptions {
  prefix: string;
  delimiter: string;
  /** Exclusive lower bound: only keys (or common prefixes) strictly greater are returned. */
  after: string;
  maxKeys: number;
}

export interface ListObjectsResult {
  objects: ObjectInfo[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned; pass it as `after` to continue. */
  nextAfter?: string;
}

export interface CreateMultipartOptions {
  metadata: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
}

export interface UploadOptions {
  uploadId: string;
}

export interface UploadPartOptions extends UploadOptions {
  partNumber: number;
  size: number;
  contentMd5?: Buffer;
  checksum?: ChecksumRequest;
}

export interface PartInfo {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: Date;
  checksum?: string;
  /** The algorithm of `checksum`. */
  checksumAlgorithm?: ChecksumAlgorithm;
}

export interface CompletePart {
  partNumber: number;
  etag: string;
  /** base64 checksum the client sent for this part, if any; verified against the stored one. */
  checksum?: string;
}

export interface CompleteMultipartOptions extends UploadOptions {
  /** The `<Part>` list of the request, in order. */
  parts: CompletePart[];
  ifNoneMatch?: string;
  ifMatch?: string;
  /**
   * Whole-object checksum the client sent on complete (x-amz-checksum-*), verified when present;
   * for a COMPOSITE upload with or without its `-N` part count. A mismatch, or another algorithm
   * than the upload's, is ChecksumMismatch.
   */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  /** x-amz-checksum-type sent on complete; must match the upload's type (InvalidRequest otherwise). */
  checksumType?: ChecksumType;
}

export interface ListPartsOptions extends UploadOptions {
  partNumberMarker: number;
  maxParts: number;
}

export interface UploadInfo {
  bucket: string;
  key: string;
  uploadId: string;
  initiated: Date;
  metadata: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
}

export interface ListPartsResult {
  upload: UploadInfo;
  parts: PartInfo[];
  isTruncated: boolean;
  nextPartNumberMarker: number;
}

export interface ListUploadsOptions {
  prefix: string;
  delimiter: string;
  keyMarker: string;
  uploadIdMarker: string;
  maxUploads: number;
}

export interface ListUploadsResult {
  uploads: UploadInfo[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}
