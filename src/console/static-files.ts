/**
 * The console's built files (index.html and Vite's hashed assets), read into memory once at start
 * with a gzip copy of each text file: the directory is small, and serving from memory needs no file
 * access per request. A path that names no file gets index.html, so the single-page app's own
 * routes (/buckets) load on reload; a missing asset under /assets/ is a 404.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ApiRequest, Mount } from '../api/server.js';
import { SECURITY_HEADERS } from './security-headers.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  /** Vite names assets by their content's hash: they never change, so they are cached for a year. */
  immutable: boolean;
}

export interface ConsoleFiles {
  /** URL path (`/assets/index-abc.js`) → file. */
  files: Map<string, StaticFile>;
}

/** Reads the built console from `dir`; undefined when there is no build there (no index.html). */
export function loadConsoleFiles(dir: string): ConsoleFiles | undefined {
  try {
    if (!statSync(join(dir, 'index.html')).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const files = new Map<string, StaticFile>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const urlPath = `/${relative(dir, full).split(sep).join('/')}`;
        const type = TYPES[extname(entry.name)] ?? 'application/octet-stream';
        const body = readFileSync(full);
        const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 512;
        files.set(urlPath, {
          body,
          gzip: compressible ? gzipSync(body, { level: 9 }) : undefined,
          type,
          immutable: urlPath.startsWith('/assets/'),
        });
      }
    }
  };
  walk(dir);
  return { files };
}

/** Serves the console's files at `/`; without a build, every page says how to make one. */
export function staticMount(console: ConsoleFiles | undefined): Mount {
  return {
    prefix: '/',
    handle(r: ApiRequest) {
      const { req, res } = r;
      r.facts.api = 'ConsoleFile';
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') {
        res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-length': 0 }).end();
        return;
      }
      if (console === undefined) {
        const text = 'The console is not in this build of Cairn (no dist/console/): run npm run build.\n';
        res
          .writeHead(503, {
            ...SECURITY_HEADERS,
            'content-type': 'text/plain; charset=utf-8',
            'content-length': Buffer.byteLength(text),
          })
          .end(method === 'HEAD' ? undefined : text);
        return;
      }
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      let file = console.files.get(path);
      if (file === undefined && !path.startsWith('/assets/')) file = console.files.get('/index.html');
      if (file === undefined) {
        res.writeHead(404, { ...SECURITY_HEADERS, 'content-length': 0 }).end();
        return;
      }
      const gzip = file.gzip !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gzip ? (file.gzip as Buffer) : file.body;
      const headers: Record<string, string | number> = {
        ...SECURITY_HEADERS,
        'content-type': file.type,
        'content-length': body.length,
        // index.html names the current assets: always asked for again, so a new build shows at once.
        'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        vary: 'accept-encoding',
      };
      if (gzip) headers['content-encoding'] = 'gzip';
      res.writeHead(200, headers).end(method === 'HEAD' ? undefined : body);
    },
  };
}
