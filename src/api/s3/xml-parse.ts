import { S3Error } from './errors.js';

/**
 * A small, strict XML reader for the few request bodies S3 takes (CompleteMultipartUpload,
 * DeleteObjects, CreateBucketConfiguration). It builds a tree of elements and their text. It refuses
 * DOCTYPE declarations (so no entity expansion of any kind), knows only the five predefined entities
 * and numeric character references, bounds nesting depth, and answers MalformedXML for anything it
 * does not understand. Namespace prefixes are dropped from names: S3 bodies use one namespace.
 */
export interface XmlNode {
  /** Local name, without any namespace prefix. */
  name: string;
  children: XmlNode[];
  /** Concatenated character data directly inside this element, untrimmed. */
  text: string;
}

const MAX_DEPTH = 32;
const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\u00B7\u00C0-\uFFFF-]/;

function malformed(): S3Error {
  return new S3Error('MalformedXML');
}

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  skipWhitespace(): void {
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  /** Skips to just after `end`, failing when the document ends first. */
  skipPast(end: string): string {
    const at = this.src.indexOf(end, this.pos);
    if (at < 0) throw malformed();
    const skipped = this.src.slice(this.pos, at);
    this.pos = at + end.length;
    return skipped;
  }

  name(): string {
    const start = this.pos;
    if (!NAME_START.test(this.src.charAt(this.pos))) throw malformed();
    this.pos++;
    while (this.pos < this.src.length && NAME_CHAR.test(this.src.charAt(this.pos))) this.pos++;
    return this.src.slice(start, this.pos);
  }

  /** Comments, processing instructions and whitespace, which may appear around the root. */
  skipMisc(): void {
    for (;;) {
      this.skipWhitespace();
      if (this.startsWith('<!--')) {
        this.pos += 4;
        this.skipPast('-->');
      } else if (this.startsWith('<?')) {
        this.pos += 2;
        this.skipPast('?>');
      } else {
        return;
      }
    }
  }
}

function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;]{0,10});|&/g, (_m, ref: string | undefined) => {
    switch (ref) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      case undefined:
        throw malformed();
    }
    let code = Number.NaN;
    if (/^#[0-9]{1,7}$/.test(ref)) code = Number.parseInt(ref.slice(1), 10);
    else if (/^#x[0-9A-Fa-f]{1,6}$/.test(ref)) code = Number.parseInt(ref.slice(2), 16);
    if (!(code >= 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) throw malformed();
    return String.fromCodePoint(code);
  });
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function parseAttributes(r: Reader): void {
  for (;;) {
    const before = r.pos;
    r.skipWhitespace();
    const c = r.src.charAt(r.pos);
    if (c === '>' || c === '/' || c === '') return;
    if (r.pos === before) throw malformed();
    r.name();
    r.skipWhitespace();
    if (r.src.charAt(r.pos) !== '=') throw malformed();
    r.pos++;
    r.skipWhitespace();
    const quote = r.src.charAt(r.pos);
    if (quote !== '"' && quote !== "'") throw malformed();
    r.pos++;
    const value = r.skipPast(quote);
    if (value.includes('<')) throw malformed();
    decodeEntities(value);
  }
}

function parseElement(r: Reader, depth: number): XmlNode {
  if (depth > MAX_DEPTH) throw malformed();
  if (r.src.charAt(r.pos) !== '<') throw malformed();
  r.pos++;
  const rawName = r.name();
  const node: XmlNode = { name: localName(rawName), children: [], text: '' };
  parseAttributes(r);
  if (r.startsWith('/>')) {
    r.pos += 2;
    return node;
  }
  if (r.src.charAt(r.pos) !== '>') throw malformed();
  r.pos++;
  let text = '';
  for (;;) {
    if (r.pos >= r.src.length) throw malformed();
    const lt = r.src.indexOf('<', r.pos);
    if (lt < 0) throw malformed();
    if (lt > r.pos) {
      text += decodeEntities(r.src.slice(r.pos, lt));
      r.pos = lt;
    }
    if (r.startsWith('</')) {
      r.pos += 2;
      if (r.name() !== rawName) throw malformed();
      r.skipWhitespace();
      if (r.src.charAt(r.pos) !== '>') throw malformed();
      r.pos++;
      node.text = text;
      return node;
    }
    if (r.startsWith('<![CDATA[')) {
      r.pos += 9;
      text += r.skipPast(']]>');
    } else if (r.startsWith('<!--')) {
      r.pos += 4;
      r.skipPast('-->');
    } else if (r.startsWith('<?')) {
      r.pos += 2;
      r.skipPast('?>');
    } else if (r.startsWith('<!')) {
      throw malformed();
    } else {
      node.children.push(parseElement(r, depth + 1));
    }
  }
}

/** Parses a whole document into its root element; throws S3Error MalformedXML on any fault. */
export function parseXml(source: string): XmlNode {
  const r = new Reader(source.charCodeAt(0) === 0xfeff ? source.slice(1) : source);
  r.skipMisc();
  if (r.startsWith('<!')) throw malformed(); // DOCTYPE and friends: never.
  const root = parseElement(r, 1);
  r.skipMisc();
  if (r.pos !== r.src.length) throw malformed();
  return root;
}

/** Child elements named `name`. */
export function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

/** Text of the single child named `name`, or undefined when absent; more than one is malformed. */
export function childText(node: XmlNode, name: string): string | undefined {
  const found = childrenNamed(node, name);
  if (found.length > 1) throw malformed();
  return found[0]?.text;
}
