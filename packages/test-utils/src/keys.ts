import { type AlphabetName, randomString, rng } from '@keyward/rules';

/**
 * Fake keys for tests, built at test time from a seeded generator so that no key-shaped literal is ever
 * committed (other scanners and push protection must not see live-looking keys in this repository).
 */

/** Base64 of "OpenAI": every OpenAI key family carries it. Assembled so that the literal never appears whole. */
export const OPENAI_MARKER = ['T3Bl', 'bkFJ'].join('');
/** Base64 of "XgroqX": Groq keys carry it at offset 24 of the body. */
export const GROQ_MARKER = ['WGdy', 'b3FY'].join('');

export { ALPHABETS, rng, randomString, type AlphabetName } from '@keyward/rules';

export type FakeKeyKind =
  | 'openai-project'
  | 'openai-project-56'
  | 'openai-svcacct'
  | 'openai-admin'
  | 'openai-legacy'
  | 'openai-none'
  | 'anthropic'
  | 'anthropic-admin'
  | 'anthropic-oauth'
  | 'groq'
  | 'openrouter'
  | 'huggingface'
  | 'huggingface-org'
  | 'google'
  | 'xai'
  | 'perplexity'
  | 'replicate'
  | 'deepseek'
  | 'azure-openai'
  | 'mistral'
  | 'cohere';

/**
 * A fake key of the given kind. Long OpenAI bodies end in `A` like real ones (a base64url segment whose
 * length is 2 mod 4 has zero padding bits).
 */
export function fakeKey(kind: FakeKeyKind, seed = 1): string {
  const next = rng(seed);
  const s = (alphabet: AlphabetName, n: number) => randomString(next, alphabet, n);
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
    // The last three have no prefix: rules find them only with provider context in the line (see rules/).
    case 'azure-openai':
      return s('hex', 32);
    case 'mistral':
      return `${s('alnum', 31)}${s('0123456789', 1)}`;
    case 'cohere':
      return `${s('alnum', 39)}${s('0123456789', 1)}`;
  }
}
