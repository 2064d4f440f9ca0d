import { fallback, live, noQuota, readBody, rejected, restricted } from '../interpret.js';
import type { HttpResponse, Verdict } from '../types.js';
import type { Check } from './check.js';

/**
 * Anthropic: 200 live; 401 `authentication_error` dead; 404 `not_found_error` dead too (a disabled or
 * deleted key, per trufflehog's anthropic detector); 403 `permission_error` a live key without access;
 * 400, 429 and 529 (overloaded) are no evidence either way.
 */
export function interpretAnthropic(response: HttpResponse): Verdict {
  const body = readBody(response);
  const { type, message } = body.error;
  const status = response.status;
  if (status === 200 && body.looksJson) return live('the key authenticated');
  if (body.looksJson) {
    if (status === 401 && type === 'authentication_error') return rejected('Anthropic rejected the key');
    if (status === 404 && type === 'not_found_error')
      return rejected('Anthropic does not know the key (disabled or deleted)');
    if (status === 403 && type === 'permission_error') {
      return restricted('the key authenticated but has no permission for this endpoint');
    }
    if (/credit balance/i.test(message))
      return noQuota("the key authenticated but its account's credit is used up");
  }
  return fallback(response, body);
}

const headers = (secret: string): Record<string, string> => ({
  'x-api-key': secret,
  'anthropic-version': '2023-06-01',
});

export const anthropicCheck: Check = {
  provider: 'anthropic',
  path: '/v1/models?limit=1',
  headers,
  interpret: interpretAnthropic,
};

export const anthropicAdminCheck: Check = {
  provider: 'anthropic',
  path: '/v1/organizations/api_keys?limit=1',
  headers,
  interpret: interpretAnthropic,
};
