import type { Readable } from 'node:stream';
import type { ErasureLayout } from '../erasure/erasure-layout.js';
import type { ErasureSet, WrittenData } from '../erasure/erasure-set.js';
import type { BodyHasher } from './body-hasher.js';
import { ObjectLayerError } from './errors.js';
import { translateError } from './layer-context.js';

export interface ReceiveOptions {
  layout: ErasureLayout;
  inline: boolean;
  /** Shard file name inside the data directory. */
  file: string;
  /** Declared body length: a longer body is refused. */
  size: number;
}

/**
 * Streams a request body into erasure-coded shards (temp files, or memory when inline) while
 * `hasher` sees every block. On failure the hash state is dropped and the rest of the body is
 * drained, so the client's request can still be answered; nothing is committed here.
 */
export async function receiveBody(
  set: ErasureSet,
  body: Readable,
  hasher: BodyHasher,
  opts: ReceiveOptions,
): Promise<WrittenData> {
  try {
    return await set.writeData(body, {
      layout: opts.layout,
      inline: opts.inline,
      file: opts.file,
      onData: (c) => hasher.update(c),
      maxBytes: opts.size,
      onTooLong: () =>
        new ObjectLayerError('InvalidArgument', `body is longer than the declared ${opts.size} bytes`),
    });
  } catch (err) {
    hasher.close();
    body.resume();
    throw translateError(err);
  }
}
