import type { Severity } from '@keyward/core';
import {
  deactivated,
  fallback,
  field,
  live,
  noQuota,
  readBody,
  rejected,
  restricted,
  token,
} from '../interpret.js';
import type { HttpResponse, Verdict } from '../types.js';
import { bearer, type Check } from './check.js';

/**
 * The services agent projects wire in beside AI keys (issue 20), each checked with one free, read-only GET:
 * GitHub `GET /user` (an app installation token: `GET /installation/repositories`), Slack `auth.test`,
 * Stripe's balance, Tavily's usage, a LangSmith project. Same three-state verdicts as the AI providers: `invalid` only on the
 * service's own answer that it does not know the key; rate limits, 5xx and anything unrecognised stay
 * unknown. Where the service says what the key can do (GitHub's and Slack's `X-OAuth-Scopes`), the scopes
 * become the verdict's reach, and scopes that administer an organisation raise the finding's severity.
 */

/** GitHub classic-token scopes that reach beyond the user's own repositories: organisation-wide or admin. */
const GITHUB_ADMIN_SCOPES = new Set([
  'admin:org',
  'admin:enterprise',
  'admin:org_hook',
  'delete_repo',
  'site_admin',
  'admin:gpg_key',
  'admin:public_key',
]);
/** Slack scopes that administer the workspace (user tokens of admins, Enterprise Grid). */
const SLACK_ADMIN_SCOPE = /^admin(?:[.:]|$)/;

/** Scopes from an `X-OAuth-Scopes` header: short, plain words only (nothing the server echoed verbatim). */
function scopesOf(header: string | undefined): string[] | undefined {
  if (header === undefined) return undefined;
  return header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[A-Za-z0-9_.:-]{1,64}$/.test(s))
    .slice(0, 64);
}

function withScopes(verdict: Verdict, scopes: string[] | undefined, admin: (s: string) => boolean): Verdict {
  if (scopes === undefined) return verdict;
  const out: Verdict & { severity?: Severity } = {
    ...verdict,
    detail: `${verdict.detail}; scopes: ${scopes.length > 0 ? scopes.join(', ') : '(none)'}`,
    reach: Object.fromEntries(scopes.map((s) => [s, 'reachable' as const])),
  };
  if (scopes.some(admin)) out.severity = 'critical';
  return out;
}

function githubInterpret(response: HttpResponse): Verdict {
  const body = readBody(response);
  const status = response.status;
  const scopes = scopesOf(response.headers['x-oauth-scopes']);
  const admin = (s: string) => GITHUB_ADMIN_SCOPES.has(s);
  if (status === 200 && body.looksJson) {
    const login = field(body.json, 'login');
    const who =
      typeof login === 'string' && /^[A-Za-z0-9-]{1,39}(?:\[bot\])?$/.test(login) ? ` as ${login}` : '';
    const total = field(body.json, 'total_count');
    const what =
      typeof total === 'number'
        ? `the installation token authenticated (${total} repositories)`
        : `the token authenticated${who}`;
    return withScopes(live(what), scopes, admin);
  }
  if (status === 401 && body.looksJson) return rejected('GitHub rejected the token (bad credentials)');
  if (status === 403 && response.headers['x-ratelimit-remaining'] === '0') {
    return {
      status: 'unknown',
      reason: 'rate_limited',
      detail: 'rate limited by GitHub (HTTP 403)',
      retry: true,
    };
  }
  if (status === 403 && body.looksJson && /not accessible by integration/i.test(body.error.message)) {
    return withScopes(
      restricted('the token authenticated but cannot read this endpoint (an app token)'),
      scopes,
      admin,
    );
  }
  if (status === 403 && body.looksJson && /IP allow list/i.test(body.error.message)) {
    return {
      status: 'unknown',
      reason: 'ip_not_allowed',
      detail: "the organisation's IP allow list refused the request",
    };
  }
  return fallback(response, body);
}

const githubHeaders = (secret: string): Record<string, string> => ({
  ...bearer(secret),
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
});

/** The area a token with `repo` reaches when it can read an organisation's repositories. */
export const GITHUB_ORG_AREA = 'organisation repositories';

/**
 * A classic token with `repo` (or a fine-grained one, which sends no scopes) can write to every private
 * repository its user can: an organisation's too. One more read-only GET, `/user/repos` limited to the
 * organisations the user belongs to, says whether it reaches any; if so the token is critical, as an
 * `admin:org` one is.
 */
const githubOrgRepos: NonNullable<Check['followUp']> = {
  when: (verdict) =>
    verdict.status === 'live' &&
    verdict.reason === 'ok' &&
    verdict.severity === undefined &&
    (verdict.reach === undefined || verdict.reach.repo === 'reachable'),
  path: '/user/repos?affiliation=organization_member&per_page=1',
  interpret: (first, response) => {
    const body = readBody(response);
    if (response.status !== 200 || !body.looksJson || !Array.isArray(body.json)) return first;
    const owner = field(body.json[0], 'owner', 'login');
    if (body.json.length === 0) return { ...first, reach: { ...first.reach, [GITHUB_ORG_AREA]: 'denied' } };
    const named = typeof owner === 'string' && /^[A-Za-z0-9-]{1,39}$/.test(owner) ? ` (${owner})` : '';
    return {
      ...first,
      detail: `${first.detail}; reaches organisation repositories${named}`,
      reach: { ...first.reach, [GITHUB_ORG_AREA]: 'reachable' },
      severity: 'critical',
    };
  },
};

export const githubUserCheck: Check = {
  provider: 'github',
  path: '/user',
  headers: githubHeaders,
  interpret: githubInterpret,
  followUp: githubOrgRepos,
};

/** Installation tokens (`ghs_`) cannot read `/user`; the repositories they reach can be listed. */
export const githubInstallationCheck: Check = {
  provider: 'github',
  path: '/installation/repositories?per_page=1',
  headers: githubHeaders,
  interpret: githubInterpret,
};

/** Slack answers 200 with `ok: false` and an error code for a token it does not accept. */
const SLACK_DEAD = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
]);

export const slackCheck: Check = {
  provider: 'slack',
  path: '/auth.test',
  headers: bearer,
  interpret: (response) => {
    const body = readBody(response);
    if (response.status === 200 && body.looksJson) {
      const ok = field(body.json, 'ok');
      const error = token(
        typeof field(body.json, 'error') === 'string' ? (field(body.json, 'error') as string) : undefined,
      );
      const scopes = scopesOf(response.headers['x-oauth-scopes']);
      const admin = (s: string) => SLACK_ADMIN_SCOPE.test(s);
      if (ok === true) {
        const team = field(body.json, 'team');
        const name = typeof team === 'string' && /^[\w .'-]{1,64}$/.test(team) ? ` in workspace ${team}` : '';
        const bot = typeof field(body.json, 'bot_id') === 'string' ? 'bot token' : 'token';
        return withScopes(live(`the ${bot} authenticated${name}`), scopes, admin);
      }
      if (error === 'account_inactive') return deactivated('Slack reports the account or app inactive');
      if (error !== undefined && SLACK_DEAD.has(error))
        return rejected(`Slack rejected the token (${error})`);
      if (error === 'ratelimited')
        return { status: 'unknown', reason: 'rate_limited', detail: 'rate limited by Slack', retry: true };
      if (error === 'missing_scope')
        return restricted('the token authenticated but lacks a scope for auth.test');
      if (error === 'invalid_ip' || error === 'ip_not_allowed')
        return {
          status: 'unknown',
          reason: 'ip_not_allowed',
          detail: "the workspace's IP allow list refused the request",
        };
    }
    return fallback(response, body);
  },
};

export const stripeCheck: Check = {
  provider: 'stripe',
  path: '/balance',
  headers: bearer,
  interpret: (response) => {
    const body = readBody(response);
    const status = response.status;
    if (status === 200 && body.looksJson) {
      const livemode = field(body.json, 'livemode');
      const mode = livemode === true ? 'live mode' : livemode === false ? 'test mode' : 'mode not stated';
      return live(`the key read the account's balance (${mode})`);
    }
    if (body.looksJson) {
      if (status === 401) return rejected('Stripe rejected the key (invalid or expired)');
      if (status === 403)
        return restricted(
          'the key authenticated but may not read the balance (a restricted key without that permission)',
        );
    }
    return fallback(response, body);
  },
};

export const tavilyCheck: Check = {
  provider: 'tavily',
  path: '/usage',
  headers: bearer,
  interpret: (response) => {
    const body = readBody(response);
    const status = response.status;
    if (status === 200 && body.looksJson) {
      const usage = field(body.json, 'key', 'usage');
      const limit = field(body.json, 'key', 'limit');
      if (typeof usage === 'number' && typeof limit === 'number' && limit > 0 && usage >= limit)
        return noQuota('the key authenticated but its credit limit is used up');
      return live('the key authenticated');
    }
    if (status === 401 && body.looksJson) return rejected('Tavily rejected the key');
    return fallback(response, body);
  },
};

/**
 * LangSmith (`lsv2_pt_`, `lsv2_sk_`): list one tracing project with `x-api-key`. An organisation-scoped
 * key is refused with 403 until a workspace is named (`X-Tenant-ID`): it authenticated, and it reaches
 * every workspace of the organisation, so it is live, restricted here, and critical.
 */
export const langSmithCheck: Check = {
  provider: 'langsmith',
  path: '/api/v1/sessions?limit=1',
  headers: (secret) => ({ 'x-api-key': secret }),
  interpret: (response) => {
    const body = readBody(response);
    const status = response.status;
    if (status === 200 && body.looksJson) return live('the key authenticated');
    if (body.looksJson) {
      if (status === 401) return rejected('LangSmith rejected the key');
      if (status === 403 && /org-scoped|X-Tenant-ID/i.test(body.error.message)) {
        return {
          ...restricted(
            'an organisation-scoped key: it authenticated, and reaches every workspace of the organisation',
          ),
          severity: 'critical',
        };
      }
    }
    return fallback(response, body);
  },
};
