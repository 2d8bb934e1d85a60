/**
 * Reading a browser upload's multipart/form-data body (POST Object) as a stream: the fields before
 * the file are collected, within S3's limit on them, and the file is handed over as a stream the
 * moment its part begins, so it flows into the object layer without being buffered (busboy parses
 * the body with backpressure: while the file is not read, the request is not read either). What
 * follows the file is read and ignored, as S3 ignores it.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { finished } from 'node:stream/promises';
import busboy from 'busboy';
import { isS3Error, S3Error } from './errors.js';
import type { LengthRange, PolicyInputs } from './post-policy.js';

/**
 * The most bytes of field names and values before the file: S3 refuses larger ones with
 * MaxPostPreDataLengthExceededError, and it bounds what a form can make the server hold.
 */
export const MAX_PRE_DATA_BYTES = 20 * 1024;

/**
 * A `file` part sent as plain text (no filename, as `FormData.append('file', 'text')` sends it)
 * arrives as a field, whole; it may be at most this large. File parts (with a filename, as browsers
 * and the SDKs send them) stream and have no limit but S3's object size.
 */
export const MAX_TEXT_FILE_BYTES = 128 * 1024;

/** Parts (fields and files) read before the file: more is refused like too many bytes of fields. */
const MAX_PARTS = 1000;

/**
 * A form refused before its end is read to its end when at most this large, so that the client,
 * still sending, gets the answer on a connection it finished writing to (a browser shows a network
 * error otherwise); a larger one is not read further and its connection closes after the answer.
 */
const MAX_DRAIN_BYTES = 1024 * 1024;

/** How long draining a refused form's rest may take before the connection is given up. */
const DRAIN_DEADLINE_MS = 10_000;

/** The form's fields, by lower-case name, each with its name as sent and its values in order. */
export class FormFields implements PolicyInputs {
  private readonly byName = new Map<string, { name: string; values: string[] }>();

  add(name: string, value: string): void {
    const lower = name.toLowerCase();
    const entry = this.byName.get(lower);
    if (entry === undefined) this.byName.set(lower, { name, values: [value] });
    else entry.values.push(value);
  }

  /** Replaces a field's values (the key after `${filename}`, the bucket the request names). */
  set(name: string, value: string): void {
    this.byName.set(name.toLowerCase(), { name, values: [value] });
  }

  get(name: string): { name: string; values: readonly string[] } | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** The first value of a field. */
  value(name: string): string | undefined {
    return this.byName.get(name.toLowerCase())?.values[0];
  }

  entries(): IterableIterator<[string, { name: string; values: readonly string[] }]> {
    return this.byName.entries();
  }
}

export interface FormUpload {
  fields: FormFields;
  /** The file's bytes; see `fileBody` for the stream to store. */
  file: Readable;
  /** The filename the file part named (for `${filename}` in the key); undefined for a text `file` field. */
  filename: string | undefined;
  /**
   * Stops parsing the form after a failure (the file stream is released): the rest of a small body
   * is read and dropped, a large one is left unread. Resolves when the request can be answered.
   */
  release(): Promise<void>;
}

function malformed(detail?: string): S3Error {
  return new S3Error(
    'MalformedPOSTRequest',
    detail === undefined
      ? undefined
      : `The body of your POST request is not well-formed multipart/form-data. (${detail})`,
  );
}

function tooMuchPreData(): S3Error {
  return new S3Error('MaxPostPreDataLengthExceededError');
}

/** What a failure of the body or the parser means for the client. */
function formError(err: unknown): S3Error {
  if (isS3Error(err)) return err;
  return malformed(err instanceof Error ? err.message : undefined);
}

/**
 * Reads `body` (with its Content-Type, which names the boundary) up to the start of the file part.
 * Rejects with MalformedPOSTRequest for a body that is not multipart/form-data, with
 * MaxPostPreDataLengthExceededError when the fields before the file are too large, and with
 * IncorrectNumberOfFilesInPostRequest when the form ends without a file.
 */
export function readForm(
  body: Readable,
  contentType: string,
  declaredLength: number | undefined,
): Promise<FormUpload> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Browsers send filenames as UTF-8 bytes; busboy would read them as latin1.
      defParamCharset: 'utf8',
      limits: {
        fieldNameSize: MAX_PRE_DATA_BYTES,
        fieldSize: MAX_TEXT_FILE_BYTES,
        fields: MAX_PARTS,
        parts: MAX_PARTS + 1,
        headerPairs: 100,
      },
    });
  } catch (err) {
    return release(body, undefined, declaredLength).then(() => Promise.reject(formError(err)));
  }
  return new Promise<FormUpload>((resolve, reject) => {
    const fields = new FormFields();
    let preData = 0;
    let settled = false;
    const stop = () => release(body, parser, declaredLength);
    const fail = (err: S3Error) => {
      if (settled) return;
      settled = true;
      stop().then(() => reject(err));
    };
    const hand = (file: Readable, filename: string | undefined) => {
      // Until the operation reads it, a failure of the form must not be an unhandled error.
      file.on('error', () => {});
      settled = true;
      resolve({ fields, file, filename, release: stop });
    };
    const count = (name: string, bytes: number): boolean => {
      preData += Buffer.byteLength(name) + bytes;
      if (preData <= MAX_PRE_DATA_BYTES) return true;
      fail(tooMuchPreData());
      return false;
    };

    parser.on('field', (name: string | undefined, value: string, info: busboy.FieldInfo) => {
      if (settled) return; // fields after the file: S3 ignores them
      if (info.nameTruncated) return fail(tooMuchPreData());
      if (name?.toLowerCase() === 'file') {
        if (info.valueTruncated) {
          return fail(
            malformed(
              `a file sent without a filename is limited to ${MAX_TEXT_FILE_BYTES} bytes; send it as a file`,
            ),
          );
        }
        return hand(Readable.from([Buffer.from(value, 'utf8')]), undefined);
      }
      if (info.valueTruncated || !count(name ?? '', Buffer.byteLength(value))) return fail(tooMuchPreData());
      if (name !== undefined && name !== '') fields.add(name, value);
    });
    parser.on('file', (name: string | undefined, stream: Readable, info: busboy.FileInfo) => {
      if (settled) {
        stream.resume(); // parts after the file are read and ignored
        return;
      }
      if (name?.toLowerCase() === 'file') return hand(stream, info.filename);
      // Any other part with a filename is an ordinary field, within the same limit.
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!count('', chunk.length)) return stream.resume();
        chunks.push(chunk);
      });
      stream.on('end', () => {
        if (settled || name === undefined || name === '') return;
        if (count(name, 0)) fields.add(name, Buffer.concat(chunks).toString('utf8'));
      });
    });
    parser.on('partsLimit', () => fail(tooMuchPreData()));
    parser.on('fieldsLimit', () => fail(tooMuchPreData()));
    // Before the file, a parse error answers the request; after it, busboy fails the file stream.
    parser.on('error', (err: unknown) => fail(formError(err)));
    parser.on('close', () => fail(new S3Error('IncorrectNumberOfFilesInPostRequest')));
    body.on('error', (err) => parser.destroy(err));
    body.pipe(parser);
  });
}

/**
 * Detaches the parser from the body (failing a file stream still open) and, when the whole body is
 * small, reads what is left of it, within a deadline.
 */
async function release(
  body: Readable,
  parser: busboy.Busboy | undefined,
  declaredLength: number | undefined,
): Promise<void> {
  if (parser !== undefined) {
    body.unpipe(parser);
    parser.destroy();
  }
  if (body.readableEnded || body.destroyed) return;
  if (declaredLength === undefined || declaredLength > MAX_DRAIN_BYTES) {
    body.destroy();
    return;
  }
  body.resume();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((done) => {
    timer = setTimeout(() => {
      body.destroy();
      done();
    }, DRAIN_DEADLINE_MS);
  });
  await Promise.race([finished(body).catch(() => {}), deadline]);
  clearTimeout(timer);
}

/** Counts the file as it streams and holds it to the policy's content-length-range. */
class FileBody extends Transform {
  private bytes = 0;

  constructor(private readonly range: LengthRange | undefined) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.range !== undefined && this.bytes > this.range.max) {
      // The rest of the file is not read, so the size it would have had is not known.
      done(
        new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
          MaxSizeAllowed: String(this.range.max),
        }),
      );
      return;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.range !== undefined && this.bytes < this.range.min) {
      done(
        new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
          ProposedSize: String(this.bytes),
          MinSizeAllowed: String(this.range.min),
        }),
      );
      return;
    }
    done();
  }
}

/**
 * The file as the object layer should read it: within `range` (EntityTooLarge as soon as it
 * passes the maximum, EntityTooSmall at its end, so nothing is committed either way), and failing
 * with MalformedPOSTRequest if the form breaks off inside it.
 */
export function fileBody(file: Readable, range: LengthRange | undefined): Readable {
  const out = new FileBody(range);
  file.on('error', (err) => out.destroy(formError(err)));
  file.pipe(out);
  return out;
}
