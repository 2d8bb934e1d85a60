/**
 * Renders the Helm chart in deploy/helm/cairn without helm (there is no helm binary in Debian's
 * archive or on npm): a small interpreter of the Go-template forms the chart uses — actions with
 * `{{-`/`-}}` trimming, comments, `define`/`include`, `if`/`else if`/`else`, `range $x := …`,
 * `with`, `$` and `$var` paths, pipelines, and the functions listed in FUNCTIONS. Anything else
 * (another keyword or function, a missing values key) is an error, so a chart change this
 * renderer does not understand fails the test instead of rendering something helm would not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml, stringify as toYamlText } from 'yaml';

type Pipeline = Cmd[];
type Cmd = Operand[];
type Operand =
  | { k: 'field'; root: string | null; path: string[] } // .A.B (root null) or $v.A.B
  | { k: 'lit'; v: unknown }
  | { k: 'fn'; name: string }
  | { k: 'sub'; p: Pipeline };

type Node =
  | { t: 'text'; v: string }
  | { t: 'out'; p: Pipeline }
  | { t: 'if'; branches: Array<{ cond: Pipeline | null; body: Node[] }> }
  | { t: 'range'; vars: string[]; p: Pipeline; body: Node[] }
  | { t: 'with'; p: Pipeline; body: Node[] };

interface Scope {
  dot: unknown;
  vars: Map<string, unknown>;
}

class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Splits a template into text and actions, applying `{{-` and `-}}` trimming. */
function lex(src: string): Array<{ text: string } | { action: string }> {
  const out: Array<{ text: string } | { action: string }> = [];
  const re = /\{\{(-\s)?([\s\S]*?)(\s-)?\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    let text = src.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1]) text = text.replace(/\s+$/, '');
    if (text) out.push({ text });
    out.push({ action: m[2]!.trim() });
    trimNext = Boolean(m[3]);
    last = re.lastIndex;
  }
  let tail = src.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  if (tail) out.push({ text: tail });
  return out;
}

/** Tokens of one action: strings, numbers, parens, pipes, `:=`, commas, words. */
function tokenize(action: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|:=|[()|,]|[^\s()|,]+)/gy;
  for (let m = re.exec(action); m; m = re.exec(action)) tokens.push(m[1]!);
  if (tokens.join('').replace(/\s/g, '') !== action.replace(/\s/g, ''))
    throw new TemplateError(`cannot read action {{ ${action} }}`);
  return tokens;
}

function parsePipeline(tokens: string[], pos: { i: number }): Pipeline {
  const cmds: Pipeline = [];
  let cmd: Cmd = [];
  while (pos.i < tokens.length) {
    const tok = tokens[pos.i]!;
    if (tok === ')') break;
    pos.i++;
    if (tok === '|') {
      cmds.push(cmd);
      cmd = [];
    } else if (tok === '(') {
      cmd.push({ k: 'sub', p: parsePipeline(tokens, pos) });
      if (tokens[pos.i++] !== ')') throw new TemplateError('unclosed (');
    } else if (tok.startsWith('"')) cmd.push({ k: 'lit', v: JSON.parse(tok) });
    else if (/^-?\d+$/.test(tok)) cmd.push({ k: 'lit', v: Number(tok) });
    else if (tok === 'true' || tok === 'false') cmd.push({ k: 'lit', v: tok === 'true' });
    else if (tok === '.') cmd.push({ k: 'field', root: null, path: [] });
    else if (tok.startsWith('.')) cmd.push({ k: 'field', root: null, path: tok.slice(1).split('.') });
    else if (tok.startsWith('$')) {
      const [root, ...path] = tok.split('.');
      cmd.push({ k: 'field', root: root!, path });
    } else if (tok in FUNCTIONS || tok === 'include') cmd.push({ k: 'fn', name: tok });
    else throw new TemplateError(`unsupported function or token '${tok}'`);
  }
  cmds.push(cmd);
  if (cmds.some((c) => c.length === 0)) throw new TemplateError('empty command in pipeline');
  return cmds;
}

function pipelineOf(text: string): Pipeline {
  const tokens = tokenize(text);
  const pos = { i: 0 };
  const p = parsePipeline(tokens, pos);
  if (pos.i !== tokens.length) throw new TemplateError(`unexpected ')' in {{ ${text} }}`);
  return p;
}

/** Parses a template into nodes, collecting `define` blocks into `defines`. */
function parse(src: string, defines: Map<string, Node[]>): Node[] {
  const root: Node[] = [];
  type Frame =
    | { node: Node & { t: 'if' | 'range' | 'with' }; body: Node[] }
    | { define: string; body: Node[] };
  const stack: Frame[] = [];
  const current = () => stack.at(-1)?.body ?? root;
  for (const item of lex(src)) {
    if ('text' in item) {
      current().push({ t: 'text', v: item.text });
      continue;
    }
    const a = item.action;
    if (a.startsWith('/*')) {
      if (!a.endsWith('*/')) throw new TemplateError(`unclosed comment {{ ${a} }}`);
      continue;
    }
    const [word, rest] = [a.split(/\s+/, 1)[0]!, a.slice(a.split(/\s+/, 1)[0]!.length).trim()];
    if (word === 'define') {
      stack.push({ define: JSON.parse(rest) as string, body: [] });
    } else if (word === 'if') {
      const node: Node & { t: 'if' } = { t: 'if', branches: [{ cond: pipelineOf(rest), body: [] }] };
      current().push(node);
      stack.push({ node, body: node.branches[0]!.body });
    } else if (word === 'else') {
      const frame = stack.at(-1);
      if (!frame || !('node' in frame) || frame.node.t !== 'if') throw new TemplateError('else outside if');
      const cond = rest.startsWith('if ') ? pipelineOf(rest.slice(3)) : null;
      if (rest && cond === null) throw new TemplateError(`unsupported {{ else ${rest} }}`);
      const branch = { cond, body: [] as Node[] };
      frame.node.branches.push(branch);
      frame.body = branch.body;
    } else if (word === 'range') {
      const m = /^(\$\w+)(?:\s*,\s*(\$\w+))?\s*:=\s*(.+)$/.exec(rest);
      if (!m) throw new TemplateError(`unsupported range form {{ range ${rest} }}`);
      const vars = m[2] ? [m[1]!, m[2]] : [m[1]!];
      const node: Node & { t: 'range' } = { t: 'range', vars, p: pipelineOf(m[3]!), body: [] };
      current().push(node);
      stack.push({ node, body: node.body });
    } else if (word === 'with') {
      const node: Node & { t: 'with' } = { t: 'with', p: pipelineOf(rest), body: [] };
      current().push(node);
      stack.push({ node, body: node.body });
    } else if (word === 'end') {
      const frame = stack.pop();
      if (!frame) throw new TemplateError('end without a block');
      if ('define' in frame) defines.set(frame.define, frame.body);
    } else if (['template', 'block', 'break', 'continue', 'tpl'].includes(word)) {
      throw new TemplateError(`unsupported action {{ ${a} }}`);
    } else {
      current().push({ t: 'out', p: pipelineOf(a) });
    }
  }
  if (stack.length > 0) throw new TemplateError('unclosed block');
  return root;
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new TemplateError(`cannot print a ${Array.isArray(v) ? 'list' : 'map'} without toYaml`);
}

const indentLines = (n: number, s: string) =>
  s
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  printf: (fmt, ...args) => {
    let i = 0;
    return String(fmt).replace(/%[sdv]/g, () => show(args[i++]));
  },
  trunc: (n, s) => String(s).slice(0, Number(n)),
  trimSuffix: (suffix, s) =>
    String(s).endsWith(String(suffix)) ? String(s).slice(0, -String(suffix).length) : s,
  quote: (s) => JSON.stringify(show(s)),
  default: (def, v) => (truthy(v) ? v : def),
  required: (msg, v) => {
    if (!truthy(v)) throw new TemplateError(String(msg));
    return v;
  },
  fail: (msg) => {
    throw new TemplateError(String(msg));
  },
  b64enc: (s) => Buffer.from(show(s)).toString('base64'),
  toYaml: (v) => toYamlText(v).trimEnd(),
  nindent: (n, s) => `\n${indentLines(Number(n), String(s))}`,
  indent: (n, s) => indentLines(Number(n), String(s)),
  int: (v) => Number.parseInt(String(v), 10),
  until: (n) => Array.from({ length: Number(n) }, (_, i) => i),
  not: (v) => !truthy(v),
  and: (...vs) => vs.find((v) => !truthy(v)) ?? vs.at(-1),
  or: (...vs) => vs.find((v) => truthy(v)) ?? vs.at(-1),
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
};

export class ChartRenderer {
  private readonly defines = new Map<string, Node[]>();
  private readonly templates = new Map<string, Node[]>();

  constructor(private readonly chartDir: string) {
    const dir = join(chartDir, 'templates');
    for (const name of readdirSync(dir).sort()) {
      const nodes = parse(readFileSync(join(dir, name), 'utf8'), this.defines);
      if (name.endsWith('.yaml')) this.templates.set(name, nodes);
    }
  }

  /** Renders every template with values.yaml overlaid by `overrides`; returns the manifests. */
  render(overrides: Record<string, unknown> = {}, release = 'demo'): Array<Record<string, unknown>> {
    const chart = parseYaml(readFileSync(join(this.chartDir, 'Chart.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const values = merge(parseYaml(readFileSync(join(this.chartDir, 'values.yaml'), 'utf8')), overrides);
    const top = {
      Values: values,
      Release: { Name: release, Namespace: 'default', Service: 'Helm' },
      Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
    };
    const manifests: Array<Record<string, unknown>> = [];
    for (const [name, nodes] of this.templates) {
      const text = this.run(nodes, { dot: top, vars: new Map([['$', top]]) });
      for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length > 0) throw new TemplateError(`${name}: ${doc.errors[0]!.message}\n${text}`);
        const obj = doc.toJS() as Record<string, unknown> | null;
        if (obj) manifests.push(obj);
      }
    }
    return manifests;
  }

  private run(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      if (node.t === 'text') out += node.v;
      else if (node.t === 'out') out += show(this.evalPipeline(node.p, scope));
      else if (node.t === 'if') {
        const branch = node.branches.find((b) => b.cond === null || truthy(this.evalPipeline(b.cond, scope)));
        if (branch) out += this.run(branch.body, scope);
      } else if (node.t === 'with') {
        const v = this.evalPipeline(node.p, scope);
        if (truthy(v)) out += this.run(node.body, { dot: v, vars: scope.vars });
      } else {
        const list = this.evalPipeline(node.p, scope);
        if (!Array.isArray(list)) throw new TemplateError('range over a non-list');
        list.forEach((item, i) => {
          const vars = new Map(scope.vars);
          if (node.vars.length === 2) {
            vars.set(node.vars[0]!, i);
            vars.set(node.vars[1]!, item);
          } else vars.set(node.vars[0]!, item);
          out += this.run(node.body, { dot: item, vars });
        });
      }
    }
    return out;
  }

  private evalPipeline(p: Pipeline, scope: Scope): unknown {
    let piped: unknown[] = [];
    let value: unknown;
    for (const cmd of p) {
      value = this.evalCmd(cmd, scope, piped);
      piped = [value];
    }
    return value;
  }

  private evalCmd(cmd: Cmd, scope: Scope, piped: unknown[]): unknown {
    const [head, ...rest] = cmd;
    if (head!.k !== 'fn') {
      if (rest.length > 0 || piped.length > 0) throw new TemplateError('arguments given to a value');
      return this.evalOperand(head!, scope);
    }
    const args = [...rest.map((o) => this.evalOperand(o, scope)), ...piped];
    if (head!.name === 'include') {
      const body = this.defines.get(String(args[0]));
      if (!body) throw new TemplateError(`include of undefined template ${String(args[0])}`);
      return this.run(body, { dot: args[1], vars: new Map([['$', scope.vars.get('$')]]) });
    }
    return FUNCTIONS[head!.name]!(...args);
  }

  private evalOperand(o: Operand, scope: Scope): unknown {
    if (o.k === 'lit') return o.v;
    if (o.k === 'sub') return this.evalPipeline(o.p, scope);
    if (o.k === 'fn') return this.evalCmd([o], scope, []);
    let v: unknown = o.root === null ? scope.dot : scope.vars.get(o.root);
    if (o.root !== null && !scope.vars.has(o.root)) throw new TemplateError(`undefined variable ${o.root}`);
    for (const key of o.path) {
      if (v === null || typeof v !== 'object' || !(key in v))
        throw new TemplateError(`missing key '${key}' in .${o.path.join('.')}`);
      v = (v as Record<string, unknown>)[key];
    }
    return v;
  }
}

function merge(base: unknown, over: unknown): unknown {
  if (over === null || typeof over !== 'object' || Array.isArray(over)) return over;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
  return out;
}
