import { Agent, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { describeError, escapeXml, field, type ListPage, parseListPage } from './s3-xml.js';
import { type Credentials, canonicalQuery, encodePath, SigV4Signer } from './sigv4.js';

/**
 * A request body made by repeating `source` (starting at `offset`) until `length` bytes are sent:
 * one preallocated buffer serves every PUT of every size, and a GET can be checked against it byte
 * for byte. Multipart parts continue at their object offset, so a whole object reads back as the
 * same repetition whatever the part size.
 */
export interface Payload {
  source: Buffer;
  length: number;
  offset?: number;
}

export interface RequestOptions {
  query?: Record<string, string>;
  body?: Payload;
  /** Keep the response body as text (lists, multipart); error bodies are always kept. */
  collect?: boolean;
  /** Check every received byte against this repeating source (correctness runs only). */
  verify?: Buffer;
}

export interface S3Response {
  status: number;
  headers: IncomingHttpHeaders;
  /** Body bytes received. */
  bytes: number;
  text: string;
}

/** A failed S3 request: an HTTP status outside 2xx, a transport error, or a bad response. */
export class S3RequestError extends Error {
  override name = 'S3RequestError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ClientOptions extends Credentials {
  /** `http://host:port` */
  endpoint: string;
  /** Sockets kept open; set to the workload's concurrency. */
  maxSockets: number;
  /** Per-request inactivity timeout. */
  timeoutMs: number;
}

const MAX_COLLECTED = 16 << 20;

/**
 * A small path-style S3 client over node:http with keep-alive, built to cost little CPU per request:
 * header-signed SigV4 with UNSIGNED-PAYLOAD, bodies written from a shared buffer, response bodies
 * counted and dropped unless asked for.
 */
export class S3Client {
  private readonly agent: Agent;
  private readonly signer: SigV4Signer;
  private readonly hostname: string;
  private readonly port: number;
  private readonly host: string;

  constructor(private readonly opts: ClientOptions) {
    const url = new URL(opts.endpoint);
    if (url.protocol !== 'http:') throw new Error(`only http:// endpoints are supported: ${opts.endpoint}`);
    this.hostname = url.hostname;
    this.port = Number(url.port || 80);
    this.host = url.host;
    this.agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: opts.maxSockets });
    this.signer = new SigV4Signer(opts);
  }

  close(): void {
    this.agent.destroy();
  }

  async send(method: string, bucket: string, key: string | undefined, o: RequestOptions = {}) {
    const path = encodePath(bucket, key);
    const query = canonicalQuery(o.query);
    const signed = this.signer.sign(method, this.host, path, query);
    const headers: Record<string, string | number> = {
      host: this.host,
      authorization: signed.authorization,
      'x-amz-date': signed['x-amz-date'],
      'x-amz-content-sha256': signed['x-amz-content-sha256'],
    };
    if (o.body !== undefined) headers['content-length'] = o.body.length;
    else if (method === 'PUT' || method === 'POST') headers['content-length'] = 0;
    return new Promise<S3Response>((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          hostname: this.hostname,
          port: this.port,
          method,
          path: query === '' ? path : `${path}?${query}`,
          headers,
        },
        (res) => readResponse(res, method, o, resolve, reject),
      );
      req.setNoDelay(true);
      req.setTimeout(this.opts.timeoutMs, () => req.destroy(new S3RequestError(0, 'request timed out')));
      req.on('error', (err) =>
        reject(err instanceof S3RequestError ? err : new S3RequestError(0, err.message)),
      );
      if (o.body === undefined) req.end();
      else writePayload(req, o.body);
    });
  }

  async createBucket(bucket: string): Promise<void> {
    try {
      await this.send('PUT', bucket, undefined);
    } catch (err) {
      if (err instanceof S3RequestError && err.status === 409) return; // already exists and ours
      throw err;
    }
  }

  put(bucket: string, key: string, body: Payload): Promise<S3Response> {
    return this.send('PUT', bucket, key, { body });
  }

  get(bucket: string, key: string, verify?: Buffer): Promise<S3Response> {
    return this.send('GET', bucket, key, verify === undefined ? {} : { verify });
  }

  head(bucket: string, key: string): Promise<S3Response> {
    return this.send('HEAD', bucket, key);
  }

  delete(bucket: string, key: string): Promise<S3Response> {
    return this.send('DELETE', bucket, key);
  }

  /** One ListObjectsV2 page. */
  async list(
    bucket: string,
    params: { prefix?: string; delimiter?: string; startAfter?: string; token?: string; maxKeys?: number },
  ): Promise<ListPage> {
    const query: Record<string, string> = { 'list-type': '2', 'max-keys': String(params.maxKeys ?? 1000) };
    if (params.prefix !== undefined) query.prefix = params.prefix;
    if (params.delimiter !== undefined) query.delimiter = params.delimiter;
    if (params.startAfter !== undefined) query['start-after'] = params.startAfter;
    if (params.token !== undefined) query['continuation-token'] = params.token;
    const res = await this.send('GET', bucket, undefined, { query, collect: true });
    return parseListPage(res.text);
  }

  /** Uploads `size` bytes in `partSize` parts, one part at a time, and completes the upload. */
  async multipartPut(bucket: string, key: string, source: Buffer, size: number, partSize: number) {
    const created = await this.send('POST', bucket, key, { query: { uploads: '' }, collect: true });
    const uploadId = field(created.text, 'UploadId');
    if (uploadId === undefined) throw new S3RequestError(created.status, 'no UploadId in response');
    const etags: string[] = [];
    try {
      for (let offset = 0, n = 1; offset < size; offset += partSize, n++) {
        const length = Math.min(partSize, size - offset);
        const res = await this.send('PUT', bucket, key, {
          query: { partNumber: String(n), uploadId },
          body: { source, length, offset: offset % source.length },
        });
        const etag = res.headers.etag;
        if (etag === undefined) throw new S3RequestError(res.status, `no ETag for part ${n}`);
        etags.push(etag);
      }
      const xml =
        '<CompleteMultipartUpload>' +
        etags
          .map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(e)}</ETag></Part>`)
          .join('') +
        '</CompleteMultipartUpload>';
      const body = Buffer.from(xml);
      const done = await this.send('POST', bucket, key, {
        query: { uploadId },
        body: { source: body, length: body.length },
        collect: true,
      });
      // Complete can fail with 200 and an <Error> body.
      if (done.text.includes('<Error>'))
        throw new S3RequestError(done.status, describeError(done.status, done.text));
    } catch (err) {
      await this.send('DELETE', bucket, key, { query: { uploadId } }).catch(() => undefined);
      throw err;
    }
  }
}

function writePayload(req: ReturnType<typeof request>, payload: Payload): void {
  const { source, length } = payload;
  let at = payload.offset ?? 0;
  if (at === 0 && length <= source.length) {
    req.end(length === source.length ? source : source.subarray(0, length));
    return;
  }
  let sent = 0;
  const pump = (): void => {
    while (sent < length) {
      const n = Math.min(source.length - at, length - sent);
      const chunk = n === source.length ? source : source.subarray(at, at + n);
      sent += n;
      at = (at + n) % source.length;
      const more = req.write(chunk);
      if (!more && sent < length) {
        req.once('drain', pump);
        return;
      }
    }
    req.end();
  };
  pump();
}

function readResponse(
  res: IncomingMessage,
  method: string,
  o: RequestOptions,
  resolve: (r: S3Response) => void,
  reject: (e: Error) => void,
): void {
  const status = res.statusCode ?? 0;
  const failed = status < 200 || status >= 300;
  const keep = failed || o.collect === true;
  const chunks: Buffer[] = [];
  const verify = failed ? undefined : o.verify;
  let bytes = 0;
  let mismatch = -1;
  res.on('data', (chunk: Buffer) => {
    if (verify !== undefined && mismatch < 0) {
      const at = firstMismatch(chunk, verify, bytes);
      if (at >= 0) mismatch = bytes + at;
    }
    if (keep && bytes + chunk.length <= MAX_COLLECTED) chunks.push(chunk);
    bytes += chunk.length;
  });
  res.on('error', (err) => reject(new S3RequestError(status, err.message)));
  res.on('end', () => {
    const text = keep ? Buffer.concat(chunks).toString('utf8') : '';
    if (failed) {
      const message = method === 'HEAD' ? `${status} (HEAD)` : describeError(status, text);
      reject(new S3RequestError(status, message));
      return;
    }
    if (mismatch >= 0) {
      reject(new S3RequestError(status, `body differs from what was written at byte ${mismatch}`));
      return;
    }
    const expected = res.headers['content-length'];
    if (method !== 'HEAD' && expected !== undefined && Number(expected) !== bytes) {
      reject(new S3RequestError(status, `short body: ${bytes} of ${expected} bytes`));
      return;
    }
    resolve({ status, headers: res.headers, bytes, text });
  });
}

/** Index of the first byte of `chunk` that differs from `source` repeated from stream offset `at`. */
function firstMismatch(chunk: Buffer, source: Buffer, at: number): number {
  let i = 0;
  while (i < chunk.length) {
    const s = (at + i) % source.length;
    const n = Math.min(chunk.length - i, source.length - s);
    if (chunk.compare(source, s, s + n, i, i + n) !== 0) {
      for (let j = 0; j < n; j++) if (chunk[i + j] !== source[s + j]) return i + j;
    }
    i += n;
  }
  return -1;
}
