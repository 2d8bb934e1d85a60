import type { Readable } from 'node:stream';
import type { DigestSpec } from '../erasure/content-digests.js';
import type { ErasureLayout } from '../erasure/erasure-layout.js';
import type { ErasureSet, WrittenData } from '../erasure/erasure-set.js';
import { ObjectLayerError } from './errors.js';
import { translateError } from './layer-context.js';

export interface ReceiveOptions {
  layout: ErasureLayout;
  inline: boolean;
  /** Shard file name inside the data directory. */
  file: string;
  /** Declared body length: a longer body is refused. */
  size: number;
  /** Digests of the body to compute (MD5 always). */
  digests: DigestSpec;
  /** What a body longer than `size` fails with (default: InvalidArgument, longer than declared). */
  tooLong?: () => Error;
}

/**
 * Streams a request body into erasure-coded shards (temp files, or memory when inline), with its
 * digests. On failure the rest of the body is drained, so the client's request can still be
 * answered; nothing is committed here. `source`, when given, is what is encoded (the body's bytes,
 * some of them already read from it).
 */
export async function receiveBody(
  set: ErasureSet,
  body: Readable,
  opts: ReceiveOptions,
  source: AsyncIterable<Buffer> | Iterable<Buffer> = body,
): Promise<WrittenData> {
  try {
    return await set.writeData(source, {
      layout: opts.layout,
      inline: opts.inline,
      file: opts.file,
      digests: opts.digests,
      maxBytes: opts.size,
      onTooLong:
        opts.tooLong ??
        (() =>
          new ObjectLayerError('InvalidArgument', `body is longer than the declared ${opts.size} bytes`)),
    });
  } catch (err) {
    body.resume();
    throw translateError(err);
  }
}

export interface UnsizedOptions {
  layout: ErasureLayout;
  file: string;
  /** A body that ends within this many bytes is stored inline, like a declared one of its size. */
  inlineMax: number;
  /** The longest body accepted: one byte more fails with EntityTooLarge while reading, storing nothing. */
  maxBytes: number;
  digests: DigestSpec;
  /** What a body past `maxBytes` fails with (default EntityTooLarge). */
  tooLong?: () => Error;
}

export interface ReceivedUnsized {
  written: WrittenData;
  inline: boolean;
}

/**
 * Receives a body whose length the client did not declare (HTTP chunked transfer coding). The first
 * `inlineMax + 1` bytes are held back to learn whether it is small: one that ends within them is
 * stored exactly as a declared body of that length would be (inline); a longer one streams into
 * shard files like any large body, in bounded memory, refused as soon as it passes `maxBytes`.
 */
export async function receiveUnsizedBody(
  set: ErasureSet,
  body: Readable,
  opts: UnsizedOptions,
): Promise<ReceivedUnsized> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  try {
    while (!ended && headBytes <= opts.inlineMax) {
      const next = await chunks.next();
      if (next.done) ended = true;
      else {
        head.push(next.value);
        headBytes += next.value.length;
      }
    }
  } catch (err) {
    body.resume();
    throw translateError(err);
  }
  if (ended) {
    const small = {
      layout: opts.layout,
      inline: true,
      file: opts.file,
      size: headBytes,
      digests: opts.digests,
    };
    return { written: await receiveBody(set, body, small, head), inline: true };
  }
  const large: ReceiveOptions = {
    layout: opts.layout,
    inline: false,
    file: opts.file,
    size: opts.maxBytes,
    digests: opts.digests,
    tooLong:
      opts.tooLong ??
      (() => new ObjectLayerError('EntityTooLarge', `body exceeds the ${opts.maxBytes}-byte limit`)),
  };
  return { written: await receiveBody(set, body, large, replay(head, chunks)), inline: false };
}

/** The held-back chunks, then the rest of the body; stopping early stops the body too. */
async function* replay(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  let finished = false;
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
    finished = true;
  } finally {
    if (!finished) await rest.return?.();
  }
}
