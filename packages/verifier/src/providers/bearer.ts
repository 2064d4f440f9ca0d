import {
  deactivated,
  fallback,
  field,
  ipNotAllowed,
  live,
  mentionsIpRestriction,
  missingScopes,
  noQuota,
  readBody,
  rejected,
  restricted,
  restrictedByScopes,
  type Body,
} from '../interpret.js';
import type { HttpResponse, ProviderId, Verdict } from '../types.js';
import { bearer, type Check } from './check.js';

/**
 * Providers that take `Authorization: Bearer <key>` (or their own header: `headers`) and answer 401 (with a
 * JSON error) for a key they do not accept, as trufflehog's detectors for them read it. `onOk` reads a 200
 * body for more than "live" (a used-up balance, a disabled flag); `onError` handles a provider's own
 * rejections, and may hand a response it cannot judge to `fallback` (never invalid).
 */
function bearerCheck(options: {
  provider: ProviderId;
  name: string;
  path: string;
  headers?: Check['headers'];
  onOk?: (json: unknown) => Verdict | undefined;
  onError?: (status: number, body: Body, response: HttpResponse) => Verdict | undefined;
}): Check {
  const interpret = (response: HttpResponse): Verdict => {
    const body = readBody(response);
    const status = response.status;
    if (status === 200 && body.looksJson) return options.onOk?.(body.json) ?? live('the key authenticated');
    if (body.looksJson) {
      const own = options.onError?.(status, body, response);
      if (own) return own;
      if (status === 401 || status === 403) {
        const scopes = missingScopes(body.error.message);
        if (scopes) return restrictedByScopes(scopes);
        if (mentionsIpRestriction(body.error)) return ipNotAllowed();
        if (/permission/i.test(body.error.message)) {
          return restricted('the key authenticated but has no permission for this endpoint');
        }
      }
      if (status === 401) return rejected(`${options.name} rejected the key`);
    }
    return fallback(response, body);
  };
  return { provider: options.provider, path: options.path, headers: options.headers ?? bearer, interpret };
}

export const groqCheck = bearerCheck({ provider: 'groq', name: 'Groq', path: '/models' });

export const openRouterCheck = bearerCheck({
  provider: 'openrouter',
  name: 'OpenRouter',
  path: '/key',
  onOk: (json) => {
    const remaining = field(json, 'data', 'limit_remaining');
    return typeof remaining === 'number' && remaining <= 0
      ? noQuota('the key authenticated but its credit limit is used up')
      : undefined;
  },
});

export const huggingFaceCheck = bearerCheck({
  provider: 'huggingface',
  name: 'Hugging Face',
  path: '/api/whoami-v2',
  onOk: (json) => {
    const role = field(json, 'auth', 'accessToken', 'role');
    return typeof role === 'string' && /^[A-Za-z]{1,20}$/.test(role)
      ? live(`the token authenticated (role: ${role})`)
      : undefined;
  },
});

export const xaiCheck = bearerCheck({
  provider: 'xai',
  name: 'xAI',
  path: '/api-key',
  onOk: (json) => {
    if (field(json, 'api_key_disabled') === true || field(json, 'api_key_blocked') === true) {
      return deactivated('xAI reports the key disabled or blocked');
    }
    if (field(json, 'team_blocked') === true) return deactivated("xAI reports the key's team blocked");
    return undefined;
  },
  // xAI answers 400 "Incorrect API key provided" for a key it does not know (trufflehog: 400 and 401 dead).
  onError: (status, body) =>
    status === 400 && /incorrect api key|invalid api key/i.test(body.error.message)
      ? rejected('xAI rejected the key')
      : undefined,
});

export const replicateCheck = bearerCheck({ provider: 'replicate', name: 'Replicate', path: '/account' });

export const deepSeekCheck = bearerCheck({
  provider: 'deepseek',
  name: 'DeepSeek',
  path: '/user/balance',
  onOk: (json) =>
    field(json, 'is_available') === false
      ? noQuota("the key authenticated but the account's balance is used up")
      : undefined,
});

export const mistralCheck = bearerCheck({ provider: 'mistral', name: 'Mistral', path: '/models' });

export const cohereCheck = bearerCheck({
  provider: 'cohere',
  name: 'Cohere',
  path: '/v1/models?page_size=1',
});

export const togetherCheck = bearerCheck({ provider: 'together', name: 'Together AI', path: '/models' });

export const fireworksCheck = bearerCheck({ provider: 'fireworks', name: 'Fireworks AI', path: '/models' });

/** Deepgram takes `Authorization: Token <key>`; listing the key's projects is free and read-only. */
export const deepgramCheck = bearerCheck({
  provider: 'deepgram',
  name: 'Deepgram',
  path: '/projects',
  headers: (secret) => ({ authorization: `Token ${secret}` }),
});

/**
 * ElevenLabs (`xi-api-key`): `GET /v1/user` reads the account and its subscription. Its 401s carry
 * `detail.status`: `invalid_api_key` is a dead key; `missing_permissions` is a live key created without
 * `user_read` (keys can be limited to text to speech); any other 401 is not judged.
 */
export const elevenLabsCheck = bearerCheck({
  provider: 'elevenlabs',
  name: 'ElevenLabs',
  path: '/v1/user',
  headers: (secret) => ({ 'xi-api-key': secret }),
  onOk: (json) => {
    const used = field(json, 'subscription', 'character_count');
    const limit = field(json, 'subscription', 'character_limit');
    if (typeof used === 'number' && typeof limit === 'number' && limit > 0 && used >= limit)
      return noQuota("the key authenticated but the subscription's characters are used up");
    const tier = field(json, 'subscription', 'tier');
    return typeof tier === 'string' && /^[a-z0-9_]{1,32}$/.test(tier)
      ? live(`the key authenticated (tier: ${tier})`)
      : undefined;
  },
  onError: (status, body, response) => {
    if (status !== 401) return undefined;
    const reason = field(body.json, 'detail', 'status');
    if (reason === 'invalid_api_key') return rejected('ElevenLabs rejected the key');
    if (reason === 'missing_permissions')
      return restricted('the key authenticated but may not read the account (no user_read permission)');
    return fallback(response, body);
  },
});
