/** Messages between the hash pool and its workers. */
import type { ChecksumAlgorithm } from './checksum.js';

export type HashName = 'MD5' | ChecksumAlgorithm;

/** One-shot digests: the bitrot algorithms (crc32 is 4 bytes, big-endian) and MD5. */
export type OneShotHash = 'crc32' | 'sha256' | 'md5';

export type PoolRequest =
  | { op: 'open'; id: number; hashes: HashName[] }
  | { op: 'update'; id: number; chunks: Uint8Array[] }
  | { op: 'digest'; id: number }
  | { op: 'close'; id: number }
  | { op: 'each'; id: number; hash: OneShotHash; chunks: Uint8Array[] };

export type PoolReply =
  | { op: 'ack'; id: number; bytes: number }
  | { op: 'digest'; id: number; digests: Uint8Array[] }
  | { op: 'each'; id: number; digests: Uint8Array[] }
  | { op: 'error'; id: number; message: string };
