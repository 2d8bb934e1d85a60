import type { ObjectInfo } from '../../object/object-layer.js';
import type { Owner, S3Context } from './context.js';
import { S3Error } from './errors.js';
import { el, escapeXml, quoteEtag, rawXml, type XmlElement, xmlTimestamp } from './xml.js';

/** S3 pages listings at 1000 entries, and so do we (a larger request is capped, not refused). */
export const MAX_LIST_PAGE = 1000;

/** Parses a max-keys style parameter: a non-negative integer, default and cap 1000. */
export function parseMaxParam(ctx: S3Context, name: string, fallback = MAX_LIST_PAGE): number {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new S3Error('InvalidArgument', `Provided ${name} not an integer or within integer range`, {
      ArgumentName: name,
      ArgumentValue: raw,
    });
  }
  return Math.min(Number(raw), MAX_LIST_PAGE);
}

/** The `encoding-type` parameter: absent, or `url`; anything else is InvalidArgument. */
export function parseEncodingType(ctx: S3Context): 'url' | undefined {
  const raw = ctx.query.get('encoding-type');
  if (raw === null || raw === '') return undefined;
  if (raw.toLowerCase() !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: raw,
    });
  }
  return 'url';
}

/**
 * S3's `encoding-type=url` form: UTF-8 percent-encoding that leaves unreserved characters and `/`
 * alone and writes a space as `+` (boto decodes with unquote_plus, so `+` itself must be escaped).
 */
export function s3UrlEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Encodes a value for the response when encoding-type=url was asked for. */
export function encoder(encoding: 'url' | undefined): (value: string) => string {
  return encoding === 'url' ? s3UrlEncode : (value) => value;
}

export function ownerElement(name: string, owner: Owner): XmlElement {
  return el(name, [el('ID', owner.id), el('DisplayName', owner.displayName)]);
}

/** The `<Contents>` entries of a ListObjects answer, rendered straight to text (one per object). */
export function contentsXml(
  objects: readonly ObjectInfo[],
  encode: (v: string) => string,
  owner: Owner | undefined,
): XmlElement {
  const ownerXml =
    owner === undefined
      ? ''
      : `<Owner><ID>${escapeXml(owner.id)}</ID><DisplayName>${escapeXml(owner.displayName)}</DisplayName></Owner>`;
  let out = '';
  for (const info of objects) {
    out += `<Contents><Key>${escapeXml(encode(info.key))}</Key><LastModified>${xmlTimestamp(info.lastModified)}</LastModified><ETag>${escapeXml(quoteEtag(info.etag))}</ETag>`;
    if (info.checksum !== undefined) {
      out += `<ChecksumAlgorithm>${escapeXml(info.checksum.algorithm)}</ChecksumAlgorithm><ChecksumType>${escapeXml(info.checksum.type)}</ChecksumType>`;
    }
    out += `<Size>${info.size}</Size>${ownerXml}<StorageClass>STANDARD</StorageClass></Contents>`;
  }
  return rawXml(out);
}

/** The `<CommonPrefixes>` entries of a listing answer. */
export function commonPrefixesXml(prefixes: readonly string[], encode: (v: string) => string): XmlElement {
  let out = '';
  for (const p of prefixes)
    out += `<CommonPrefixes><Prefix>${escapeXml(encode(p))}</Prefix></CommonPrefixes>`;
  return rawXml(out);
}

/** Empty strings are left out of listings' echo fields, as S3 leaves out absent parameters. */
export function optional(value: string): string | undefined {
  return value === '' ? undefined : value;
}
