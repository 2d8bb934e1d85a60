/**
 * Wildcard patterns as IAM writes them: `*` is any run of characters (none too), `?` exactly one.
 * A glob is compiled into its star-separated chunks and matched chunk by chunk (leftmost first),
 * which is linear in practice and never backtracks exponentially, whatever the pattern.
 */

/** A run of characters between stars; `wild[i]` marks a `?` at position i. */
interface Chunk {
  readonly text: string;
  readonly wild: readonly boolean[] | null;
}

/** chunks[0] * chunks[1] * … * chunks[n-1]; one chunk means no star at all. */
export interface Glob {
  readonly chunks: readonly Chunk[];
  readonly minLength: number;
}

const STAR = 0;
const ANY = 1;
/** A literal piece of text, a star, or a single-character wildcard. */
type GlobToken = string | typeof STAR | typeof ANY;

function globFromTokens(tokens: readonly GlobToken[]): Glob {
  const chunks: Chunk[] = [];
  let text = '';
  let wild: boolean[] | null = null;
  const close = () => {
    chunks.push({ text, wild });
    text = '';
    wild = null;
  };
  for (const t of tokens) {
    if (t === STAR) close();
    else if (t === ANY) {
      wild ??= new Array<boolean>(text.length).fill(false);
      wild.push(true);
      text += '?';
    } else {
      if (wild !== null) for (let i = 0; i < t.length; i++) wild.push(false);
      text += t;
    }
  }
  close();
  let minLength = 0;
  for (const c of chunks) minLength += c.text.length;
  return { chunks, minLength };
}

/** Compiles a plain pattern: every `*` and `?` is a wildcard. */
export function compileGlob(pattern: string): Glob {
  const tokens: GlobToken[] = [];
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 42 /* * */ || c === 63 /* ? */) {
      if (i > start) tokens.push(pattern.slice(start, i));
      tokens.push(c === 42 ? STAR : ANY);
      start = i + 1;
    }
  }
  if (start < pattern.length) tokens.push(pattern.slice(start));
  return globFromTokens(tokens);
}

function chunkAt(c: Chunk, s: string, pos: number): boolean {
  if (c.wild === null) return s.startsWith(c.text, pos);
  if (pos + c.text.length > s.length) return false;
  for (let i = 0; i < c.text.length; i++) {
    if (!c.wild[i] && c.text.charCodeAt(i) !== s.charCodeAt(pos + i)) return false;
  }
  return true;
}

/** The leftmost position ≥ from where `c` matches and ends by `end`; -1 if none. */
function findChunk(c: Chunk, s: string, from: number, end: number): number {
  const last = end - c.text.length;
  if (c.wild === null) {
    const i = s.indexOf(c.text, from);
    return i >= 0 && i <= last ? i : -1;
  }
  for (let i = from; i <= last; i++) if (chunkAt(c, s, i)) return i;
  return -1;
}

export function globMatches(g: Glob, s: string): boolean {
  const chunks = g.chunks;
  const n = chunks.length;
  const first = chunks[0]!;
  if (n === 1) {
    return s.length === first.text.length && (first.wild === null ? s === first.text : chunkAt(first, s, 0));
  }
  if (s.length < g.minLength || !chunkAt(first, s, 0)) return false;
  const lastChunk = chunks[n - 1]!;
  const end = s.length - lastChunk.text.length;
  if (!chunkAt(lastChunk, s, end)) return false;
  let pos = first.text.length;
  for (let i = 1; i < n - 1; i++) {
    const c = chunks[i]!;
    const at = findChunk(c, s, pos, end);
    if (at < 0) return false;
    pos = at + c.text.length;
  }
  return true;
}

/** A policy variable `${key}` (optionally `${key, 'default'}`), looked up when evaluated. */
interface VariableToken {
  readonly key: string;
  readonly fallback: string | undefined;
}

type TemplateToken = GlobToken | VariableToken;

/**
 * A pattern that may contain policy variables. Without variables it is compiled once; with them,
 * each evaluation substitutes the values (as literal text: a `*` in a user name is no wildcard)
 * and matches the result.
 */
export interface Pattern {
  readonly glob: Glob | undefined;
  readonly tokens: readonly TemplateToken[] | undefined;
  readonly lower: boolean;
}

/** Looks up a variable's value; undefined when the key is absent from the request. */
export type VariableLookup = (key: string) => string | undefined;

const VARIABLE = /^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$/;

/**
 * Compiles `source`. With `variables`, `${key}` is a policy variable and `${*}`, `${?}`, `${$}`
 * are the literal characters; with `wildcards` false, `*` and `?` are literal too (StringEquals).
 * With `lower`, matching ignores case (the caller lower-cases the text it matches).
 */
export function compilePattern(
  source: string,
  opts: { variables: boolean; wildcards: boolean; lower: boolean },
): Pattern {
  const src = source;
  const tokens: TemplateToken[] = [];
  let literal = '';
  let hasVariable = false;
  const flush = () => {
    if (literal !== '') tokens.push(opts.lower ? literal.toLowerCase() : literal);
    literal = '';
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (opts.variables && ch === '$' && src[i + 1] === '{') {
      const close = src.indexOf('}', i + 2);
      if (close > 0) {
        const inner = src.slice(i + 2, close);
        if (inner === '*' || inner === '?' || inner === '$') {
          literal += inner;
          i = close;
          continue;
        }
        const m = VARIABLE.exec(inner);
        if (m !== null) {
          flush();
          tokens.push({ key: m[1]!, fallback: m[2] });
          hasVariable = true;
          i = close;
          continue;
        }
      }
    }
    if (opts.wildcards && (ch === '*' || ch === '?')) {
      flush();
      tokens.push(ch === '*' ? STAR : ANY);
    } else literal += ch;
  }
  flush();
  if (hasVariable) return { glob: undefined, tokens, lower: opts.lower };
  return { glob: globFromTokens(tokens as GlobToken[]), tokens: undefined, lower: opts.lower };
}

/** The pattern's glob for this request; undefined when a variable it names has no value. */
export function resolvePattern(p: Pattern, lookup: VariableLookup): Glob | undefined {
  if (p.glob !== undefined) return p.glob;
  const out: GlobToken[] = [];
  for (const t of p.tokens!) {
    if (typeof t === 'object') {
      const v = lookup(t.key) ?? t.fallback;
      if (v === undefined) return undefined;
      out.push(p.lower ? v.toLowerCase() : v);
    } else out.push(t);
  }
  return globFromTokens(out);
}

/** True when the pattern has no wildcard and no variable: it matches exactly one string. */
export function literalOf(p: Pattern): string | undefined {
  const chunks = p.glob?.chunks;
  if (chunks === undefined || chunks.length !== 1 || chunks[0]!.wild !== null) return undefined;
  return chunks[0]!.text;
}
