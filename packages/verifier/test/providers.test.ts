import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { fakeKey, type FakeKeyKind } from '@keyward/test-utils';
import { PROVIDER_IDS, verifyAll, type ProviderId } from '@keyward/verifier';
import {
  fakeClock,
  html,
  json,
  openAiError,
  startFakeProvider,
  type FakeProvider,
  type Seen,
} from './fake-provider.js';

/**
 * One fake server plays every provider: each test sets the answer, then checks the verdict and the request
 * the verifier sent (path, authentication headers, method).
 */
let server: FakeProvider;
let answer: (res: ServerResponse, seen: Seen) => void = (res) => json(res, 200, {});
beforeAll(async () => {
  server = await startFakeProvider((_req, res, seen) => answer(res, seen));
});
afterAll(() => server.close());

async function check(ruleId: string, kind: FakeKeyKind, reply: typeof answer) {
  answer = reply;
  const before = server.requests.length;
  const secret = fakeKey(kind, 11);
  const baseUrls = Object.fromEntries(PROVIDER_IDS.map((id) => [id, server.url])) as Record<
    ProviderId,
    string
  >;
  const results = await verifyAll([{ ruleId, secret }], { baseUrls, clock: fakeClock(), timeoutMs: 500 });
  const verification = results.get(secret)!;
  expect(JSON.stringify(verification)).not.toContain(secret);
  const requests = server.requests.slice(before);
  for (const request of requests) expect(request.method).toBe('GET');
  return { verification, requests, secret };
}

const anthropicError = (res: ServerResponse, status: number, type: string, message: string) =>
  json(res, status, { type: 'error', error: { type, message } });

describe('Anthropic', () => {
  it('GET /v1/models with x-api-key and anthropic-version; 200 is live', async () => {
    const { verification, requests, secret } = await check('anthropic-api-key', 'anthropic', (res) =>
      json(res, 200, { data: [{ id: 'claude-sonnet-4', type: 'model' }], has_more: true }),
    );
    expect(verification.status).toBe('live');
    expect(requests[0]!.path).toBe('/v1/models?limit=1');
    expect(requests[0]!.headers['x-api-key']).toBe(secret);
    expect(requests[0]!.headers['anthropic-version']).toBe('2023-06-01');
    expect(requests[0]!.headers.authorization).toBeUndefined();
  });

  it('401 authentication_error: invalid', async () => {
    const { verification } = await check('anthropic-api-key', 'anthropic', (res) =>
      anthropicError(res, 401, 'authentication_error', 'invalid x-api-key'),
    );
    expect(verification).toMatchObject({ status: 'invalid', reason: 'invalid_api_key' });
  });

  it('404 not_found_error: invalid (a disabled or deleted key)', async () => {
    const { verification } = await check('anthropic-api-key', 'anthropic', (res) =>
      anthropicError(res, 404, 'not_found_error', 'Not found'),
    );
    expect(verification.status).toBe('invalid');
  });

  it('403 permission_error: live, restricted', async () => {
    const { verification } = await check('anthropic-api-key', 'anthropic', (res) =>
      anthropicError(
        res,
        403,
        'permission_error',
        'Your API key does not have permission to use the specified resource.',
      ),
    );
    expect(verification).toMatchObject({ status: 'live', reason: 'restricted' });
  });

  it('400 invalid_request_error is never a bad-key signal: unknown', async () => {
    const { verification, requests } = await check('anthropic-api-key', 'anthropic', (res) =>
      anthropicError(res, 400, 'invalid_request_error', 'limit: Input should be less than or equal to 1000'),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'unrecognized' });
    expect(requests).toHaveLength(1);
  });

  it('529 overloaded_error: retried, then unknown', async () => {
    const { verification, requests } = await check('anthropic-api-key', 'anthropic', (res) =>
      anthropicError(res, 529, 'overloaded_error', 'Overloaded'),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'server_error' });
    expect(requests).toHaveLength(3);
  });

  it('admin keys: GET /v1/organizations/api_keys?limit=1', async () => {
    const { verification, requests } = await check('anthropic-admin-key', 'anthropic-admin', (res) =>
      json(res, 200, { data: [], has_more: false }),
    );
    expect(verification.status).toBe('live');
    expect(requests[0]!.path).toBe('/v1/organizations/api_keys?limit=1');
  });
});

describe('Google AI (Gemini)', () => {
  const googleError = (res: ServerResponse, status: number, state: string, reason: string, message: string) =>
    json(res, status, {
      error: {
        code: status,
        message,
        status: state,
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }],
      },
    });

  it('GET /v1beta/models with x-goog-api-key (never the key in the URL); 200 is live', async () => {
    const { verification, requests, secret } = await check('google-ai-api-key', 'google', (res) =>
      json(res, 200, { models: [{ name: 'models/gemini-2.5-flash' }], nextPageToken: 'x' }),
    );
    expect(verification.status).toBe('live');
    expect(requests[0]!.path).toBe('/v1beta/models?pageSize=1');
    expect(requests[0]!.path).not.toContain(secret);
    expect(requests[0]!.headers['x-goog-api-key']).toBe(secret);
  });

  it('400 API_KEY_INVALID: invalid', async () => {
    const { verification } = await check('google-ai-api-key', 'google', (res) =>
      googleError(
        res,
        400,
        'INVALID_ARGUMENT',
        'API_KEY_INVALID',
        'API key not valid. Please pass a valid API key.',
      ),
    );
    expect(verification).toMatchObject({ status: 'invalid', reason: 'invalid_api_key' });
  });

  it('403 SERVICE_DISABLED: a live Google key without Gemini access', async () => {
    const { verification } = await check('google-ai-api-key', 'google', (res) =>
      googleError(
        res,
        403,
        'PERMISSION_DENIED',
        'SERVICE_DISABLED',
        'Generative Language API has not been used in project 123 before or it is disabled.',
      ),
    );
    expect(verification).toMatchObject({ status: 'live', reason: 'restricted' });
    expect(verification.detail).toContain('Gemini API is not enabled');
  });

  it('403 API_KEY_IP_ADDRESS_BLOCKED: unknown (IP allowlist)', async () => {
    const { verification } = await check('google-ai-api-key', 'google', (res) =>
      googleError(
        res,
        403,
        'PERMISSION_DENIED',
        'API_KEY_IP_ADDRESS_BLOCKED',
        'The provided API key has an IP address restriction.',
      ),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'ip_not_allowed' });
  });

  it('429 RESOURCE_EXHAUSTED: unknown (rate limited)', async () => {
    const { verification } = await check('google-ai-api-key', 'google', (res) =>
      googleError(res, 429, 'RESOURCE_EXHAUSTED', 'RATE_LIMIT_EXCEEDED', 'Quota exceeded.'),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'rate_limited' });
  });
});

describe('bearer-token providers', () => {
  it.each([
    ['groq-api-key', 'groq', '/openai/v1/models'],
    ['openrouter-api-key', 'openrouter', '/api/v1/key'],
    ['huggingface-token', 'huggingface', '/api/whoami-v2'],
    ['xai-api-key', 'xai', '/v1/api-key'],
    ['replicate-api-token', 'replicate', '/v1/account'],
    ['deepseek-api-key', 'deepseek', '/user/balance'],
  ] as const)(
    '%s: GET %s with a bearer header; 200 is live, 401 invalid, 500 unknown',
    async (ruleId, kind, path) => {
      const ok = await check(ruleId, kind, (res) => json(res, 200, { data: {} }));
      expect(ok.verification.status).toBe('live');
      expect(ok.requests.map((r) => r.path)).toEqual([path]);
      expect(ok.requests[0]!.headers.authorization).toBe(`Bearer ${ok.secret}`);

      const bad = await check(ruleId, kind, (res) =>
        openAiError(res, 401, 'invalid_api_key', 'Invalid API Key'),
      );
      expect(bad.verification).toMatchObject({ status: 'invalid', reason: 'invalid_api_key' });

      const down = await check(ruleId, kind, (res) => html(res, 502));
      expect(down.verification).toMatchObject({ status: 'unknown', reason: 'server_error' });
    },
  );

  it.each([
    ['mistral-api-key', '/v1/models', { message: 'Unauthorized', request_id: 'abc' }],
    ['cohere-api-key', '/v1/models?page_size=1', { message: 'invalid api token' }],
  ] as const)('%s (no key prefix): GET %s; a JSON 401 is invalid', async (ruleId, path, body) => {
    // Mistral and Cohere keys have no prefix: any 32/40-character token stands in for one.
    const ok = await check(ruleId, 'perplexity', (res) => json(res, 200, { data: [] }));
    expect(ok.verification.status).toBe('live');
    expect(ok.requests[0]!.path).toBe(path);
    const bad = await check(ruleId, 'perplexity', (res) => json(res, 401, body));
    expect(bad.verification.status).toBe('invalid');
  });

  it('OpenRouter: a key whose credit limit is used up is live, no quota', async () => {
    const { verification } = await check('openrouter-api-key', 'openrouter', (res) =>
      json(res, 200, {
        data: { label: 'sk-or-v1-abc...', limit: 5, usage: 5, limit_remaining: 0, is_free_tier: false },
      }),
    );
    expect(verification).toMatchObject({ status: 'live', reason: 'no_quota' });
  });

  it('DeepSeek: is_available false is live, no quota', async () => {
    const { verification } = await check('deepseek-api-key', 'deepseek', (res) =>
      json(res, 200, { is_available: false, balance_infos: [] }),
    );
    expect(verification).toMatchObject({ status: 'live', reason: 'no_quota' });
  });

  it('Hugging Face: the token role is named', async () => {
    const { verification } = await check('huggingface-token', 'huggingface', (res) =>
      json(res, 200, {
        type: 'user',
        name: 'someone',
        auth: { type: 'access_token', accessToken: { role: 'write' } },
      }),
    );
    expect(verification.detail).toContain('role: write');
    expect(verification.detail).not.toContain('someone');
  });

  it('xAI: 400 "Incorrect API key provided" is invalid; another 400 is unknown', async () => {
    const bad = await check('xai-api-key', 'xai', (res) =>
      json(res, 400, {
        code: 'Client specified an invalid argument',
        error: 'Incorrect API key provided: xa***Vk.',
      }),
    );
    expect(bad.verification.status).toBe('invalid');
    const other = await check('xai-api-key', 'xai', (res) =>
      json(res, 400, { code: 'Client specified an invalid argument', error: 'Something else is wrong.' }),
    );
    expect(other.verification.status).toBe('unknown');
  });

  it('xAI: a 200 that says the key is disabled is invalid', async () => {
    const { verification } = await check('xai-api-key', 'xai', (res) =>
      json(res, 200, { name: 'k', api_key_blocked: false, api_key_disabled: true, team_blocked: false }),
    );
    expect(verification).toMatchObject({ status: 'invalid', reason: 'account_deactivated' });
  });

  it('Groq: a 401 naming missing permission is live, restricted; an HTML 401 is unknown', async () => {
    const scoped = await check('groq-api-key', 'groq', (res) =>
      openAiError(res, 403, 'permission_denied', 'You do not have permission to list models.'),
    );
    expect(scoped.verification).toMatchObject({ status: 'live', reason: 'restricted' });
    const proxy = await check('groq-api-key', 'groq', (res) => html(res, 401));
    expect(proxy.verification.status).toBe('unknown');
  });
});

describe('keys with no free read-only check', () => {
  it.each([
    'perplexity-api-key',
    'azure-openai-key',
    'anthropic-oauth-token',
    'generic-secret',
    'some-future-rule',
  ])('%s: unknown, unsupported, and nothing is sent', async (ruleId) => {
    const { verification, requests } = await check(ruleId, 'perplexity', (res) => json(res, 200, {}));
    expect(verification).toMatchObject({ status: 'unknown', reason: 'unsupported' });
    expect(requests).toHaveLength(0);
  });
});
