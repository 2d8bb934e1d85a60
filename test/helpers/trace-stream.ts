/**
 * A signed `GET /minio/admin/v3/trace` held open: collects the JSON lines the server streams until
 * closed. What `mc admin trace --json` reads.
 */
import { type ClientRequest, request } from 'node:http';
import type { TraceRecord } from '../../src/api/trace/trace-entry.js';
import type { CairnProcess } from './cairn-process.js';
import { canonicalQuery, signRequest } from './sigv4-signer.js';

type Server = Pick<CairnProcess, 'port' | 'accessKey' | 'secretKey' | 'region'>;

export interface TraceStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Records received so far. */
  records: TraceRecord[];
  /** Resolves once a record satisfying `pred` arrived (rejects after `timeoutMs`). */
  waitFor(pred: (r: TraceRecord) => boolean, timeoutMs?: number): Promise<TraceRecord>;
  /** Everything received, raw (keep-alive spaces included). */
  raw(): string;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openTrace(cairn: Server, query: Record<string, string>): Promise<TraceStream> {
  const path = '/minio/admin/v3/trace';
  const headers = signRequest({
    method: 'GET',
    path,
    query,
    headers: { host: `127.0.0.1:${cairn.port}` },
    payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    accessKey: cairn.accessKey,
    secretKey: cairn.secretKey,
    region: cairn.region,
  });
  const qs = canonicalQuery(query);
  let req: ClientRequest;
  return new Promise((resolve, reject) => {
    req = request(
      { host: '127.0.0.1', port: cairn.port, method: 'GET', path: `${path}?${qs}`, headers, agent: false },
      (res) => {
        let raw = '';
        let pending = '';
        const records: TraceRecord[] = [];
        const waiters = new Set<() => void>();
        let endedResolve: () => void = () => {};
        const ended = new Promise<void>((r) => {
          endedResolve = r;
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          raw += chunk;
          pending += chunk;
          let nl = pending.indexOf('\n');
          while (nl >= 0) {
            const line = pending.slice(0, nl).trim();
            pending = pending.slice(nl + 1);
            if (line !== '') records.push(JSON.parse(line) as TraceRecord);
            nl = pending.indexOf('\n');
          }
          for (const w of waiters) w();
        });
        res.on('end', endedResolve);
        res.on('close', endedResolve);
        res.on('error', () => {});
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          records,
          raw: () => raw,
          ended,
          close: () => req.destroy(),
          waitFor: (pred, timeoutMs = 10_000) =>
            new Promise((ok, fail) => {
              const check = () => {
                const found = records.find(pred);
                if (found === undefined) return;
                waiters.delete(check);
                clearTimeout(timer);
                ok(found);
              };
              const timer = setTimeout(() => {
                waiters.delete(check);
                fail(new Error(`no matching trace record within ${timeoutMs} ms:\n${raw.slice(-3000)}`));
              }, timeoutMs);
              waiters.add(check);
              check();
            }),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
