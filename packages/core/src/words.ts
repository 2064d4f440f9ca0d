import { isWordLike } from './english.js';

/**
 * Values built of words: what people type where a key would go in tests and docs (`m0-test-key-1234`,
 * `sk-test-azure-imds-secret-7f3e`, `another-token`, `VERYLONGSECRET…`). A random token is not made of
 * words; these are, whatever their prefix. Only the generic rule's candidates are judged this way: a
 * provider key's exact shape (an OpenAI key's marker, say) says more than its letters do.
 */

/** Words that say a value is a stand-in: test data, examples, names of the thing rather than the thing. */
const TEST_WORDS = (
  'test tests testing example examples sample demo fake dummy mock mocked stub placeholder synthetic invalid ' +
  'bogus foo bar baz qux quux hello world lorem ipsum changeme notreal redacted secret secrets key keys token ' +
  'tokens password passwords passwd pass pwd credential credentials cred creds apikey auth'
).split(' ');

/**
 * Other words such values are made of. The bigram test of english.ts reads most English as words; these
 * are the short words and technical names it does not (`proxy`, `azure`, `git`).
 */
const OTHER_WORDS = (
  'a an the my your our new old another other some any very long short super real not no valid wrong bad ' +
  'good correct incorrect default value string one two first second proxy git http https api app sdk jwt ' +
  'oauth user users admin root local dev prod client server access private session bearer basic login ' +
  'azure aws gcp openai google github gitlab slack stripe custom here this that for of to is it'
).split(' ');

const TEST = new Set(TEST_WORDS);
const VOCABULARY = new Set([...TEST_WORDS, ...OTHER_WORDS]);
const LONGEST = Math.max(...[...VOCABULARY].map((w) => w.length));

/**
 * Credential words spelled inside a value (`VERYLONGSECRETeyJ…`, `MySecretPassword`): five letters or
 * more, so that a random token holds one by chance less than once in ~10^5.
 */
const SPELLED = /secret|passw(?:or)?d|credential|token/i;

/** A tail of at most 8 digits or hex characters (with a digit) ends many test keys: `-1234`, `abcd1234`. */
const TAIL = /^(?=[a-f]*\d)[0-9a-f]{1,8}$/i;
const DIGIT_TAIL = /^(.*?[A-Za-z])(\d{1,8})$/;

export interface Spelling {
  /** Vocabulary words found, in order. */
  words: string[];
  /** Letters and digits outside the tail. */
  chars: number;
  /** Of those, the ones no word covers. */
  unknown: number;
  /** The short numeric or hex tail, if any. */
  tail: string;
}

/**
 * Reads a value as words: splits it at separators, case changes and digits, and covers each letter run
 * with vocabulary words (or, when they leave letters over, takes it whole if it reads as an English word
 * of four letters or more).
 */
export function spell(value: string): Spelling {
  const tokens = value.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let tail = '';
  const last = tokens[tokens.length - 1];
  if (last !== undefined && tokens.length > 1 && TAIL.test(last)) tail = tokens.pop()!;
  else if (last !== undefined) {
    const m = DIGIT_TAIL.exec(last);
    if (m) {
      tokens[tokens.length - 1] = m[1]!;
      tail = m[2]!;
    }
  }
  const words: string[] = [];
  let chars = 0;
  let unknown = 0;
  for (const token of tokens) {
    for (const run of token.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g) ?? []) {
      chars += run.length;
      if (/^\d/.test(run)) {
        unknown += run.length;
        continue;
      }
      const lower = run.toLowerCase();
      const cover = segment(lower);
      if (cover.unknown > 0 && lower.length >= 4 && isWordLike(lower)) {
        words.push(lower);
        continue;
      }
      words.push(...cover.words);
      unknown += cover.unknown;
    }
  }
  return { words, chars, unknown, tail };
}

/** The vocabulary words that cover most of a lower-case letter run (dynamic programming, left to right). */
function segment(run: string): { words: string[]; unknown: number } {
  const n = run.length;
  // best[i]: fewest uncovered letters in run[0, i); how[i]: the word ending at i (or '' for a skipped letter)
  const best = new Array<number>(n + 1).fill(Infinity);
  const how = new Array<string>(n + 1).fill('');
  best[0] = 0;
  for (let i = 0; i < n; i++) {
    if (best[i]! + 1 < best[i + 1]!) {
      best[i + 1] = best[i]! + 1;
      how[i + 1] = '';
    }
    for (let len = 1; len <= LONGEST && i + len <= n; len++) {
      const word = run.slice(i, i + len);
      if (VOCABULARY.has(word) && best[i]! < best[i + len]!) {
        best[i + len] = best[i]!;
        how[i + len] = word;
      }
    }
  }
  const words: string[] = [];
  for (let i = n; i > 0;) {
    const word = how[i]!;
    if (word) words.unshift(word);
    i -= word ? word.length : 1;
  }
  return { words, unknown: best[n]! };
}

/**
 * Why a value is a word-built stand-in rather than a secret, or undefined: it spells a credential word,
 * or it is made of words (one of them a test or credential word) with at most a short numeric or hex tail
 * and a few other characters (`sk`, `m0`, `imds`).
 */
export function testKeyReason(value: string): string | undefined {
  const spelled = SPELLED.exec(value);
  if (spelled) return `spells the word "${spelled[0].toLowerCase()}"`;
  return wordBuilt(value) ? 'made of words with at most a short tail' : undefined;
}

/** Whether a value is made of words, one of them a test or credential word, plus at most a short tail. */
export function wordBuilt(value: string): boolean {
  const { words, chars, unknown } = spell(value);
  if (!words.some((w) => TEST.has(w))) return false;
  const known = chars - unknown;
  return known >= 4 && unknown <= Math.max(2, 0.3 * chars);
}

/** Whether a text reads as words (a phrase, a name): every run of letters covered, nothing random left. */
export function isPhrase(text: string): boolean {
  const { chars, unknown, words } = spell(text);
  return words.length > 0 && chars - unknown >= 3 && unknown <= 0.2 * chars;
}
