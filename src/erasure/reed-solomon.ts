import { createRequire } from 'node:module';

interface RonomonBinding {
  MAX_K: number;
  MAX_M: number;
  create(k: number, m: number): Buffer;
  encode(
    context: Buffer,
    sources: number,
    targets: number,
    buffer: Buffer,
    bufferOffset: number,
    bufferSize: number,
    parity: Buffer,
    parityOffset: number,
    paritySize: number,
    callback: (error?: Error) => void,
  ): void;
}

const binding = createRequire(import.meta.url)('@ronomon/reed-solomon') as RonomonBinding;

/** Codec id recorded in every object's erasure layout: codecs produce different parity. */
export const RS_CODEC_ID = 'ronomon-rs-v1';
export const MAX_DATA_SHARDS = binding.MAX_K;
export const MAX_PARITY_SHARDS = binding.MAX_M;

/** Shard length for a block: an equal share of the block, padded to the codec's 8-byte multiple. */
export function shardSizeFor(blockLength: number, dataShards: number): number {
  const share = Math.ceil(blockLength / dataShards);
  return Math.max(8, Math.ceil(share / 8) * 8);
}

/**
 * Reed-Solomon over GF(2^8) via @ronomon/reed-solomon. Data shards are laid out contiguously in one
 * buffer (`data * shardSize` bytes), parity shards in another; the work runs on libuv's threadpool,
 * off the event loop. One instance can be used concurrently.
 */
export class ReedSolomon {
  private readonly context: Buffer | undefined;

  constructor(
    readonly dataShards: number,
    readonly parityShards: number,
  ) {
    if (dataShards < 1 || dataShards > MAX_DATA_SHARDS)
      throw new RangeError(`data shards ${dataShards} out of range`);
    if (parityShards < 0 || parityShards > MAX_PARITY_SHARDS)
      throw new RangeError(`parity shards ${parityShards} out of range (codec maximum ${MAX_PARITY_SHARDS})`);
    this.context = parityShards > 0 ? binding.create(dataShards, parityShards) : undefined;
  }

  /** Computes every parity shard from the data shards. */
  encode(data: Buffer, parity: Buffer, shardSize: number): Promise<void> {
    if (!this.context) return Promise.resolve();
    let sources = 0;
    for (let i = 0; i < this.dataShards; i++) sources |= 1 << i;
    let targets = 0;
    for (let i = 0; i < this.parityShards; i++) targets |= 1 << (this.dataShards + i);
    return this.run(sources, targets, data, parity, shardSize);
  }

  /**
   * Rebuilds the shards listed in `targets` (indices: data 0..k-1, then parity k..k+m-1) in place,
   * from the shards marked present (at least `dataShards` of them).
   */
  reconstruct(
    data: Buffer,
    parity: Buffer,
    shardSize: number,
    present: readonly boolean[],
    targets: readonly number[],
  ) {
    if (!this.context) return Promise.reject(new Error('no parity to reconstruct from'));
    let src = 0;
    let count = 0;
    for (let i = 0; i < this.dataShards + this.parityShards; i++) {
      if (present[i]) {
        src |= 1 << i;
        count++;
      }
    }
    if (count < this.dataShards) return Promise.reject(new Error('not enough shards to reconstruct'));
    let tgt = 0;
    for (const t of targets) tgt |= 1 << t;
    if (tgt === 0) return Promise.resolve();
    return this.run(src & ~tgt, tgt, data, parity, shardSize);
  }

  private run(
    sources: number,
    targets: number,
    data: Buffer,
    parity: Buffer,
    shardSize: number,
  ): Promise<void> {
    const context = this.context as Buffer;
    return new Promise((resolve, reject) => {
      binding.encode(
        context,
        sources,
        targets,
        data,
        0,
        shardSize * this.dataShards,
        parity,
        0,
        shardSize * this.parityShards,
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }
}
