/** Pass-through that checks a body against the SHA-256 the client signed (x-amz-content-sha256). */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '../errors.js';

/**
 * The comparison runs in _flush, before the readable side ends, so a mismatch reaches the consumer
 * as an error instead of 'end' and nothing gets committed.
 */
export class Sha256VerifyingStream extends Transform {
  private readonly hash = createHash('sha256');

  constructor(private readonly expectedHex: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const computed = this.hash.digest('hex');
    if (computed !== this.expectedHex) {
      callback(
        new S3Error('XAmzContentSHA256Mismatch', undefined, {
          ClientComputedContentSHA256: this.expectedHex,
          S3ComputedContentSHA256: computed,
        }),
      );
      return;
    }
    callback();
  }
}
