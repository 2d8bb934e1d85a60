/**
 * Worker side of the hash pool: keeps running hashers per session and answers one-shot digests.
 * Runs in a worker thread so MD5, SHA and CRC work of many uploads spreads over every core.
 */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { type ChecksumAlgorithm, crc32Digest, createChecksumHasher } from './checksum.js';
import type { HashName, OneShotHash, PoolReply, PoolRequest } from './hash-pool-protocol.js';

interface RunningHash {
  update(data: Uint8Array): void;
  digest(): Buffer;
}

function createRunningHash(name: HashName): RunningHash {
  if (name === 'MD5') return createHash('md5');
  return createChecksumHasher(name as ChecksumAlgorithm);
}

function oneShot(hash: OneShotHash, chunk: Uint8Array): Buffer {
  return hash === 'crc32' ? crc32Digest(chunk) : createHash(hash).update(chunk).digest();
}

const sessions = new Map<number, RunningHash[]>();
const port = parentPort;
if (!port) throw new Error('hash-worker must run in a worker thread');

port.on('message', (msg: PoolRequest) => {
  try {
    switch (msg.op) {
      case 'open':
        sessions.set(msg.id, msg.hashes.map(createRunningHash));
        break;
      case 'update': {
        const hashes = sessions.get(msg.id);
        let bytes = 0;
        for (const chunk of msg.chunks) {
          bytes += chunk.byteLength;
          if (hashes) for (const h of hashes) h.update(chunk);
        }
        reply({ op: 'ack', id: msg.id, bytes });
        break;
      }
      case 'digest': {
        const hashes = sessions.get(msg.id) ?? [];
        sessions.delete(msg.id);
        reply({ op: 'digest', id: msg.id, digests: hashes.map((h) => h.digest()) });
        break;
      }
      case 'close':
        sessions.delete(msg.id);
        break;
      case 'each': {
        const digests = msg.chunks.map((chunk) => oneShot(msg.hash, chunk));
        reply({ op: 'each', id: msg.id, digests });
        break;
      }
    }
  } catch (err) {
    reply({ op: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) });
  }
});

function reply(msg: PoolReply): void {
  port!.postMessage(msg);
}
