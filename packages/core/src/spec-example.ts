import { latin1 } from './latin1.js';

/**
 * Examples in specifications: OpenAPI (Swagger) and JSON Schema documents show what a request or a
 * response looks like under `example:` and `examples:`, secrets and all, and those values are examples.
 * A value is judged one when the document is such a specification and an enclosing key is `example`,
 * `examples` or `x-example(s)`: by indentation in YAML and pretty-printed JSON, by brackets within a line
 * (flow mappings, minified JSON). Only generic candidates are judged so; a provider rule's match stands.
 */

const SPEC_PATH = /(?:^|[/\\])[^/\\]*(?:openapi|swagger)[^/\\]*\.(?:ya?ml|json)$|\.schema\.json$/i;
const SPEC_HEAD =
  /(?:^|[\s{,])["']?(?:openapi|swagger)["']?\s*:\s*["']?\d|["']?\$schema["']?\s*:\s*["']?https?:\/\/json-schema\.org\//m;
const DATA_FILE = /\.(?:ya?ml|json)$/i;
const EXAMPLE_KEY = /^(?:x-)?examples?$/;
/** How much of a document's start says what it is. */
const HEAD = 4096;
/** How far back the enclosing keys are looked for. */
const REACH = 256 * 1024;

/** Whether the content is an OpenAPI, Swagger or JSON Schema document (by name, or by its first lines). */
export function isSpecDocument(bytes: Uint8Array, path: string): boolean {
  if (SPEC_PATH.test(path)) return true;
  if (!DATA_FILE.test(path)) return false;
  return SPEC_HEAD.test(latin1(bytes, 0, Math.min(bytes.length, HEAD)));
}

/** Whether the value starting at `valueStart` sits under an `example`/`examples` key of a specification. */
export function isSpecExample(bytes: Uint8Array, path: string, valueStart: number): boolean {
  return isSpecDocument(bytes, path) && underExampleKey(bytes, valueStart);
}

/** Whether an enclosing key of the value at `valueStart` is an example key. */
export function underExampleKey(bytes: Uint8Array, valueStart: number): boolean {
  let lineStart = valueStart;
  while (lineStart > 0 && bytes[lineStart - 1] !== 0x0a) lineStart--;
  if (enclosingKeysInLine(bytes, lineStart, valueStart).some((k) => EXAMPLE_KEY.test(k))) return true;
  let indent = keyColumn(bytes, lineStart);
  const stop = Math.max(0, valueStart - REACH);
  for (let end = lineStart - 1; end > stop && indent > 0;) {
    let start = end;
    while (start > 0 && bytes[start - 1] !== 0x0a) start--;
    const column = keyColumn(bytes, start);
    if (column >= 0 && column < indent) {
      indent = column;
      const key = keyAt(bytes, start + column, end);
      if (key !== undefined && EXAMPLE_KEY.test(key)) return true;
    }
    end = start - 1;
  }
  return false;
}

/**
 * Column of a line's key: leading blanks, plus `- ` list markers (a key in a list item sits after the
 * dash). -1 for blank and comment lines, which say nothing about nesting.
 */
function keyColumn(bytes: Uint8Array, start: number): number {
  let i = start;
  for (;;) {
    while (bytes[i] === 0x20 || bytes[i] === 0x09) i++;
    if (bytes[i] === 0x2d /* - */ && (bytes[i + 1] === 0x20 || bytes[i + 1] === 0x09)) i++;
    else break;
  }
  const b = bytes[i];
  if (b === undefined || b === 0x0a || b === 0x0d || b === 0x23 /* # */) return -1;
  if (b === 0x2f /* / */ && bytes[i + 1] === 0x2f) return -1;
  return i - start;
}

/** The key a line starts with at `at` (`key:`, `"key":`, `'key':`), or undefined. */
function keyAt(bytes: Uint8Array, at: number, end: number): string | undefined {
  const quote = bytes[at] === 0x22 || bytes[at] === 0x27 ? bytes[at] : 0;
  let i = quote ? at + 1 : at;
  const from = i;
  while (i < end && bytes[i] !== 0x3a && bytes[i] !== quote && bytes[i] !== 0x0a) i++;
  const key = latin1(bytes, from, i);
  if (quote) i++;
  while (bytes[i] === 0x20) i++;
  return bytes[i] === 0x3a ? key.trim() : undefined;
}

/**
 * The keys of the brackets that enclose `at` within its line, innermost first: from `{"example": {"token":`
 * the key `example`. Strings are stepped over, so braces inside them do not count.
 */
function enclosingKeysInLine(bytes: Uint8Array, lineStart: number, at: number): string[] {
  const keys: string[] = [];
  let depth = 0;
  let i = at - 1;
  // A quoted value: start outside its opening quote.
  if (i >= lineStart && (bytes[i] === 0x22 || bytes[i] === 0x27)) i--;
  for (; i >= lineStart; i--) {
    const b = bytes[i];
    if (b === 0x22 && !escaped(bytes, i)) {
      i--;
      while (i >= lineStart && !(bytes[i] === 0x22 && !escaped(bytes, i))) i--;
    } else if (b === 0x7d || b === 0x5d) {
      depth++;
    } else if (b === 0x7b || b === 0x5b) {
      if (depth > 0) depth--;
      else {
        const key = keyBefore(bytes, lineStart, i);
        if (key !== undefined) keys.push(key);
      }
    }
  }
  return keys;
}

/** The key before an opening bracket at `at` (`"key": {`, `key: [`), or undefined. */
function keyBefore(bytes: Uint8Array, lineStart: number, at: number): string | undefined {
  let i = at - 1;
  while (i >= lineStart && (bytes[i] === 0x20 || bytes[i] === 0x09)) i--;
  if (bytes[i] !== 0x3a) return undefined;
  i--;
  while (i >= lineStart && (bytes[i] === 0x20 || bytes[i] === 0x09)) i--;
  const quote = bytes[i] === 0x22 || bytes[i] === 0x27 ? bytes[i] : 0;
  if (quote) i--;
  const end = i + 1;
  while (i >= lineStart && /[\w$-]/.test(String.fromCharCode(bytes[i]!))) i--;
  return end > i + 1 ? latin1(bytes, i + 1, end) : undefined;
}

function escaped(bytes: Uint8Array, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && bytes[i] === 0x5c; i--) n++;
  return n % 2 === 1;
}
