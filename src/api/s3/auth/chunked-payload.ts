/**
 * Decoder for S3's aws-chunked request bodies (the STREAMING-* payload modes):
 *
 *   signed:    <hex-size>;chunk-signature=<sig>\r\n<data>\r\n … 0;chunk-signature=<sig>\r\n\r\n
 *   trailers:  … 0[;chunk-signature=<sig>]\r\n<name>:<value>\r\n…[x-amz-trailer-signature:<sig>\r\n]\r\n
 *
 * Chunk data is passed on as views of the socket's buffers, never collected, so memory stays at
 * one header line whatever the chunk size. Each chunk's signature can only be checked once its
 * last byte has been seen, so bytes reach the consumer before their chunk is verified: a bad
 * signature, bad framing or a short body always errors the stream before 'end', and consumers
 * commit only on 'end'.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '../errors.js';
import { hmacSha256, signaturesEqual } from './signing-key.js';

export interface ChunkSigning {
  signingKey: Buffer;
  amzDate: string;
  scope: string;
  /** The request's own signature, which the first chunk's signature chains from. */
  seedSignature: string;
}

export interface AwsChunkedOptions {
  /** Verify chunk (and trailer) signatures with this chain; absent for STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
  signing?: ChunkSigning;
  /** Whether a trailer section follows the final chunk (the *-TRAILER modes). */
  trailers: boolean;
  /** Lower-case trailer names announced in x-amz-trailer; each must arrive, and no others. */
  declaredTrailers: readonly string[];
  /** x-amz-decoded-content-length, when sent: the decoded total must equal it. */
  decodedLength?: number;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';
/** Chunk header lines are ~90 bytes (size + 64-hex signature); trailer lines a checksum name and base64. */
const MAX_LINE = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;
/** Clients send 8 KiB–8 MiB chunks; anything past this is a broken or hostile client. */
export const MAX_CHUNK_SIZE = 64 * 1024 * 1024;

type State = 'size-line' | 'data' | 'data-crlf' | 'trailer-line' | 'done';

function malformed(detail: string): S3Error {
  return new S3Error('InvalidRequest', `Malformed aws-chunked body: ${detail}.`);
}

export class AwsChunkedDecoder extends Transform {
  private state: State = 'size-line';
  private readonly line = Buffer.allocUnsafe(MAX_LINE);
  private lineLength = 0;
  private remaining = 0;
  private crlfSeen = 0;
  private decoded = 0;
  private chunkHash: Hash | undefined;
  private chunkSignature = '';
  private previousSignature: string;
  private trailerBytes = 0;
  private readonly received: Record<string, string> = {};
  private readonly trailerOrder: string[] = [];
  private trailerSignature: string | undefined;
  /** Final chunk seen and no trailer line started: the one place a body may end early (see _flush). */
  private atFinalChunkEnd = false;

  constructor(private readonly options: AwsChunkedOptions) {
    super();
    this.previousSignature = options.signing?.seedSignature ?? '';
  }

  /** Trailers received, lower-case names; complete only once the stream has ended. */
  trailers(): Record<string, string> {
    return { ...this.received };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.finish();
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private consume(buf: Buffer): void {
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case 'size-line':
        case 'trailer-line': {
          const line = this.takeLine(buf, pos);
          if (line === undefined) return;
          pos = line.next;
          if (this.state === 'size-line') this.onSizeLine(line.text);
          else this.onTrailerLine(line.text);
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, buf.length - pos);
          const view = buf.subarray(pos, pos + n);
          this.chunkHash?.update(view);
          this.push(view);
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.verifyChunk();
            this.state = 'data-crlf';
            this.crlfSeen = 0;
          }
          break;
        }
        case 'data-crlf': {
          const expected = this.crlfSeen === 0 ? 0x0d : 0x0a;
          if (buf[pos] !== expected) throw malformed('chunk data not followed by CRLF');
          pos++;
          if (++this.crlfSeen === 2) this.state = 'size-line';
          break;
        }
        case 'done':
          throw malformed('data after the final chunk');
      }
    }
  }

  /** Collects bytes up to LF; returns the line without its CRLF once complete. */
  private takeLine(buf: Buffer, pos: number): { text: string; next: number } | undefined {
    const lf = buf.indexOf(0x0a, pos);
    const end = lf < 0 ? buf.length : lf;
    const n = end - pos;
    if (this.lineLength + n >= MAX_LINE) throw malformed('line too long');
    if (this.state === 'trailer-line') {
      this.trailerBytes += n + (lf < 0 ? 0 : 1);
      if (this.trailerBytes > MAX_TRAILER_BYTES)
        throw new S3Error('MalformedTrailerError', 'Trailer section too large.');
      this.atFinalChunkEnd = false;
    }
    buf.copy(this.line, this.lineLength, pos, end);
    this.lineLength += n;
    if (lf < 0) return undefined;
    const length = this.lineLength;
    this.lineLength = 0;
    if (length === 0 || this.line[length - 1] !== 0x0d) throw malformed('line not terminated by CRLF');
    return { text: this.line.toString('latin1', 0, length - 1), next: lf + 1 };
  }

  private onSizeLine(text: string): void {
    const semi = text.indexOf(';');
    const hex = (semi < 0 ? text : text.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw malformed(`bad chunk size "${hex.slice(0, 32)}"`);
    const size = Number.parseInt(hex, 16);
    if (size > MAX_CHUNK_SIZE) throw malformed(`chunk of ${size} bytes exceeds ${MAX_CHUNK_SIZE}`);
    const limit = this.options.decodedLength;
    if (limit !== undefined && this.decoded + size > limit) {
      throw new S3Error(
        'InvalidRequest',
        'The aws-chunked body is longer than x-amz-decoded-content-length.',
      );
    }
    this.decoded += size;
    if (this.options.signing) {
      const match =
        semi < 0 ? null : /(?:^|;)\s*chunk-signature=([0-9a-fA-F]{64})\s*$/.exec(text.slice(semi));
      if (!match) throw new S3Error('SignatureDoesNotMatch', 'Chunk signature missing or malformed.');
      this.chunkSignature = match[1]!;
      this.chunkHash = createHash('sha256');
    }
    if (size > 0) {
      this.remaining = size;
      this.state = 'data';
      return;
    }
    this.verifyChunk();
    this.state = 'trailer-line';
    this.atFinalChunkEnd = true;
  }

  /** Checks the chunk just completed against the chain and advances it. */
  private verifyChunk(): void {
    const signing = this.options.signing;
    if (!signing || !this.chunkHash) return;
    const stringToSign = `AWS4-HMAC-SHA256-PAYLOAD\n${signing.amzDate}\n${signing.scope}\n${this.previousSignature}\n${EMPTY_SHA256}\n${this.chunkHash.digest('hex')}`;
    const expected = hmacSha256(signing.signingKey, stringToSign).toString('hex');
    this.chunkHash = undefined;
    if (!signaturesEqual(expected, this.chunkSignature)) {
      throw new S3Error('SignatureDoesNotMatch', 'The chunk signature does not match.');
    }
    this.previousSignature = expected;
  }

  private onTrailerLine(text: string): void {
    if (text === '') {
      this.endTrailers();
      return;
    }
    if (!this.options.trailers) throw malformed('final chunk not followed by CRLF');
    const colon = text.indexOf(':');
    if (colon <= 0) throw new S3Error('MalformedTrailerError', undefined, { Trailer: text.slice(0, 64) });
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === TRAILER_SIGNATURE) {
      this.trailerSignature = value;
      return;
    }
    if (this.trailerSignature !== undefined)
      throw new S3Error('MalformedTrailerError', 'Trailer after the trailer signature.');
    if (!this.options.declaredTrailers.includes(name)) {
      throw new S3Error('MalformedTrailerError', `Trailer ${name} was not declared in x-amz-trailer.`);
    }
    if (name in this.received) throw new S3Error('MalformedTrailerError', `Trailer ${name} sent twice.`);
    this.received[name] = value;
    this.trailerOrder.push(name);
  }

  private endTrailers(): void {
    const signing = this.options.signing;
    if (signing && this.options.trailers) {
      if (this.trailerSignature === undefined) {
        throw new S3Error('SignatureDoesNotMatch', 'The trailer signature is missing.');
      }
      const canonical = this.trailerOrder.map((name) => `${name}:${this.received[name]}\n`).join('');
      const stringToSign = `AWS4-HMAC-SHA256-TRAILER\n${signing.amzDate}\n${signing.scope}\n${this.previousSignature}\n${createHash('sha256').update(canonical).digest('hex')}`;
      const expected = hmacSha256(signing.signingKey, stringToSign).toString('hex');
      if (!signaturesEqual(expected, this.trailerSignature)) {
        throw new S3Error('SignatureDoesNotMatch', 'The trailer signature does not match.');
      }
    } else if (this.trailerSignature !== undefined) {
      throw new S3Error('MalformedTrailerError', 'Unexpected x-amz-trailer-signature in an unsigned body.');
    }
    this.state = 'done';
  }

  private finish(): void {
    // The JS SDK ends an unsigned body with "0\r\n" and no blank line when it has no trailer to send.
    const lenientEnd =
      this.state === 'trailer-line' &&
      this.atFinalChunkEnd &&
      this.lineLength === 0 &&
      !this.options.signing &&
      this.options.declaredTrailers.length === 0;
    if (this.state !== 'done' && !lenientEnd) {
      throw new S3Error('IncompleteBody', 'The aws-chunked body ended before its final chunk and trailers.');
    }
    if (this.options.decodedLength !== undefined && this.decoded !== this.options.decodedLength) {
      throw new S3Error(
        'IncompleteBody',
        'You did not provide the number of bytes specified by x-amz-decoded-content-length.',
      );
    }
    const missing = this.options.declaredTrailers.filter((name) => !(name in this.received));
    if (missing.length > 0) {
      throw new S3Error('MalformedTrailerError', `Declared trailer ${missing.join(', ')} was not sent.`);
    }
  }
}
