import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { crc32Base62, type Finding } from '@keyward/core';
import { randomInt } from 'node:crypto';
import { applyVerification, verifyAll } from '@keyward/verifier';
import { fakeClock, html, json, startFakeProvider, type FakeProvider, type Seen } from './fake-provider.js';

/**
 * The services beside AI keys (issue 20): GitHub, Slack, Stripe, Tavily, LangSmith, and the speech and
 * inference providers agent stacks add (ElevenLabs, Deepgram, Together, Fireworks), each answered by a real HTTP
 * server on 127.0.0.1 that the verifier reaches only through keyward's own KEYWARD_<PROVIDER>_BASE_URL
 * variables. Keys are built at run time; nothing reaches the internet.
 */
let server: FakeProvider;
let answer: (res: ServerResponse, seen: Seen) => void = (res) => json(res, 200, {});
beforeAll(async () => {
  server = await startFakeProvider((_req, res, seen) => answer(res, seen));
});
afterAll(() => server.close());

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomString = (chars: string, length: number) =>
  Array.from({ length }, () => chars[randomInt(chars.length)]).join('');
const keys = {
  github: () => {
    const random = randomString(ALNUM, 30);
    return `ghp_${random}${crc32Base62(random)}`;
  },
  installation: () => {
    const random = randomString(ALNUM, 30);
    return `ghs_${random}${crc32Base62(random)}`;
  },
  slack: () =>
    `xoxb-${randomString('0123456789', 11)}-${randomString('0123456789', 13)}-${randomString(ALNUM, 24)}`,
  stripe: () => `sk_live_${randomString(ALNUM, 99)}`,
  tavily: () => `tvly-${randomString(ALNUM, 32)}`,
  langsmith: () => `lsv2_sk_${randomString('0123456789abcdef', 32)}_${randomString('0123456789abcdef', 10)}`,
  elevenlabs: () => `sk_${randomString('0123456789abcdef', 48)}`,
  deepgram: () => randomString('0123456789abcdef', 40),
  together: () => `tgp_v1_${randomString(`${ALNUM}_-`, 43)}`,
  fireworks: () => `fw_${randomString(ALNUM, 24)}`,
};

const env = () => ({
  KEYWARD_GITHUB_BASE_URL: server.url,
  KEYWARD_SLACK_BASE_URL: server.url,
  KEYWARD_STRIPE_BASE_URL: server.url,
  KEYWARD_TAVILY_BASE_URL: server.url,
  KEYWARD_LANGSMITH_BASE_URL: server.url,
  KEYWARD_ELEVENLABS_BASE_URL: server.url,
  KEYWARD_DEEPGRAM_BASE_URL: server.url,
  KEYWARD_TOGETHER_BASE_URL: server.url,
  KEYWARD_FIREWORKS_BASE_URL: server.url,
});

async function check(ruleId: string, secret: string, reply: typeof answer) {
  answer = reply;
  const before = server.requests.length;
  const notices: string[] = [];
  const results = await verifyAll([{ ruleId, secret }], {
    env: env(),
    clock: fakeClock(),
    timeoutMs: 500,
    onNotice: (line) => notices.push(line),
  });
  const verification = results.get(secret)!;
  expect(JSON.stringify(verification)).not.toContain(secret);
  const requests = server.requests.slice(before);
  for (const request of requests) expect(request.method).toBe('GET');
  return { verification, requests, notices };
}

describe('GitHub', () => {
  it('GET /user with a bearer token; 200 is live, and the scopes are its reach', async () => {
    const secret = keys.github();
    const { verification, requests, notices } = await check('github-pat', secret, (res, seen) =>
      seen.path === '/user'
        ? json(res, 200, { login: 'octo-cat', id: 1 }, { 'x-oauth-scopes': 'repo, read:org' })
        : json(res, 200, []),
    );
    expect(verification).toMatchObject({ status: 'live', reason: 'ok' });
    expect(verification.detail).toBe('the token authenticated as octo-cat; scopes: repo, read:org');
    expect(verification.reach).toEqual({
      repo: 'reachable',
      'read:org': 'reachable',
      'organisation repositories': 'denied',
    });
    expect(verification.severity).toBeUndefined();
    expect(requests.map((r) => r.path)).toEqual([
      '/user',
      '/user/repos?affiliation=organization_member&per_page=1',
    ]);
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
    expect(notices.join('\n')).toMatch(
      /sending github keys to http:\/\/127\.0\.0\.1:\d+ \(set by KEYWARD_GITHUB_BASE_URL\)/,
    );
  });

  it('a token with admin:org is critical: applyVerification raises the finding, never lowers one', async () => {
    const secret = keys.github();
    answer = (res) => json(res, 200, { login: 'ops' }, { 'x-oauth-scopes': 'repo, admin:org, workflow' });
    const finding = { ruleId: 'github-pat', severity: 'high', secret, redacted: 'ghp_…' } as Finding;
    const [raised] = await applyVerification([finding], { env: env(), clock: fakeClock(), timeoutMs: 500 });
    expect(raised!.severity).toBe('critical');
    expect(raised!.verification?.severity).toBe('critical');
    answer = (res) => json(res, 200, { login: 'ops' }, { 'x-oauth-scopes': '' });
    const other = keys.github();
    const [kept] = await applyVerification([{ ...finding, secret: other, severity: 'critical' }], {
      env: env(),
      clock: fakeClock(),
      timeoutMs: 500,
    });
    expect(kept!.severity).toBe('critical');
    expect(kept!.verification?.detail).toBe('the token authenticated as ops; scopes: (none)');
  });

  it('a fine-grained token (no X-OAuth-Scopes header) is live with no scope list', async () => {
    const { verification } = await check('github-fine-grained-pat', 'github_pat_x', (res, seen) =>
      seen.path === '/user' ? json(res, 200, { login: 'dev' }) : json(res, 404, { message: 'Not Found' }),
    );
    expect(verification).toMatchObject({ status: 'live', detail: 'the token authenticated as dev' });
    expect(verification.reach).toBeUndefined();
  });

  it('repo on an organisation is critical: one more GET lists the repositories it reaches there', async () => {
    const repos = [{ full_name: 'acme/billing', owner: { login: 'acme' } }];
    for (const [ruleId, secret, scopes] of [
      ['github-pat', keys.github(), { 'x-oauth-scopes': 'repo, workflow' }],
      ['github-fine-grained-pat', 'github_pat_y', {}],
    ] as const) {
      const { verification, requests } = await check(ruleId, secret, (res, seen) =>
        seen.path === '/user' ? json(res, 200, { login: 'dev' }, scopes) : json(res, 200, repos),
      );
      expect(requests[1]!.path).toBe('/user/repos?affiliation=organization_member&per_page=1');
      expect(requests[1]!.headers.authorization).toBe(`Bearer ${secret}`);
      expect(verification.severity).toBe('critical');
      expect(verification.detail).toMatch(/; reaches organisation repositories \(acme\)$/);
      expect(verification.reach?.['organisation repositories']).toBe('reachable');
    }
  });

  it('asks nothing more of a token without repo, or one already critical; a failed follow-up changes nothing', async () => {
    const { requests } = await check('github-pat', keys.github(), (res) =>
      json(res, 200, { login: 'dev' }, { 'x-oauth-scopes': 'read:user, gist' }),
    );
    expect(requests.map((r) => r.path)).toEqual(['/user']);
    const admin = await check('github-pat', keys.github(), (res) =>
      json(res, 200, { login: 'ops' }, { 'x-oauth-scopes': 'repo, admin:org' }),
    );
    expect(admin.requests.map((r) => r.path)).toEqual(['/user']);
    expect(admin.verification.severity).toBe('critical');
    const failed = await check('github-pat', keys.github(), (res, seen) =>
      seen.path === '/user'
        ? json(res, 200, { login: 'dev' }, { 'x-oauth-scopes': 'repo' })
        : res.socket?.destroy(),
    );
    expect(failed.verification).toMatchObject({
      status: 'live',
      detail: 'the token authenticated as dev; scopes: repo',
    });
    expect(failed.verification.severity).toBeUndefined();
  });

  it('401 Bad credentials: invalid', async () => {
    const { verification } = await check('github-pat', keys.github(), (res) =>
      json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }),
    );
    expect(verification).toMatchObject({ status: 'invalid', reason: 'invalid_api_key' });
  });

  it('403 with the rate limit used up: retried, then unknown (never invalid)', async () => {
    const { verification, requests } = await check('github-pat', keys.github(), (res) =>
      json(res, 403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0' }),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'rate_limited' });
    expect(requests.length).toBe(3);
  });

  it('an installation token lists the repositories it reaches instead of /user', async () => {
    const { verification, requests } = await check(
      'github-app-installation-token',
      keys.installation(),
      (res) => json(res, 200, { total_count: 3, repositories: [] }),
    );
    expect(requests[0]!.path).toBe('/installation/repositories?per_page=1');
    expect(verification).toMatchObject({
      status: 'live',
      detail: 'the installation token authenticated (3 repositories)',
    });
  });

  it('an HTML page (a proxy) is unknown', async () => {
    const { verification } = await check('github-pat', keys.github(), (res) => html(res, 200));
    expect(verification.status).toBe('unknown');
  });
});

describe('Slack', () => {
  it('GET auth.test; ok:true is live, with the workspace and scopes', async () => {
    const secret = keys.slack();
    const { verification, requests } = await check('slack-bot-token', secret, (res) =>
      json(
        res,
        200,
        { ok: true, team: 'Acme', user: 'agent', bot_id: 'B012', url: 'https://acme.slack.com/' },
        { 'x-oauth-scopes': 'chat:write,channels:history' },
      ),
    );
    // A base URL with no path gets the official one (`/api`), as the SDKs' do.
    expect(requests[0]!.path).toBe('/api/auth.test');
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
    expect(verification).toMatchObject({
      status: 'live',
      detail: 'the bot token authenticated in workspace Acme; scopes: chat:write, channels:history',
    });
    expect(verification.severity).toBeUndefined();
  });

  it('an admin scope makes a user token critical', async () => {
    const { verification } = await check('slack-user-token', keys.slack(), (res) =>
      json(res, 200, { ok: true, team: 'Acme' }, { 'x-oauth-scopes': 'admin.users:read,chat:write' }),
    );
    expect(verification.severity).toBe('critical');
  });

  it('200 ok:false invalid_auth or token_revoked: invalid; ratelimited: unknown', async () => {
    for (const error of ['invalid_auth', 'token_revoked']) {
      const { verification } = await check('slack-bot-token', keys.slack(), (res) =>
        json(res, 200, { ok: false, error }),
      );
      expect(verification).toMatchObject({
        status: 'invalid',
        detail: `Slack rejected the token (${error})`,
      });
    }
    const { verification } = await check('slack-bot-token', keys.slack(), (res) =>
      json(res, 200, { ok: false, error: 'ratelimited' }),
    );
    expect(verification).toMatchObject({ status: 'unknown', reason: 'rate_limited' });
  });

  it('an error code Slack may add later is unknown, never invalid', async () => {
    const { verification } = await check('slack-bot-token', keys.slack(), (res) =>
      json(res, 200, { ok: false, error: 'some_new_error' }),
    );
    expect(verification.status).toBe('unknown');
  });
});

describe('Stripe', () => {
  it('GET /v1/balance; 200 is live and says the mode', async () => {
    const secret = keys.stripe();
    const { verification, requests } = await check('stripe-secret-key', secret, (res) =>
      json(res, 200, { object: 'balance', livemode: true, available: [] }),
    );
    expect(requests[0]!.path).toBe('/v1/balance');
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
    expect(verification).toMatchObject({
      status: 'live',
      detail: "the key read the account's balance (live mode)",
    });
  });

  it('401: invalid; 403 (a restricted key without balance access): live, restricted', async () => {
    const dead = await check('stripe-secret-key', keys.stripe(), (res) =>
      json(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } }),
    );
    expect(dead.verification.status).toBe('invalid');
    const limited = await check('stripe-restricted-key', keys.stripe(), (res) =>
      json(res, 403, {
        error: { type: 'invalid_request_error', message: 'does not have the required permissions' },
      }),
    );
    expect(limited.verification).toMatchObject({ status: 'live', reason: 'restricted' });
  });
});

describe('Tavily', () => {
  it('GET /usage; 200 is live; a used-up limit is live, no quota; 401 invalid', async () => {
    const secret = keys.tavily();
    const ok = await check('tavily-api-key', secret, (res) =>
      json(res, 200, { key: { usage: 10, limit: 1000 }, account: { current_plan: 'Researcher' } }),
    );
    expect(ok.requests[0]!.path).toBe('/usage');
    expect(ok.requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
    expect(ok.verification.status).toBe('live');
    const spent = await check('tavily-api-key', keys.tavily(), (res) =>
      json(res, 200, { key: { usage: 1000, limit: 1000 } }),
    );
    expect(spent.verification).toMatchObject({ status: 'live', reason: 'no_quota' });
    const dead = await check('tavily-api-key', keys.tavily(), (res) =>
      json(res, 401, { detail: { error: 'Unauthorized' } }),
    );
    expect(dead.verification.status).toBe('invalid');
  });
});

describe('LangSmith', () => {
  it('GET /api/v1/sessions?limit=1 with x-api-key; 200 is live; 401 invalid', async () => {
    const secret = keys.langsmith();
    const ok = await check('langsmith-api-key', secret, (res) => json(res, 200, []));
    expect(ok.requests[0]!.path).toBe('/api/v1/sessions?limit=1');
    expect(ok.requests[0]!.headers['x-api-key']).toBe(secret);
    expect(ok.requests[0]!.headers.authorization).toBeUndefined();
    expect(ok.verification).toMatchObject({ status: 'live', reason: 'ok' });
    const dead = await check('langsmith-api-key', keys.langsmith(), (res) =>
      json(res, 401, { detail: 'Invalid token' }),
    );
    expect(dead.verification.status).toBe('invalid');
  });

  it('403 for an organisation-scoped key (no workspace named): live, restricted, critical', async () => {
    const { verification } = await check('langsmith-api-key', keys.langsmith(), (res) =>
      json(res, 403, {
        detail:
          "This API key is org-scoped and requires workspace specification. Please provide 'X-Tenant-ID' header.",
      }),
    );
    expect(verification).toMatchObject({ status: 'live', reason: 'restricted', severity: 'critical' });
  });

  it('another 403 is unknown, never invalid', async () => {
    const { verification } = await check('langsmith-api-key', keys.langsmith(), (res) =>
      json(res, 403, { detail: 'Forbidden' }),
    );
    expect(verification.status).toBe('unknown');
  });
});

describe('ElevenLabs', () => {
  it('GET /v1/user with xi-api-key; 200 is live and names the tier; used-up characters: no quota', async () => {
    const secret = keys.elevenlabs();
    const ok = await check('elevenlabs-api-key', secret, (res) =>
      json(res, 200, {
        user_id: 'u1',
        subscription: { tier: 'creator', character_count: 10, character_limit: 100000 },
      }),
    );
    expect(ok.requests[0]!.path).toBe('/v1/user');
    expect(ok.requests[0]!.headers['xi-api-key']).toBe(secret);
    expect(ok.requests[0]!.headers.authorization).toBeUndefined();
    expect(ok.verification).toMatchObject({
      status: 'live',
      detail: 'the key authenticated (tier: creator)',
    });
    const spent = await check('elevenlabs-legacy-api-key', keys.deepgram().slice(0, 32), (res) =>
      json(res, 200, { subscription: { tier: 'free', character_count: 10000, character_limit: 10000 } }),
    );
    expect(spent.verification).toMatchObject({ status: 'live', reason: 'no_quota' });
  });

  it('401 invalid_api_key: invalid; 401 missing_permissions: live, restricted; another 401: unknown', async () => {
    const dead = await check('elevenlabs-api-key', keys.elevenlabs(), (res) =>
      json(res, 401, { detail: { status: 'invalid_api_key', message: 'Invalid API key' } }),
    );
    expect(dead.verification).toMatchObject({ status: 'invalid', reason: 'invalid_api_key' });
    const scoped = await check('elevenlabs-api-key', keys.elevenlabs(), (res) =>
      json(res, 401, {
        detail: {
          status: 'missing_permissions',
          message: 'The API key you used is missing the permission user_read',
        },
      }),
    );
    expect(scoped.verification).toMatchObject({ status: 'live', reason: 'restricted' });
    const other = await check('elevenlabs-api-key', keys.elevenlabs(), (res) =>
      json(res, 401, { detail: { status: 'detected_unusual_activity', message: 'Unusual activity' } }),
    );
    expect(other.verification).toMatchObject({ status: 'unknown', reason: 'unrecognized' });
  });
});

describe('Deepgram, Together, Fireworks', () => {
  it.each([
    ['deepgram-api-key', keys.deepgram, '/v1/projects', (s: string) => `Token ${s}`],
    ['together-api-key', keys.together, '/v1/models', (s: string) => `Bearer ${s}`],
    ['together-legacy-api-key', keys.deepgram, '/v1/models', (s: string) => `Bearer ${s}`],
    ['fireworks-api-key', keys.fireworks, '/inference/v1/models', (s: string) => `Bearer ${s}`],
  ] as const)('%s: GET %s; 200 is live, a JSON 401 invalid, 503 unknown', async (ruleId, key, path, auth) => {
    const secret = key();
    const ok = await check(ruleId, secret, (res) => json(res, 200, { data: [] }));
    expect(ok.verification).toMatchObject({ status: 'live', reason: 'ok' });
    expect(ok.requests.map((r) => r.path)).toEqual([path]);
    expect(ok.requests[0]!.headers.authorization).toBe(auth(secret));
    const dead = await check(ruleId, key(), (res) =>
      json(res, 401, { error: { message: 'Invalid API key provided', code: 'invalid_api_key' } }),
    );
    expect(dead.verification).toMatchObject({ status: 'invalid', reason: 'invalid_api_key' });
    const down = await check(ruleId, key(), (res) => html(res, 503));
    expect(down.verification).toMatchObject({ status: 'unknown', reason: 'server_error' });
  });
});

describe('no free read-only check', () => {
  it('webhooks, app-level and refresh tokens, search keys checked only by searching: unknown, unsupported, nothing sent', async () => {
    for (const ruleId of [
      'slack-webhook-url',
      'slack-app-token',
      'github-app-refresh-token',
      'brave-search-api-key',
      'exa-api-key',
      'serpapi-api-key',
      'voyage-api-key',
      'supabase-secret-key',
    ]) {
      const { verification, requests } = await check(ruleId, keys.tavily(), (res) => json(res, 200, {}));
      expect(verification).toMatchObject({ status: 'unknown', reason: 'unsupported' });
      // Each says why, not the default for a rule keyward has never heard of.
      expect(verification.detail).not.toMatch(/has no live check/);
      expect(requests).toEqual([]);
    }
  });

  it('without an override the official hosts are used: api.github.com, slack.com/api, api.stripe.com/v1, api.tavily.com, api.smith.langchain.com, and the speech and inference hosts', async () => {
    const { OFFICIAL_BASE_URLS } = await import('@keyward/verifier');
    expect(OFFICIAL_BASE_URLS.github).toBe('https://api.github.com');
    expect(OFFICIAL_BASE_URLS.slack).toBe('https://slack.com/api');
    expect(OFFICIAL_BASE_URLS.stripe).toBe('https://api.stripe.com/v1');
    expect(OFFICIAL_BASE_URLS.tavily).toBe('https://api.tavily.com');
    expect(OFFICIAL_BASE_URLS.langsmith).toBe('https://api.smith.langchain.com');
    expect(OFFICIAL_BASE_URLS.elevenlabs).toBe('https://api.elevenlabs.io');
    expect(OFFICIAL_BASE_URLS.deepgram).toBe('https://api.deepgram.com/v1');
    expect(OFFICIAL_BASE_URLS.together).toBe('https://api.together.xyz/v1');
    expect(OFFICIAL_BASE_URLS.fireworks).toBe('https://api.fireworks.ai/inference/v1');
  });
});
