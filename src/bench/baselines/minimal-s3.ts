import { randomFillSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * What a baseline does with an upload body: consume it and resolve to its ETag. The two baselines
 * differ only here (drop it from memory, or hash and fdatasync it).
 */
export type BodySink = (req: IncomingMessage, length: number) => Promise<string>;

interface StoredObject {
  size: number;
  etag: string;
}

const CHUNK = 16 << 20;

/**
 * The smallest HTTP server that answers the load generator's S3 requests: no auth, no XML
 * parsing, object sizes kept in a Map, GET bodies cut from one preallocated buffer. It bounds what
 * any Node.js S3 server can do on this machine; it is not an S3 implementation.
 */
export function createMinimalS3Server(sink: BodySink): Server {
  const data = randomFillSync(Buffer.allocUnsafe(CHUNK));
  const objects = new Map<string, StoredObject>();
  const index = new SortedKeys(objects);
  const uploads = new Map<string, { key: string; size: number }>();
  let uploadSeq = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    if (path === '/minio/health/ready' || path === '/minio/health/live') return void res.end();
    const slash = path.indexOf('/', 1);
    const bucket = slash < 0 ? path.slice(1) : path.slice(1, slash);
    const key = slash < 0 ? '' : path.slice(slash + 1);
    const q = url.searchParams;
    const id = `${bucket}/${key}`;
    const method = req.method ?? 'GET';

    if (key === '') {
      if (method === 'GET' && q.get('list-type') === '2')
        return void sendXml(res, listXml(index, objects, bucket, q));
      return void res.end(); // create/delete bucket, anything else: fine
    }
    switch (method) {
      case 'PUT': {
        const length = Number(req.headers['content-length'] ?? 0);
        const etag = await sink(req, length);
        const uploadId = q.get('uploadId');
        if (uploadId !== null) {
          const upload = uploads.get(uploadId);
          if (upload !== undefined) upload.size += length;
        } else {
          objects.set(id, { size: length, etag });
          index.invalidate();
        }
        res.setHeader('ETag', `"${etag}"`);
        return void res.end();
      }
      case 'POST': {
        req.resume();
        if (q.has('uploads')) {
          const uploadId = String(++uploadSeq);
          uploads.set(uploadId, { key: id, size: 0 });
          return void sendXml(
            res,
            `<InitiateMultipartUploadResult><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
          );
        }
        const upload = uploads.get(q.get('uploadId') ?? '');
        if (upload === undefined) return void sendStatus(res, 404, 'NoSuchUpload');
        uploads.delete(q.get('uploadId') ?? '');
        objects.set(upload.key, { size: upload.size, etag: 'multipart-1' });
        index.invalidate();
        return void sendXml(
          res,
          '<CompleteMultipartUploadResult><ETag>"multipart-1"</ETag></CompleteMultipartUploadResult>',
        );
      }
      case 'GET':
      case 'HEAD': {
        const obj = objects.get(id);
        if (obj === undefined) return void sendStatus(res, 404, 'NoSuchKey');
        res.setHeader('Content-Length', obj.size);
        res.setHeader('ETag', `"${obj.etag}"`);
        if (method === 'HEAD') return void res.end();
        return streamRepeated(res, data, obj.size);
      }
      case 'DELETE':
        if (q.has('uploadId')) uploads.delete(q.get('uploadId') ?? '');
        else if (objects.delete(id)) index.invalidate();
        res.statusCode = 204;
        return void res.end();
      default:
        return void sendStatus(res, 405, 'MethodNotAllowed');
    }
  };

  return createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) sendStatus(res, 500, 'InternalError', err.message);
      else res.destroy(err);
    });
  });
}

function streamRepeated(res: ServerResponse, data: Buffer, size: number): Promise<void> {
  if (size <= data.length) {
    res.end(data.subarray(0, size));
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        const n = Math.min(data.length, size - sent);
        sent += n;
        if (!res.write(n === data.length ? data : data.subarray(0, n)) && sent < size) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
      resolve();
    };
    res.on('close', resolve);
    pump();
  });
}

/**
 * Keys in sorted order, rebuilt only after a write: the LIST workload runs after the writes, so
 * its pages cost a binary search and a slice, as in a server with a sorted index.
 */
class SortedKeys {
  private sorted: string[] | undefined;

  constructor(private readonly objects: Map<string, StoredObject>) {}

  invalidate(): void {
    this.sorted = undefined;
  }

  /** Up to `max` + 1 keys starting with `prefix` and greater than `after`. */
  page(prefix: string, after: string, max: number): string[] {
    this.sorted ??= [...this.objects.keys()].sort();
    const keys = this.sorted;
    const from = after > prefix ? after : prefix;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < keys.length && out.length <= max; i++) {
      const k = keys[i]!;
      if (!k.startsWith(prefix)) break;
      if (k > after) out.push(k);
    }
    return out;
  }
}

function listXml(index: SortedKeys, objects: Map<string, StoredObject>, bucket: string, q: URLSearchParams) {
  const prefix = `${bucket}/${q.get('prefix') ?? ''}`;
  const after = `${bucket}/${q.get('continuation-token') ?? q.get('start-after') ?? ''}`;
  const max = Number(q.get('max-keys') ?? 1000);
  const keys = index.page(prefix, after, max);
  const truncated = keys.length > max;
  const page = truncated ? keys.slice(0, max) : keys;
  const strip = bucket.length + 1;
  let xml = `<ListBucketResult><Name>${bucket}</Name><KeyCount>${page.length}</KeyCount>`;
  xml += `<IsTruncated>${truncated}</IsTruncated>`;
  const last = page[page.length - 1];
  if (truncated && last !== undefined) {
    xml += `<NextContinuationToken>${escapeXml(last.slice(strip))}</NextContinuationToken>`;
  }
  for (const k of page) {
    xml += `<Contents><Key>${escapeXml(k.slice(strip))}</Key><Size>${objects.get(k)?.size ?? 0}</Size></Contents>`;
  }
  return `${xml}</ListBucketResult>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function sendXml(res: ServerResponse, xml: string): void {
  res.setHeader('Content-Type', 'application/xml');
  res.end(xml);
}

function sendStatus(res: ServerResponse, status: number, code: string, message = ''): void {
  res.statusCode = status;
  sendXml(res, `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`);
}

/** Parses `--port N` and starts listening on 127.0.0.1; shared by the baseline entry points. */
export function listenFromArgs(server: Server, argv: string[]): void {
  const i = argv.indexOf('--port');
  const port = Number(i >= 0 ? argv[i + 1] : 0);
  server.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}
