/**
 * XML response building for S3 answers. Values are escaped here, once: callers hand over plain
 * strings and never pre-escaped text.
 */

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Element content: text (escaped), a list of child elements, or nothing (the element is left out). */
export type XmlContent = string | number | boolean | XmlElement[] | undefined;

export interface XmlElement {
  name: string;
  content: XmlContent;
  attrs?: Record<string, string> | undefined;
  /** Already rendered XML, written as it is (see `rawXml`). */
  raw?: string;
}

/** One element; an `undefined` content leaves the element out of the document. */
export function el(name: string, content: XmlContent, attrs?: Record<string, string>): XmlElement {
  return { name, content, attrs };
}

/**
 * Elements rendered by their producer, for the long repeated runs of a listing page, where a tree of
 * element objects per entry cost more than the page's index reads. The producer escapes its text.
 */
export function rawXml(xml: string): XmlElement {
  return { name: '', content: undefined, raw: xml };
}

/**
 * Escapes text for element content. Characters XML 1.0 cannot carry literally (C0 controls other
 * than tab/newline/CR) are written as numeric references, as S3 does for keys holding them.
 */
export function escapeXml(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let rep: string | undefined;
    if (c === 0x26) rep = '&amp;';
    else if (c === 0x3c) rep = '&lt;';
    else if (c === 0x3e) rep = '&gt;';
    else if (c === 0x22) rep = '&quot;';
    else if (c === 0x27) rep = '&apos;';
    else if (c === 0x0d) rep = '&#13;';
    else if (c < 0x20 && c !== 0x09 && c !== 0x0a) rep = `&#${c};`;
    if (rep !== undefined) {
      out += text.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

function render(element: XmlElement, parts: string[]): void {
  const { name, content, attrs } = element;
  if (element.raw !== undefined) {
    parts.push(element.raw);
    return;
  }
  if (content === undefined) return;
  let open = name;
  if (attrs !== undefined) {
    for (const [attr, value] of Object.entries(attrs)) open += ` ${attr}="${escapeXml(value)}"`;
  }
  if (Array.isArray(content)) {
    parts.push(`<${open}>`);
    for (const child of content) render(child, parts);
    parts.push(`</${name}>`);
    return;
  }
  const text = typeof content === 'string' ? content : String(content);
  parts.push(`<${open}>${escapeXml(text)}</${name}>`);
}

/** A full document: declaration plus the root element, with the S3 namespace unless `xmlns` is null. */
export function xmlDocument(root: string, children: XmlElement[], xmlns: string | null = S3_XMLNS): string {
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  parts.push(xmlns === null ? `<${root}>` : `<${root} xmlns="${xmlns}">`);
  for (const child of children) render(child, parts);
  parts.push(`</${root}>`);
  return parts.join('');
}

/** A document whose root holds only text (GetBucketLocation's LocationConstraint). */
export function xmlTextDocument(root: string, text: string, xmlns: string = S3_XMLNS): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${xmlns}">${escapeXml(text)}</${root}>`;
}

/** S3 quotes ETags in XML and headers; the object layer keeps them bare. */
export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

/** ISO 8601 with milliseconds, the timestamp form S3 uses inside XML. */
export function xmlTimestamp(date: Date): string {
  return date.toISOString();
}
