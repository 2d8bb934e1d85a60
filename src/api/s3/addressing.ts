import { S3Error } from './errors.js';

/** Which bucket and key a request names, and its query, after path-style or virtual-host decoding. */
export interface RequestTarget {
  bucket: string | undefined;
  key: string | undefined;
  query: URLSearchParams;
  /** `/bucket/key` as S3 reports it in an error's Resource element. */
  resource: string;
}

export const MAX_KEY_BYTES = 1024;

/** The host name without port, lower-cased; IPv6 literals keep their brackets. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return close < 0 ? h : h.slice(0, close + 1);
  }
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** The bucket a `<bucket>.<domain>` Host header names, for one of the configured domains. */
export function bucketFromHost(host: string | undefined, domains: readonly string[]): string | undefined {
  if (host === undefined || host === '') return undefined;
  const name = hostName(host);
  let best: string | undefined;
  for (const domain of domains) {
    const d = domain.toLowerCase().replace(/^\.+|\.+$/g, '');
    if (d === '' || !name.endsWith(`.${d}`)) continue;
    const bucket = name.slice(0, name.length - d.length - 1);
    // The longest matching domain wins, so `a.s3.example.com` under both `example.com` and
    // `s3.example.com` is bucket `a`.
    if (bucket !== '' && (best === undefined || bucket.length < best.length)) best = bucket;
  }
  return best;
}

function decodePath(rawPath: string): string {
  // Raw non-ASCII bytes arrive as latin1 characters in req.url; read them back as UTF-8.
  let path = rawPath;
  if (/[^\x00-\x7f]/.test(path)) {
    const bytes = Buffer.from(path, 'latin1');
    try {
      path = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new S3Error('InvalidURI');
    }
  }
  try {
    // decodeURIComponent refuses malformed escapes and escapes that spell invalid UTF-8.
    return decodeURIComponent(path);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

/**
 * Splits a request URL into bucket, key and query. A Host of `<bucket>.<domain>` for a configured
 * domain selects virtual-host style (the whole path is the key); otherwise the first path segment is
 * the bucket. An empty key means the request targets the bucket itself.
 */
export function parseTarget(
  rawUrl: string,
  host: string | undefined,
  domains: readonly string[],
): RequestTarget {
  let url = rawUrl;
  const scheme = /^https?:\/\/[^/]*/i.exec(url);
  if (scheme !== null) url = url.slice(scheme[0].length) || '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const path = decodePath(rawPath);
  if (!path.startsWith('/')) throw new S3Error('InvalidURI');

  let bucket = bucketFromHost(host, domains);
  let key: string;
  if (bucket !== undefined) {
    key = path.slice(1);
  } else {
    const slash = path.indexOf('/', 1);
    bucket = slash < 0 ? path.slice(1) : path.slice(1, slash);
    key = slash < 0 ? '' : path.slice(slash + 1);
  }
  if (bucket === '') return { bucket: undefined, key: undefined, query, resource: '/' };
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', undefined, {
      Size: String(Buffer.byteLength(key)),
      MaxSizeAllowed: '1024',
    });
  }
  return {
    bucket,
    key: key === '' ? undefined : key,
    query,
    resource: key === '' ? `/${bucket}` : `/${bucket}/${key}`,
  };
}
