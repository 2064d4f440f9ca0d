import type { GenericSpec } from './types.js';
import { shannonEntropy } from './entropy.js';
import { wordiness } from './english.js';

/**
 * The generic rule's cheap byte-level gate. Secret-like keywords fire ~1,000 times per MB of real code;
 * after each hit we check, with no regex and no string copy, that the keyword sits in a name that is
 * assigned a long token-like value. Only the ~25 per MB that pass pay for words, entropy and filters. The
 * WASM prefilter checks the first part itself (AssignmentGate) and hands JS only the ~10-25% of hits that
 * may pass.
 */

const NAME = 1; // [A-Za-z0-9_.-]
const VALUE = 2; // token alphabet of a secret value: base64, base64url, hex, `.~` of some token formats, `%XX`
const BLANK = 4; // space, tab
const QUOTE = 8; // " ' `

/** Each byte's classes (bits NAME 1, VALUE 2, BLANK 4, QUOTE 8): the WASM prefilter's gate reads them too. */
export const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const c = String.fromCharCode(b);
  if (/[A-Za-z0-9_.-]/.test(c)) CLASS[b]! |= NAME;
  if (/[A-Za-z0-9_.~+/=%-]/.test(c)) CLASS[b]! |= VALUE;
  if (c === ' ' || c === '\t') CLASS[b]! |= BLANK;
  if (c === '"' || c === "'" || c === '`') CLASS[b]! |= QUOTE;
}

const MAX_NAME = 80;

export interface Assignment {
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
}

/**
 * Given a keyword occurrence bytes[kwStart, kwEnd), finds `name <op> value` around it on the same line, where
 * op is `=`, `:`, `:=`, `=>` or (after an auth scheme such as `Bearer`) blanks. Returns undefined fast when the
 * shape is not there.
 */
export function matchAssignment(
  bytes: Uint8Array,
  kwStart: number,
  kwEnd: number,
  spec: GenericSpec,
): Assignment | undefined {
  const n = bytes.length;
  let nameEnd = kwEnd;
  while (nameEnd < n && nameEnd - kwEnd < MAX_NAME && CLASS[bytes[nameEnd]!]! & NAME) nameEnd++;
  // The name's start is found only for a hit that passes the operator check (most hits do not), and no
  // closure is made per hit: this runs ~1,000 times per MB.
  let i = nameEnd;
  // `Bearer <token>`: a scheme word followed by blanks (checked first: decoding the name costs more).
  if (i < n && CLASS[bytes[i]!]! & BLANK) {
    const nameStart = nameStartOf(bytes, kwStart);
    if (isAuthScheme(bytes, nameStart, nameEnd, spec)) {
      while (i < n && CLASS[bytes[i]!]! & BLANK) i++;
      return assignment(nameStart, nameEnd, i, valueEnd(bytes, i, 0, spec));
    }
  }

  // Closing quote or bracket of the name: `"api_key": …`, `env['TOKEN'] = …`.
  if (i < n && CLASS[bytes[i]!]! & QUOTE) i++;
  if (i < n && bytes[i] === 0x5d /* ] */) i++;
  while (i < n && CLASS[bytes[i]!]! & BLANK) i++;
  const op = bytes[i];
  if (op === 0x3a /* : */) {
    i++;
    if (bytes[i] === 0x3a) return undefined; // `::`
    if (bytes[i] === 0x3d) i++; // `:=`
  } else if (op === 0x3d /* = */) {
    i++;
    if (bytes[i] === 0x3d) return undefined; // `==`
    if (bytes[i] === 0x3e) i++; // `=>`
  } else {
    return undefined;
  }
  while (i < n && CLASS[bytes[i]!]! & BLANK) i++;
  let quote = 0;
  if (i < n && CLASS[bytes[i]!]! & QUOTE) quote = bytes[i++]!;
  // `Authorization: Bearer …` and `"Authorization": "Bearer …"`: step over the scheme word.
  let schemeEnd = i;
  while (schemeEnd < n && CLASS[bytes[schemeEnd]!]! & NAME) schemeEnd++;
  if (
    schemeEnd > i &&
    schemeEnd < n &&
    CLASS[bytes[schemeEnd]!]! & BLANK &&
    isAuthScheme(bytes, i, schemeEnd, spec)
  ) {
    i = schemeEnd;
    while (i < n && CLASS[bytes[i]!]! & BLANK) i++;
  }
  const end = valueEnd(bytes, i, quote, spec);
  return end === undefined ? undefined : assignment(nameStartOf(bytes, kwStart), nameEnd, i, end);
}

/**
 * What the prefilter may check of a keyword hit before JS sees it (the WASM finder's assignment gate, in
 * anchors.wat): whether an operator (`=`, `:`, `:=`, `=>`, not `==` or `::`) follows the name the keyword
 * sits in, and then a value of at least `minValue` token bytes (or a word and a blank: an auth scheme). Hits
 * that fail could never pass matchAssignment; dropping them there spares a call into JS for ~80% of the
 * generic rules' keyword hits in real code.
 */
export interface AssignmentGate {
  /** The keyword may be a whole auth scheme word (`token`, `bearer`): a blank after the name keeps the hit. */
  scheme: boolean;
  /** The shortest value the anchor's rules take (0: no value check). */
  minValue: number;
}

/**
 * The gate for an anchor all of whose rules are generic (none has a pattern to run), else undefined: a hit
 * of it is kept for those rules' matchAssignment only. `literal` is the anchor, in any case.
 */
export function assignmentGate(literal: string, specs: readonly GenericSpec[]): AssignmentGate | undefined {
  if (specs.length === 0) return undefined;
  return {
    scheme: specs.some((spec) =>
      spec.authSchemes.some((scheme) => scheme.toLowerCase().includes(literal.toLowerCase())),
    ),
    minValue: Math.min(...specs.map((spec) => spec.minLength)),
  };
}

/**
 * Runs matchAssignment once down each of its branches before any real text does. V8 optimises it after a
 * few thousand keyword hits, and throws that code away whenever a branch it has not seen runs (a `:=`, a
 * `=>`, a quoted name, an auth scheme): on the bench's mid history it was compiled 7 times, ~100 ms of a
 * background thread on a two-core machine the scan and git already fill. Seen once here, in the
 * interpreter (well under a millisecond), the branches are in its first optimised code.
 */
export function primeAssignment(spec: GenericSpec): void {
  const value = 'x'.repeat(Math.max(1, spec.minLength));
  const scheme = spec.authSchemes[0] ?? 'bearer';
  // `secret` as the name (six bytes, the keyword hit being the whole name): not an auth scheme word.
  const lines = [
    `secret = "${value}"`,
    `secret: ${value},`,
    `secret := ${value}\n`,
    `secret => '${value}'`,
    `secret == ${value}`,
    `secret :: ${value}`,
    `secret(${value})`,
    `"secret": "${scheme} ${value}"`,
    `env['secret'] = ${value};`,
    `secret = "${value}x"y`,
    `secret = ${value}(`,
    `secret = "x"`,
    `secret = ${value}${'x'.repeat(spec.maxLength)}`,
    `secret ${value}`,
  ];
  const texts = lines.map((line) => ({ bytes: latin1Bytes(line), at: line.indexOf('secret') }));
  const auth = latin1Bytes(`${scheme} ${value}`);
  // V8 records what a branch saw only once the function has a feedback vector, which it gets after
  // running a while: the first rounds pay for that, the later ones are seen.
  for (let round = 0; round < PRIMING_ROUNDS; round++) {
    for (const { bytes, at } of texts) matchAssignment(bytes, at, at + 6, spec);
    matchAssignment(auth, 0, scheme.length, spec);
  }
}

const PRIMING_ROUNDS = 12;

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Start of the name around a keyword that starts at kwStart. */
function nameStartOf(bytes: Uint8Array, kwStart: number): number {
  let start = kwStart;
  while (start > 0 && kwStart - start < MAX_NAME && CLASS[bytes[start - 1]!]! & NAME) start--;
  return start;
}

function assignment(
  nameStart: number,
  nameEnd: number,
  valueStart: number,
  valueEnd: number | undefined,
): Assignment | undefined {
  return valueEnd === undefined ? undefined : { nameStart, nameEnd, valueStart, valueEnd };
}

/** End of a token-like value of the rule's length starting at `start`, properly terminated, or undefined. */
function valueEnd(bytes: Uint8Array, start: number, quote: number, spec: GenericSpec): number | undefined {
  const n = bytes.length;
  let end = start;
  while (end < n && end - start <= spec.maxLength && CLASS[bytes[end]!]! & VALUE) end++;
  const length = end - start;
  if (length < spec.minLength || length > spec.maxLength) return undefined;
  const next = end < n ? bytes[end]! : 0x0a;
  if (quote !== 0) {
    if (next !== quote) return undefined; // a string literal that holds more than one token
  } else if (!isValueTerminator(next)) {
    return undefined; // `token = getToken(…)`, `key = a.b`, `x = y + z`
  }
  return end;
}

function isValueTerminator(b: number): boolean {
  // end of line, blank, separators and closers; `\` starts an escape such as `\n` in a JSON string
  return (
    b === 0x0a ||
    b === 0x0d ||
    b === 0x20 ||
    b === 0x09 ||
    b === 0x2c ||
    b === 0x3b ||
    b === 0x7d ||
    b === 0x29 ||
    b === 0x23 ||
    b === 0x5c ||
    b === 0x22 ||
    b === 0x27 ||
    b === 0x60
  );
}

/** Whether bytes[start, end) spell one of the auth schemes, ASCII case-insensitively (no string built). */
function isAuthScheme(bytes: Uint8Array, start: number, end: number, spec: GenericSpec): boolean {
  outer: for (const scheme of spec.authSchemes) {
    if (scheme.length !== end - start) continue;
    for (let j = 0; j < scheme.length; j++)
      if ((bytes[start + j]! | 0x20) !== scheme.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}

/** Splits a name into lower-case words: `openaiApiKey` → openai, api, key; `X-API-KEY` → x, api, key. */
export function nameWords(name: string): string[] {
  const last = name.slice(name.lastIndexOf('.') + 1);
  return last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Whether a name is secret-like by the rule's word lists. */
export function isSecretName(name: string, spec: GenericSpec): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (last === undefined || words.some((w) => spec.excludeWords.includes(w))) return false;
  if (spec.secretWords.includes(last)) return true;
  if (last === 'key' && words.length >= 2) return spec.keyQualifiers.includes(words[words.length - 2]!);
  return false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]+$|^[0-9A-F]+$/;
const PATH_OR_DOTTED = /^[./~]|\/\/|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const VERSION = /^v?\d+(?:\.\d+){1,3}(?:[-+][\w.-]*)?$/;

/**
 * The generic rule's gate: why a candidate value does not look like a secret at all, or undefined when it
 * does: identifiers and words (`babel7CompatTokens`, `SomeKindOfPassword123`), UUIDs, paths and references,
 * versions, low entropy. A value that passes is a candidate; what it says (a placeholder, test words,
 * encoded text, an example) is then judged by the filters (filters.ts), which count what they hide.
 */
export function genericValueRejection(value: string, spec: GenericSpec): string | undefined {
  if (spec.formatPrefixes?.some((prefix) => value.startsWith(prefix))) return 'format-prefix';
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return 'one-class';
  if (UUID.test(value)) return 'uuid';
  if (VERSION.test(value)) return 'version';
  if (PATH_OR_DOTTED.test(value) && !randomBase64(value)) return 'path';
  if (wordiness(value) > 0.5) return 'words';
  // A short string cannot reach the entropy of a long one: scale the bar down below 32 characters.
  const scale = Math.min(1, Math.log2(value.length) / 5);
  const entropy = shannonEntropy(value);
  if (entropy <= scale * (HEX.test(value) ? spec.minEntropyHex : spec.minEntropy)) return 'entropy';
  return undefined;
}

/** A base64 token that happens to start with `/` (one in 64 do), not a path: no words between its slashes. */
function randomBase64(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && BASE64.test(value) && wordiness(value) < 0.5;
}
