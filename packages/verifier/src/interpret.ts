import type { HttpResponse, Verdict } from './types.js';

/** What a verdict may read from a response body. Provider messages are matched, never copied whole. */
export interface Body {
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  /** JSON-looking (a capped body may be cut short, so a long 200 list need not parse). */
  looksJson: boolean;
  /** An HTML page: a proxy, a firewall, a captive portal or an error page, never the API itself. */
  html: boolean;
  /** The provider's error, whatever the envelope: OpenAI, Anthropic, Google, xAI, Replicate… */
  error: ErrorFields;
}

export interface ErrorFields {
  code?: string;
  type?: string;
  status?: string;
  message: string;
  /** Google's `error.details[].reason` values (e.g. `API_KEY_INVALID`). */
  reasons: string[];
}

export function readBody(response: HttpResponse): Body {
  const type = response.headers['content-type'] ?? '';
  const text = response.body.trimStart();
  const html = /text\/html/i.test(type) || /^<(!doctype|html|head|body|\?xml)/i.test(text);
  const looksJson = !html && (/json/i.test(type) || text.startsWith('{') || text.startsWith('['));
  let json: unknown;
  if (looksJson) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { json, looksJson, html, error: errorFields(json) };
}

function errorFields(json: unknown): ErrorFields {
  const root = asRecord(json);
  const nested = asRecord(root?.error);
  const message =
    str(nested?.message) ??
    str(root?.error) ??
    str(root?.message) ??
    str(root?.detail) ??
    str(root?.title) ??
    '';
  const details = Array.isArray(nested?.details) ? nested.details : [];
  return {
    code: str(nested?.code) ?? str(root?.code),
    type: str(nested?.type) ?? (str(root?.type) === 'error' ? undefined : str(root?.type)),
    status: str(nested?.status),
    message,
    reasons: details
      .map((detail) => str(asRecord(detail)?.reason))
      .filter((r): r is string => r !== undefined),
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A code or type fit to repeat in a detail: short and plain, so nothing the provider echoed gets through. */
export function token(value: string | undefined): string | undefined {
  return value !== undefined && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : undefined;
}

/** The scopes named in "…Missing scopes: api.model.read, api.files.read." (OpenAI's restricted keys). */
export function missingScopes(message: string): string[] | undefined {
  const match = /missing scopes?:\s*([A-Za-z0-9_.:, -]+)/i.exec(message);
  if (!match) return undefined;
  const scopes = (match[1] ?? '').match(/[A-Za-z0-9_.:-]+/g) ?? [];
  return scopes
    .map((scope) => scope.replace(/\.$/, ''))
    .filter((scope) => scope.length > 0 && scope.length <= 64);
}

/** A key limited to an IP allowlist that excludes this machine. */
export function mentionsIpRestriction(error: ErrorFields): boolean {
  const text = `${error.code ?? ''} ${error.message}`;
  return (
    /\bIP\b[^.]{0,60}\b(not (authori[sz]ed|allowed|permitted)|allow-?list|whitelist|blocked)/i.test(text) ||
    /\bnot (authori[sz]ed|allowed|permitted)\b[^.]{0,40}\bIP\b/i.test(text) ||
    /\bip_(not|address)/i.test(text)
  );
}

export const live = (detail: string): Verdict => ({ status: 'live', reason: 'ok', detail });
export const restricted = (detail: string): Verdict => ({ status: 'live', reason: 'restricted', detail });
export const noQuota = (detail: string): Verdict => ({ status: 'live', reason: 'no_quota', detail });
export const rejected = (detail: string): Verdict => ({
  status: 'invalid',
  reason: 'invalid_api_key',
  detail,
});
export const deactivated = (detail: string): Verdict => ({
  status: 'invalid',
  reason: 'account_deactivated',
  detail,
});
export const ipNotAllowed = (): Verdict => ({
  status: 'unknown',
  reason: 'ip_not_allowed',
  detail: 'the key only works from allowlisted IP addresses, and this machine is not one of them',
});

/** "scopes: a, b" when the provider named them, for restricted-key details. */
export function restrictedByScopes(scopes: string[]): Verdict {
  return restricted(
    scopes.length > 0
      ? `the key authenticated but lacks scopes: ${scopes.join(', ')}`
      : 'the key authenticated but lacks a scope',
  );
}

/**
 * The rows every provider shares once its own rules have had their say: 429, 5xx and HTML pages are
 * worth a retry and stay unknown; anything else is unknown and `unrecognized`. Never `invalid`: no
 * response that a provider's own rules did not recognise is evidence that a key is dead.
 */
export function fallback(response: HttpResponse, body: Body): Verdict {
  const status = response.status;
  const code = token(body.error.code) ?? token(body.error.type) ?? token(body.error.status);
  const named = code ? ` (${code})` : '';
  if (status === 429)
    return {
      status: 'unknown',
      reason: 'rate_limited',
      detail: `rate limited (HTTP 429)${named}`,
      retry: true,
    };
  if (status >= 500) {
    const what = body.html ? ' with an HTML page' : named;
    return {
      status: 'unknown',
      reason: 'server_error',
      detail: `server error (HTTP ${status}${what})`,
      retry: true,
    };
  }
  if (body.html) {
    return {
      status: 'unknown',
      reason: 'unrecognized',
      detail: `HTTP ${status} with an HTML page instead of an API answer (a proxy or firewall?)`,
      retry: true,
    };
  }
  return {
    status: 'unknown',
    reason: 'unrecognized',
    detail: `HTTP ${status}${named} is not an answer keyward can judge`,
  };
}

/** The value at `path` inside a parsed JSON body, or undefined where the path does not lead. */
export function field(json: unknown, ...path: string[]): unknown {
  let value: unknown = json;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
