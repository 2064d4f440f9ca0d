import type { ProviderId } from './types.js';

/** Each provider's official API base, as its SDK spells it. Keys are sent nowhere else unless overridden. */
export const OFFICIAL_BASE_URLS: Readonly<Record<ProviderId, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  groq: 'https://api.groq.com/openai/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  huggingface: 'https://huggingface.co',
  google: 'https://generativelanguage.googleapis.com',
  xai: 'https://api.x.ai/v1',
  replicate: 'https://api.replicate.com/v1',
  deepseek: 'https://api.deepseek.com',
  mistral: 'https://api.mistral.ai/v1',
  cohere: 'https://api.cohere.com',
  github: 'https://api.github.com',
  slack: 'https://slack.com/api',
  stripe: 'https://api.stripe.com/v1',
  tavily: 'https://api.tavily.com',
  langsmith: 'https://api.smith.langchain.com',
  elevenlabs: 'https://api.elevenlabs.io',
  deepgram: 'https://api.deepgram.com/v1',
  together: 'https://api.together.xyz/v1',
  fireworks: 'https://api.fireworks.ai/inference/v1',
};

export const PROVIDER_IDS = Object.keys(OFFICIAL_BASE_URLS) as ProviderId[];

/** A base-URL override that cannot be used. The message names where it came from, never a key. */
export class BaseUrlError extends Error {
  readonly source: string;
  readonly reason: string;

  constructor(source: string, reason: string) {
    super(`${source}: ${reason}`);
    this.name = 'BaseUrlError';
    this.source = source;
    this.reason = reason;
  }
}

export interface ResolvedBase {
  /** Base URL without a trailing slash, e.g. `https://api.openai.com/v1`. */
  url: string;
  /** Where an override came from (`KEYWARD_OPENAI_BASE_URL`, `--base-url`); absent for the official host. */
  source?: string;
}

export function envVarName(provider: ProviderId): string {
  return `KEYWARD_${provider.toUpperCase()}_BASE_URL`;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Normalises an override. Like the SDKs' base URL: a value with no path gets the official path added
 * (`http://127.0.0.1:8080` → `http://127.0.0.1:8080/v1` for OpenAI). Plain http is accepted for loopback
 * hosts only (tests, local proxies): keys never cross a network unencrypted.
 */
export function normaliseBaseUrl(provider: ProviderId, value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new BaseUrlError(source, 'not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new BaseUrlError(source, 'not an http(s) URL');
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw new BaseUrlError(source, 'plain http is allowed for loopback hosts only; use https');
  }
  if (url.username || url.password) throw new BaseUrlError(source, 'credentials in the URL are not accepted');
  if (url.search || url.hash) throw new BaseUrlError(source, 'a base URL takes no query or fragment');
  const path = url.pathname.replace(/\/+$/, '');
  const officialPath = new URL(OFFICIAL_BASE_URLS[provider]).pathname.replace(/\/+$/, '');
  return `${url.origin}${path === '' ? officialPath : path}`;
}

/**
 * The base URL of every provider: the official one unless the command line (`baseUrls`) or the environment
 * (`KEYWARD_<PROVIDER>_BASE_URL`) overrides it. Nothing else can: a repository's config file must never be
 * able to redirect the keys found in it.
 */
export function resolveBaseUrls(
  env: Record<string, string | undefined> = {},
  flags: Partial<Record<ProviderId, string>> = {},
): Record<ProviderId, ResolvedBase> {
  const resolved = {} as Record<ProviderId, ResolvedBase>;
  for (const provider of PROVIDER_IDS) {
    const flag = flags[provider];
    const variable = envVarName(provider);
    const fromEnv = env[variable];
    if (flag !== undefined && flag !== '') {
      resolved[provider] = { url: normaliseBaseUrl(provider, flag, '--base-url'), source: '--base-url' };
    } else if (fromEnv !== undefined && fromEnv.trim() !== '') {
      resolved[provider] = { url: normaliseBaseUrl(provider, fromEnv, variable), source: variable };
    } else {
      resolved[provider] = { url: OFFICIAL_BASE_URLS[provider] };
    }
  }
  return resolved;
}

/**
 * Parses `--base-url` values: `provider=URL`, or a bare URL meaning OpenAI (the common case, like the
 * SDK's `OPENAI_BASE_URL`).
 */
export function parseBaseUrlFlags(values: readonly string[]): Partial<Record<ProviderId, string>> {
  const flags: Partial<Record<ProviderId, string>> = {};
  for (const value of values) {
    const match = /^([a-z]+)=(.*)$/.exec(value);
    const provider = (match ? match[1] : 'openai') as ProviderId;
    if (!PROVIDER_IDS.includes(provider)) {
      throw new BaseUrlError(
        '--base-url',
        `unknown provider "${provider}"; use one of ${PROVIDER_IDS.join(', ')}`,
      );
    }
    flags[provider] = match ? (match[2] ?? '') : value;
  }
  return flags;
}
