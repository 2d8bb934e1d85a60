/**
 * Just enough XML reading for the load generator: the few fields of ListObjectsV2, multipart and
 * error responses it needs, by pattern. Not a general XML parser; S3 responses are flat here.
 */

export interface ListPage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextContinuationToken: string | undefined;
}

export function parseListPage(xml: string): ListPage {
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(unescapeXml(m[1] ?? ''));
  for (const m of xml.matchAll(/<CommonPrefixes>\s*<Prefix>([^<]*)<\/Prefix>/g)) {
    commonPrefixes.push(unescapeXml(m[1] ?? ''));
  }
  const token = field(xml, 'NextContinuationToken');
  return {
    keys,
    commonPrefixes,
    isTruncated: field(xml, 'IsTruncated') === 'true',
    nextContinuationToken: token === undefined ? undefined : unescapeXml(token),
  };
}

/** The text of the first `<name>…</name>` element, or undefined. */
export function field(xml: string, name: string): string | undefined {
  const start = xml.indexOf(`<${name}>`);
  if (start < 0) return undefined;
  const from = start + name.length + 2;
  const end = xml.indexOf(`</${name}>`, from);
  return end < 0 ? undefined : xml.slice(from, end);
}

/** `Code: message` of an S3 error body, or the first bytes of an unexpected one. */
export function describeError(status: number, body: string): string {
  const code = field(body, 'Code');
  if (code !== undefined) return `${status} ${code}: ${unescapeXml(field(body, 'Message') ?? '')}`.trim();
  return `${status} ${body.slice(0, 120).replace(/\s+/g, ' ')}`.trim();
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${ENTITY_NAMES[c]};`);
}

const ENTITY_NAMES: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };
const ENTITY_CHARS: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return ENTITY_CHARS[e] ?? '';
  });
}
