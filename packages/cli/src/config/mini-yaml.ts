/**
 * A parser for the small YAML that config files are written in: block mappings and sequences, flow
 * `[…]`/`{…}` on one line, plain, single- and double-quoted scalars, comments. The `yaml` package costs
 * ~200 ms to load here, and the pre-commit hook reads the config on every commit; this one costs nothing.
 * It returns undefined for anything outside that subset (anchors, tags, block scalars, multi-line flows,
 * duplicate keys, odd indentation…), and the caller then uses the `yaml` package, which also reports any
 * error. Scalars resolve as YAML 1.2's core schema does (the `yaml` package's default), and tests compare
 * the two parsers on a corpus.
 */

class Unsupported extends Error {}

interface Line {
  indent: number;
  text: string;
}

export function parseMiniYaml(source: string): unknown {
  try {
    const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
    // Characters YAML treats specially or forbids (another BOM, control characters, a lone CR, which
    // breaks a line): leave them to yaml.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufeff\ufffe\uffff]|\r(?!\n)/.test(text)) {
      throw new Unsupported();
    }
    const lines = toLines(text);
    if (lines.length === 0) return null;
    const state = { lines, i: 0 };
    const value = parseBlock(state, lines[0]!.indent);
    if (state.i < lines.length) throw new Unsupported();
    return value;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** Non-blank lines without comments; tabs in indentation and document markers are left to `yaml`. */
function toLines(source: string): Line[] {
  const out: Line[] = [];
  for (const raw of source.split(/\r?\n/)) {
    // YAML's white space is space and tab only (JavaScript's trim would also eat a BOM or NBSP).
    const text = stripComment(raw).replace(/[ \t]+$/, '');
    if (text === '') continue;
    const indent = /^ */.exec(text)![0].length;
    if (text[indent] === '\t' || /^(---|\.\.\.)([ \t]|$)/.test(text) || text.startsWith('%'))
      throw new Unsupported();
    out.push({ indent, text: text.slice(indent) });
  }
  return out;
}

/** Drops a `#` comment (at the start or after a space), outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === '"') {
      if (ch === '\\') i++;
      else if (ch === '"') quote = undefined;
    } else if (quote === "'") {
      if (ch === "'") quote = undefined;
    } else if (ch === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) {
      return line.slice(0, i);
    } else if ((ch === '"' || ch === "'") && (i === 0 || /[ \t[{,:-]/.test(line[i - 1]!))) {
      quote = ch;
    }
  }
  return line;
}

interface State {
  lines: Line[];
  i: number;
}

function parseBlock(state: State, indent: number): unknown {
  const line = state.lines[state.i]!;
  if (line.indent !== indent) throw new Unsupported();
  return isSeqItem(line.text) ? parseSequence(state, indent) : parseMapping(state, indent);
}

function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function parseSequence(state: State, indent: number): unknown[] {
  const out: unknown[] = [];
  while (state.i < state.lines.length) {
    const line = state.lines[state.i]!;
    if (line.indent < indent) break;
    if (line.indent > indent || !isSeqItem(line.text)) throw new Unsupported();
    const rest = line.text.slice(1).trimStart();
    const inner = indent + (line.text.length - rest.length);
    if (rest === '') {
      state.i++;
      out.push(nested(state, indent, false));
    } else if (isSeqItem(rest) || mappingKey(rest) !== undefined) {
      // `- key: value` (or `- - x`): a collection starting on the item's line, continuing below it.
      state.lines[state.i] = { indent: inner, text: rest };
      out.push(parseBlock(state, inner));
    } else {
      state.i++;
      out.push(inlineValue(rest));
    }
  }
  return out;
}

function parseMapping(state: State, indent: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  while (state.i < state.lines.length) {
    const line = state.lines[state.i]!;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new Unsupported();
    const entry = mappingKey(line.text);
    if (!entry) throw new Unsupported();
    // Duplicate keys and prototype-shaped keys go to `yaml`, which reports or handles them.
    if (seen.has(entry.key) || entry.key === '__proto__') throw new Unsupported();
    seen.add(entry.key);
    state.i++;
    Object.defineProperty(out, entry.key, {
      value: entry.rest === '' ? nested(state, indent, true) : inlineValue(entry.rest),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** The block under a `key:` or `-` line: deeper lines, or (after a key) a sequence at the same indent. */
function nested(state: State, indent: number, afterKey: boolean): unknown {
  const next = state.lines[state.i];
  if (!next) return null;
  if (next.indent > indent) return parseBlock(state, next.indent);
  if (afterKey && next.indent === indent && isSeqItem(next.text)) return parseSequence(state, indent);
  return null;
}

/** `key: rest` with a plain or quoted key; undefined when the text is not a mapping entry. */
function mappingKey(text: string): { key: string; rest: string } | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const { value, end } = quoted(text, 0);
    const after = text.slice(end);
    if (after === ':' || after.startsWith(': ')) return { key: value, rest: ytrim(after.slice(1)) };
    if (after.trimStart().startsWith(':')) throw new Unsupported();
    return undefined;
  }
  const match = /^([^ \t:#[\]{},&*!|>'"%@`?-][^:#]*?|-[^ \t:#][^:#]*?)[ \t]*:(?:[ \t]+(.*))?$/.exec(text);
  if (!match) return undefined;
  return { key: match[1]!, rest: ytrim(match[2] ?? '') };
}

function inlineValue(text: string): unknown {
  const first = text[0]!;
  if (first === '[' || first === '{') {
    const { value, end } = flow(text, 0);
    if (ytrim(text.slice(end)) !== '') throw new Unsupported();
    return value;
  }
  if (first === '"' || first === "'") {
    const { value, end } = quoted(text, 0);
    if (ytrim(text.slice(end)) !== '') throw new Unsupported();
    return value;
  }
  if (/^[&*!|>%@`,\]}#]/.test(text) || /^[-?:]([ \t]|$)/.test(text) || /:([ \t]|$)/.test(text))
    throw new Unsupported();
  return plain(text);
}

function flow(text: string, start: number): { value: unknown; end: number } {
  const open = text[start];
  const close = open === '[' ? ']' : '}';
  const items: unknown[] = [];
  const map: Record<string, unknown> = {};
  const seen = new Set<string>();
  let i = start + 1;
  const skip = () => {
    while (text[i] === ' ') i++;
  };
  skip();
  if (text[i] === close) return { value: open === '[' ? items : map, end: i + 1 };
  for (;;) {
    skip();
    if (i >= text.length) throw new Unsupported();
    if (open === '{') {
      const key = flowScalar(text, i, true);
      i = key.end;
      skip();
      if (text[i] !== ':') throw new Unsupported();
      i++;
      skip();
      const value = flowItem(text, i);
      i = value.end;
      const name = String(key.value);
      if (typeof key.value !== 'string' || seen.has(name) || name === '__proto__') throw new Unsupported();
      seen.add(name);
      map[name] = value.value;
    } else {
      const value = flowItem(text, i);
      i = value.end;
      items.push(value.value);
    }
    skip();
    if (text[i] === ',') {
      i++;
      skip();
      if (text[i] === close) throw new Unsupported(); // a trailing comma: leave the subtleties to yaml
      continue;
    }
    if (text[i] === close) return { value: open === '[' ? items : map, end: i + 1 };
    throw new Unsupported();
  }
}

function flowItem(text: string, i: number): { value: unknown; end: number } {
  if (text[i] === '[' || text[i] === '{') return flow(text, i);
  return flowScalar(text, i, false);
}

function flowScalar(text: string, i: number, isKey: boolean): { value: unknown; end: number } {
  if (text[i] === '"' || text[i] === "'") return quoted(text, i);
  let end = i;
  while (
    end < text.length &&
    !/[,[\]{}]/.test(text[end]!) &&
    !(text[end] === ':' && /[ \t,[\]{}]|^$/.test(text[end + 1] ?? ''))
  )
    end++;
  const raw = ytrim(text.slice(i, end));
  if (raw === '' || /^[&*!|>%@`#?-]/.test(raw) || (isKey && raw.includes(' #'))) throw new Unsupported();
  return { value: isKey ? raw : plain(raw), end };
}

function quoted(text: string, start: number): { value: string; end: number } {
  const q = text[start];
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (q === "'") {
      if (ch !== "'") out += ch;
      else if (text[i + 1] === "'") {
        out += "'";
        i++;
      } else return { value: out, end: i + 1 };
    } else if (ch === '"') {
      return { value: out, end: i + 1 };
    } else if (ch === '\\') {
      const { char, length } = escape(text, i + 1);
      out += char;
      i += length;
    } else {
      out += ch;
    }
  }
  throw new Unsupported(); // continues on the next line
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

function escape(text: string, i: number): { char: string; length: number } {
  const c = text[i];
  if (c === undefined) throw new Unsupported();
  if (Object.hasOwn(ESCAPES, c)) return { char: ESCAPES[c]!, length: 1 };
  const digits = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  const hex = text.slice(i + 1, i + 1 + digits);
  if (digits === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) throw new Unsupported();
  const code = parseInt(hex, 16);
  if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new Unsupported();
  return { char: String.fromCodePoint(code), length: 1 + digits };
}

/** Trims YAML white space (space and tab) only. */
function ytrim(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** A plain scalar under YAML 1.2's core schema. */
function plain(raw: string): unknown {
  if (/^(~|null|Null|NULL)$/.test(raw)) return null;
  if (/^(true|True|TRUE)$/.test(raw)) return true;
  if (/^(false|False|FALSE)$/.test(raw)) return false;
  if (/^[-+]?[0-9]+$/.test(raw)) return safeNumber(Number(raw));
  if (/^0o[0-7]+$/.test(raw)) return safeNumber(parseInt(raw.slice(2), 8));
  if (/^0x[0-9a-fA-F]+$/.test(raw)) return safeNumber(parseInt(raw.slice(2), 16));
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(raw)) return Number(raw);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(raw) || /^\.(nan|NaN|NAN)$/.test(raw)) throw new Unsupported();
  return raw;
}

function safeNumber(n: number): number {
  if (!Number.isSafeInteger(n)) throw new Unsupported(); // yaml would give a BigInt or lose precision
  return n;
}
