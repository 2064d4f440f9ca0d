import {
  fallback,
  ipNotAllowed,
  live,
  mentionsIpRestriction,
  readBody,
  rejected,
  restricted,
} from '../interpret.js';
import type { HttpResponse, Verdict } from '../types.js';
import type { Check } from './check.js';

/** Reasons Google gives for a key it recognised but will not serve this request (the key itself is valid). */
const RESTRICTED_REASONS = new Set([
  'SERVICE_DISABLED',
  'API_KEY_SERVICE_BLOCKED',
  'API_KEY_HTTP_REFERRER_BLOCKED',
  'API_KEY_ANDROID_APP_BLOCKED',
  'API_KEY_IOS_APP_BLOCKED',
]);

/**
 * Google AI (Gemini): 200 live; 400 `API_KEY_INVALID` dead (wrong or expired); 403 on a recognised key that
 * lacks Gemini access or is limited to some sites or apps is a live, restricted Google key (trufflehog's
 * googlegemini: "valid key without Gemini access"); a 403 for the caller's IP address says nothing.
 */
export function interpretGoogle(response: HttpResponse): Verdict {
  const body = readBody(response);
  const { reasons, message } = body.error;
  const status = response.status;
  if (status === 200 && body.looksJson) return live('the key authenticated');
  if (body.looksJson) {
    if (
      status === 400 &&
      (reasons.includes('API_KEY_INVALID') || /API key (not valid|expired)/i.test(message))
    ) {
      return rejected(
        /expired/i.test(message) ? 'Google reports the key expired' : 'Google rejected the key',
      );
    }
    if (
      status === 403 &&
      (reasons.includes('API_KEY_IP_ADDRESS_BLOCKED') || mentionsIpRestriction(body.error))
    ) {
      return ipNotAllowed();
    }
    const restriction = reasons.find((reason) => RESTRICTED_REASONS.has(reason));
    if (status === 403 && restriction) {
      return restricted(
        restriction === 'SERVICE_DISABLED' || restriction === 'API_KEY_SERVICE_BLOCKED'
          ? 'a valid Google API key, but the Gemini API is not enabled for it'
          : 'a valid Google API key, restricted to certain websites or apps',
      );
    }
  }
  return fallback(response, body);
}

export const googleCheck: Check = {
  provider: 'google',
  path: '/v1beta/models?pageSize=1',
  headers: (secret) => ({ 'x-goog-api-key': secret }),
  interpret: interpretGoogle,
};
