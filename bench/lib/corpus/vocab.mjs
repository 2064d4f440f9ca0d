/**
 * Words and small value makers for the synthetic corpus. Secret-like words (`key`, `token`, `secret`,
 * `password`, `auth`, `credential`) are frequent on purpose: in real code they sit in identifiers,
 * comments and messages far more often than beside a secret, and they dominate a scanner's cost.
 */
import { randomString } from '../keys.mjs';

export const WORDS = (
  'user account request response handler config options client server cache index value result ' +
  'error data item list map node tree event stream buffer file path name type state context session ' +
  'message query schema model service store router logger parser id hash signature header payload ' +
  'timeout retry limit offset count size format render update create delete fetch load save parse ' +
  'validate resolve transform build init reset close open read write send handle process compute ' +
  'queue worker job task batch page row column table field entry record chunk line text label color ' +
  'theme layout view component props hook effect reducer action dispatch middleware plugin module ' +
  'package version release channel socket connection pool transaction migration database tenant org ' +
  'project team member role permission scope policy region bucket object upload download image ' +
  'video audio prompt completion embedding vector tokenizer encoder decoder layer weight metric ' +
  'trace'
).split(' ');

/** Secret-like words: `word()` mixes them into identifiers, comments and messages at a fixed rate. */
export const SECRET_WORDS = [
  'key',
  'token',
  'secret',
  'password',
  'auth',
  'credential',
  'apiKey',
  'accessToken',
];

export const TYPES = [
  'string',
  'number',
  'boolean',
  'Buffer',
  'Date',
  'Record<string, unknown>',
  'unknown[]',
];

export const SENTENCE_WORDS = (
  'the a of to is and in when this that returns if not for with we it be on from before after only ' +
  'each every new old first last empty missing invalid cached pending current default optional'
).split(' ');

/** Helpers bound to one PRNG stream. */
export function vocab(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const chance = (p) => next() < p;
  const cap = (w) => w[0].toUpperCase() + w.slice(1);
  const word = () => (chance(0.012) ? pick(SECRET_WORDS) : pick(WORDS));
  const camel = (n = int(1, 3)) => {
    let s = word();
    for (let i = 1; i < n; i++) s += cap(word());
    return s;
  };
  const pascal = (n = int(1, 3)) => cap(camel(n));
  const snake = (n = int(1, 3)) => {
    let s = word();
    for (let i = 1; i < n; i++) s += '_' + word();
    return s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
  };
  const screaming = (n = int(2, 3)) => snake(n).toUpperCase();
  const sentence = (n = int(4, 12)) => {
    const parts = [];
    for (let i = 0; i < n; i++) parts.push(chance(0.35) ? word() : pick(SENTENCE_WORDS));
    return cap(parts.join(' '));
  };
  const uuid = () =>
    `${randomString(next, 'hex', 8)}-${randomString(next, 'hex', 4)}-4${randomString(next, 'hex', 3)}-` +
    `${pick(['8', '9', 'a', 'b'])}${randomString(next, 'hex', 3)}-${randomString(next, 'hex', 12)}`;
  const hex = (n) => randomString(next, 'hex', n);
  const b64 = (n) => randomString(next, 'base64', n);
  const semver = () => `${int(0, 12)}.${int(0, 30)}.${int(0, 20)}`;
  /** A value assigned to a secret-like name that is not a secret: what real code and docs hold. */
  const notASecret = () =>
    pick([
      `process.env.${screaming()}`,
      `'<your-${pick(['api-key', 'token', 'secret'])}>'`,
      `'YOUR_API_KEY'`,
      `'changeme'`,
      `''`,
      `'test-token'`,
      `'sk-...'`,
      `'xxxxxxxxxxxxxxxxxxxx'`,
      `'\${${screaming()}}'`,
      `config.${camel(2)}`,
      `options.${camel(1)}`,
      `'${pick(['x-api-key', 'authorization', 'x-auth-token', 'api_key'])}'`,
    ]);
  return {
    pick,
    int,
    chance,
    cap,
    word,
    camel,
    pascal,
    snake,
    screaming,
    sentence,
    uuid,
    hex,
    b64,
    semver,
    notASecret,
  };
}
