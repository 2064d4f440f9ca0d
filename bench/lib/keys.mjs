/**
 * Seeded fake keys for the bench: a plain-JS copy of packages/test-utils/src/keys.ts (the bench runs on
 * Node 20 without a TypeScript step). bench/harness.test.ts checks that both give the same keys. No
 * key-shaped literal is ever written in this repository: keys are built when the bench runs.
 */

/** Base64 of "OpenAI": every OpenAI key family carries it. Assembled so that the literal never appears whole. */
export const OPENAI_MARKER = ['T3Bl', 'bkFJ'].join('');
/** Base64 of "XgroqX": Groq keys carry it at offset 24 of the body. */
export const GROQ_MARKER = ['WGdy', 'b3FY'].join('');

export const ALPHABETS = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  hex: '0123456789abcdef',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  upperAlnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
};

/** mulberry32: a tiny deterministic PRNG; the same seed gives the same stream on every machine. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random string of `length` characters drawn from a named alphabet or a string of characters. */
export function randomString(next, alphabet, length) {
  const chars = ALPHABETS[alphabet] ?? alphabet;
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(next() * chars.length)];
  return out;
}

export const FAKE_KEY_KINDS = [
  'openai-project',
  'openai-project-56',
  'openai-svcacct',
  'openai-admin',
  'openai-legacy',
  'openai-none',
  'anthropic',
  'anthropic-admin',
  'anthropic-oauth',
  'groq',
  'openrouter',
  'huggingface',
  'huggingface-org',
  'google',
  'xai',
  'perplexity',
  'replicate',
  'deepseek',
  'azure-openai',
  'mistral',
  'cohere',
];

/** A fake key of the given kind (same shapes and seeds as test-utils' fakeKey). */
export function fakeKey(kind, seed = 1) {
  const next = rng(seed);
  const s = (alphabet, n) => randomString(next, alphabet, n);
  const m = OPENAI_MARKER;
  switch (kind) {
    case 'openai-project':
      return `sk-proj-${s('base64url', 74)}${m}${s('base64url', 73)}A`;
    case 'openai-project-56':
      return `sk-proj-${s('alnum', 20)}${m}${s('alnum', 20)}`;
    case 'openai-svcacct':
      return `sk-svcacct-${s('base64url', 74)}${m}${s('base64url', 73)}A`;
    case 'openai-admin':
      return `sk-admin-${s('base64url', 58)}${m}${s('base64url', 57)}A`;
    case 'openai-legacy':
      return `sk-${s('alnum', 20)}${m}${s('alnum', 20)}`;
    case 'openai-none':
      return `sk-None-${s('base64url', 74)}${m}${s('base64url', 73)}A`;
    case 'anthropic':
      return `sk-ant-api03-${s('base64url', 93)}AA`;
    case 'anthropic-admin':
      return `sk-ant-admin01-${s('base64url', 93)}AA`;
    case 'anthropic-oauth':
      return `sk-ant-oat01-${s('base64url', 93)}AA`;
    case 'groq':
      return `gsk_${s('alnum', 24)}${GROQ_MARKER}${s('alnum', 20)}`;
    case 'openrouter':
      return `sk-or-v1-${s('hex', 64)}`;
    case 'huggingface':
      return `hf_${s('letters', 34)}`;
    case 'huggingface-org':
      return `api_org_${s('letters', 34)}`;
    case 'google':
      return `AIzaSy${s('base64url', 33)}`;
    case 'xai':
      return `xai-${s('alnum', 80)}`;
    case 'perplexity':
      return `pplx-${s('alnum', 48)}`;
    case 'replicate':
      return `r8_${s('alnum', 37)}`;
    case 'deepseek':
      return `sk-${s('hex', 32)}`;
    // The last three have no prefix: rules find them only with provider context in the line.
    case 'azure-openai':
      return s('hex', 32);
    case 'mistral':
      return `${s('alnum', 31)}${s('0123456789', 1)}`;
    case 'cohere':
      return `${s('alnum', 39)}${s('0123456789', 1)}`;
    default:
      throw new Error(`unknown fake key kind ${kind}`);
  }
}

/** The OpenAI pattern given to ripgrep: what an equivalent single-regex scanner looks for. */
export const OPENAI_RG_PATTERN = `sk-(?:proj-|svcacct-|service-|admin-|None-)?[A-Za-z0-9_-]{16,}${OPENAI_MARKER}[A-Za-z0-9_-]{16,}`;
