import { afterEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { fakeKey, type FakeKeyKind } from '@keyward/test-utils';
import { verifyAll, type VerifyOptions } from '@keyward/verifier';
import { fakeClock, html, json, openAiError, startFakeProvider, type FakeProvider } from './fake-provider.js';

let server: FakeProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Verifies one key against a fake OpenAI that answers every request with `answer`. */
async function verifyWith(
  answer: (res: ServerResponse) => void,
  kind: FakeKeyKind = 'openai-project',
  extra: VerifyOptions = {},
) {
  server = await startFakeProvider((_req, res) => answer(res));
  const clock = fakeClock();
  const secret = fakeKey(kind, 7);
  const ruleId = {
    'openai-project': 'openai-project-key',
    'openai-svcacct': 'openai-service-account-key',
    'openai-legacy': 'openai-legacy-key',
    'openai-none': 'openai-user-key',
    'openai-admin': 'openai-admin-key',
  }[kind as string]!;
  const results = await verifyAll([{ ruleId, secret }], {
    baseUrls: { openai: server.url },
    clock,
    timeoutMs: 200,
    ...extra,
  });
  const verification = results.get(secret)!;
  expect(JSON.stringify(verification)).not.toContain(secret);
  return { verification, requests: server.requests, sleeps: clock.sleeps, secret };
}

const MODELS = { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'system' }] };

describe('OpenAI verdict table (DESIGN §5), GET /v1/models', () => {
  it('200: live', async () => {
    const { verification, requests } = await verifyWith((res) => json(res, 200, MODELS));
    expect(verification).toEqual({ status: 'live', reason: 'ok', detail: 'the key authenticated' });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('GET');
    expect(requests[0]!.path).toBe('/v1/models');
  });

  it.each(['openai-project', 'openai-svcacct', 'openai-legacy', 'openai-none'] as const)(
    '%s keys are checked with GET /v1/models and a bearer header',
    async (kind) => {
      const { verification, requests, secret } = await verifyWith((res) => json(res, 200, MODELS), kind);
      expect(verification.status).toBe('live');
      expect(requests[0]!.path).toBe('/v1/models');
      expect(requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
    },
  );

  it('sends a User-Agent naming keyward and never an organisation or project header', async () => {
    const { requests } = await verifyWith((res) => json(res, 200, MODELS));
    const headers = requests[0]!.headers;
    expect(headers['user-agent']).toMatch(/keyward/);
    expect(headers['openai-organization']).toBeUndefined();
    expect(headers['openai-project']).toBeUndefined();
  });

  it('401 invalid_api_key: invalid (revoked or wrong)', async () => {
    const { verification, requests } = await verifyWith((res) =>
      openAiError(
        res,
        401,
        'invalid_api_key',
        'Incorrect API key provided: sk-proj-********abcd. You can find your API key at https://platform.openai.com/account/api-keys.',
      ),
    );
    expect(verification.status).toBe('invalid');
    expect(verification.reason).toBe('invalid_api_key');
    expect(requests).toHaveLength(1);
  });

  it('401 account_deactivated: invalid (account deactivated)', async () => {
    const { verification } = await verifyWith((res) =>
      openAiError(
        res,
        401,
        'account_deactivated',
        'This key is associated with a deactivated account. If you feel this is an error, contact us through our help center at help.openai.com.',
      ),
    );
    expect(verification).toMatchObject({ status: 'invalid', reason: 'account_deactivated' });
  });

  it('401 "Missing scopes": live, restricted, naming the scopes', async () => {
    const { verification } = await verifyWith((res) =>
      openAiError(
        res,
        401,
        null,
        "You have insufficient permissions for this operation. Missing scopes: api.model.read. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.",
      ),
    );
    expect(verification.status).toBe('live');
    expect(verification.reason).toBe('restricted');
    expect(verification.detail).toContain('api.model.read');
  });

  it('403 "Missing scopes": live, restricted', async () => {
    const { verification } = await verifyWith((res) =>
      openAiError(
        res,
        403,
        null,
        'You have insufficient permissions for this operation. Missing scopes: api.model.read, api.files.read.',
      ),
    );
    expect(verification).toMatchObject({ status: 'live', reason: 'restricted' });
    expect(verification.detail).toContain('api.model.read, api.files.read');
  });

  it('401 "IP not authorized": unknown (IP allowlist), not invalid', async () => {
    const { verification, requests } = await verifyWith((res) =>
      openAiError(
        res,
        401,
        null,
        'IP not authorized: this project only accepts requests from allowlisted IP addresses.',
      ),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'ip_not_allowed' });
    expect(requests).toHaveLength(1);
  });

  it('429 insufficient_quota: live, no quota, and not retried', async () => {
    const { verification, requests } = await verifyWith((res) =>
      openAiError(
        res,
        429,
        'insufficient_quota',
        'You exceeded your current quota, please check your plan and billing details.',
        'insufficient_quota',
      ),
    );
    expect(verification).toMatchObject({ status: 'live', reason: 'no_quota' });
    expect(requests).toHaveLength(1);
  });

  it('429 rate_limit_exceeded: retried with backoff, then unknown (rate limited)', async () => {
    const { verification, requests, sleeps } = await verifyWith((res) =>
      openAiError(res, 429, 'rate_limit_exceeded', 'Rate limit reached for requests', 'requests'),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'rate_limited' });
    expect(verification.detail).toContain('after 3 attempts');
    expect(requests).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it.each([500, 502, 503])('%i: retried, then unknown (server error), never invalid', async (status) => {
    const { verification, requests } = await verifyWith((res) =>
      openAiError(
        res,
        status,
        null,
        'The server had an error while processing your request.',
        'server_error',
      ),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'server_error' });
    expect(requests).toHaveLength(3);
  });

  it('an HTML 502: unknown (server error), retried', async () => {
    const { verification, requests } = await verifyWith((res) => html(res, 502));
    expect(verification).toMatchObject({ status: 'unknown', reason: 'server_error' });
    expect(verification.detail).toContain('HTML');
    expect(requests).toHaveLength(3);
  });

  it('an HTML page with status 200 (captive portal) is not live', async () => {
    const { verification } = await verifyWith((res) => html(res, 200));
    expect(verification).toMatchObject({ status: 'unknown', reason: 'unrecognized' });
  });

  it('an HTML 401 or 403 (a proxy, a firewall) is not invalid', async () => {
    for (const status of [401, 403]) {
      const { verification } = await verifyWith((res) => html(res, status));
      expect(verification).toMatchObject({ status: 'unknown', reason: 'unrecognized' });
      await server!.close();
      server = undefined;
    }
  });

  it('a hanging connection: timeout after every retry, unknown', async () => {
    const { verification, sleeps } = await verifyWith(() => {
      /* never answers */
    });
    expect(verification).toMatchObject({ status: 'unknown', reason: 'timeout' });
    expect(verification.detail).toContain('200 ms');
    expect(server!.requests).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it.each([
    [400, 'invalid_request_error'],
    [404, 'unknown_url'],
    [403, 'some_new_code'],
    [401, 'some_new_code'],
  ])('any other response (%i %s): unknown, unrecognized, asked once', async (status, code) => {
    const { verification, requests } = await verifyWith((res) =>
      openAiError(res, status, code, 'Something else.'),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'unrecognized' });
    expect(verification.detail).toContain(String(status));
    expect(requests).toHaveLength(1);
  });

  it('403 unsupported_country_region_territory: unknown', async () => {
    const { verification } = await verifyWith((res) =>
      openAiError(
        res,
        403,
        'unsupported_country_region_territory',
        'Country, region, or territory not supported',
        'request_forbidden',
      ),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'unrecognized' });
  });

  it('a provider message echoing the whole key never reaches the verdict', async () => {
    const secret = fakeKey('openai-project', 3);
    server = await startFakeProvider((_req, res) =>
      json(res, 400, {
        error: { message: `bad key ${secret}`, type: 'invalid_request_error', code: secret },
      }),
    );
    const results = await verifyAll([{ ruleId: 'openai-project-key', secret }], {
      baseUrls: { openai: server.url },
    });
    expect(results.get(secret)!.status).toBe('unknown');
    expect(JSON.stringify(results.get(secret))).not.toContain(secret);
  });
});

describe('OpenAI admin keys', () => {
  it('are checked with GET /v1/organization/admin_api_keys?limit=1', async () => {
    const { verification, requests } = await verifyWith(
      (res) => json(res, 200, { object: 'list', data: [], has_more: false }),
      'openai-admin',
    );
    expect(verification.status).toBe('live');
    expect(requests.map((r) => r.path)).toEqual(['/v1/organization/admin_api_keys?limit=1']);
  });

  it('401 invalid_api_key: invalid', async () => {
    const { verification } = await verifyWith(
      (res) => openAiError(res, 401, 'invalid_api_key', 'Incorrect API key provided.'),
      'openai-admin',
    );
    expect(verification).toMatchObject({ status: 'invalid', reason: 'invalid_api_key' });
  });
});
