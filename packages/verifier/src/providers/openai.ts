import {
  deactivated,
  fallback,
  ipNotAllowed,
  live,
  mentionsIpRestriction,
  missingScopes,
  noQuota,
  readBody,
  rejected,
  restricted,
  restrictedByScopes,
} from '../interpret.js';
import type { HttpResponse, Verdict } from '../types.js';
import { bearer, type Check } from './check.js';

/**
 * OpenAI's answers, after DESIGN §5 and ecosystem.md §4. The body decides, not only the status: a 401 can
 * mean a dead key, a dead account, a restricted key or an IP allowlist.
 */
export function interpretOpenAi(response: HttpResponse): Verdict {
  const body = readBody(response);
  const { code, type, message } = body.error;
  const status = response.status;
  if (status === 200 && body.looksJson) return live('the key authenticated');
  if ((status === 401 || status === 403) && body.looksJson) {
    const scopes = missingScopes(message);
    if (scopes) return restrictedByScopes(scopes);
    if (/insufficient permissions/i.test(message)) {
      return restricted('the key authenticated but has no permission for this endpoint');
    }
    if (mentionsIpRestriction(body.error)) return ipNotAllowed();
    if (code === 'unsupported_country_region_territory') {
      return {
        status: 'unknown',
        reason: 'unrecognized',
        detail: 'OpenAI does not serve the country keyward runs from; the key was not judged',
      };
    }
    if (status === 401 && (code === 'account_deactivated' || /deactivated/i.test(message))) {
      return deactivated("the key's account is deactivated");
    }
    if (status === 401 && code === 'invalid_api_key') {
      return rejected('OpenAI rejected the key (revoked, deleted or mistyped)');
    }
  }
  if (status === 429 && (code === 'insufficient_quota' || type === 'insufficient_quota')) {
    return noQuota('the key authenticated but its account has no quota left');
  }
  return fallback(response, body);
}

const ASSISTANTS_BETA = { 'openai-beta': 'assistants=v2' };

/** Project, service-account, legacy and `sk-None-` keys: `GET /v1/models`. */
export const openAiCheck: Check = {
  provider: 'openai',
  path: '/models',
  headers: bearer,
  interpret: interpretOpenAi,
  reach: {
    verifiedArea: 'models',
    probes: [
      { area: 'files', path: '/files?limit=1' },
      { area: 'fine_tuning', path: '/fine_tuning/jobs?limit=1' },
      { area: 'batches', path: '/batches?limit=1' },
      { area: 'vector_stores', path: '/vector_stores?limit=1', headers: ASSISTANTS_BETA },
      { area: 'assistants', path: '/assistants?limit=1', headers: ASSISTANTS_BETA },
    ],
    unknowable: ['inference'],
  },
};

/** Admin keys cannot call `/v1/models`; they answer on the organisation endpoints. */
export const openAiAdminCheck: Check = {
  provider: 'openai',
  path: '/organization/admin_api_keys?limit=1',
  headers: bearer,
  interpret: interpretOpenAi,
  reach: {
    verifiedArea: 'admin_keys',
    probes: [
      { area: 'projects', path: '/organization/projects?limit=1' },
      { area: 'users', path: '/organization/users?limit=1' },
    ],
  },
};
