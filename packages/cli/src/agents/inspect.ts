import {
  encodedTextReason,
  fingerprint,
  genericValueRejection,
  isSecretName,
  placeholderReason,
  redact,
  testKeyReason,
  type Finding,
  type GenericSpec,
  type Scanner,
} from '@keyward/core';
import { BASE_URL_RULE, KEY_HELPER_RULE, SECRET_FIELD_RULE } from './agent-rules.js';
import type { Leaf } from './leaves.js';
import { holdsReference, isNameOnlyField, isReference } from './references.js';

/** What one value holds: a key (a rule's finding), or a setting that can send keys elsewhere. */
export type Hit = Pick<
  Finding,
  'ruleId' | 'severity' | 'confidence' | 'secret' | 'redacted' | 'fingerprint' | 'suppressed' | 'filtered'
> & { kind: 'key' | 'redirect' | 'exposure' };

/** A rule's finding in a value, as a key hit. */
export function keyHit(f: Finding): Hit {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    confidence: f.confidence,
    secret: f.secret,
    redacted: f.redacted,
    fingerprint: f.fingerprint,
    ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    ...(f.filtered ? { filtered: f.filtered } : {}),
    kind: 'key',
  };
}

export interface InspectContext {
  scanner: Scanner;
  /** The generic rule's word lists and value gate, for the secret-named field rule. */
  generic: GenericSpec | undefined;
  /** Project-level settings may not redirect keys (base URLs, apiKeyHelper). */
  scope: 'project' | 'user';
  path: string;
}

/**
 * Judges one string value: every keyward rule runs on it (the core engine), then the secret-named field
 * rule (the field's name, an `--api-key=…` or `KEY=…` inside it, the flag before it in `args`, a URL's
 * query), then, at project level, the settings that can send a key elsewhere. References are not keys.
 */
export function inspectLeaf(leaf: Leaf, previous: string | undefined, context: InspectContext): Hit[] {
  const { value, path } = leaf;
  if (value.length === 0 || isNameOnlyField(path) || isReference(value)) return [];
  const name = typeof path[path.length - 1] === 'string' ? (path[path.length - 1] as string) : undefined;
  const hits: Hit[] = context.scanner.scanText(value, context.path).map(keyHit);
  if (hits.length === 0 && context.generic) {
    for (const [field, candidate] of namedValues(name, previous, value)) {
      const hit = secretField(field, candidate, context.generic);
      if (hit) {
        hits.push(hit);
        break;
      }
    }
  }
  if (context.scope === 'project' && name !== undefined) {
    const redirect = redirection(name, value);
    if (redirect) hits.push(redirect);
  }
  return hits;
}

/** The (name, value) pairs a value offers to the secret-named field rule. */
function namedValues(
  name: string | undefined,
  previous: string | undefined,
  value: string,
): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const assignment = /^(?:--?)?([A-Za-z_][\w.-]*)=(.+)$/s.exec(value);
  if (assignment) pairs.push([assignment[1]!, assignment[2]!]);
  if (name !== undefined) pairs.push([name, value]);
  const flag = previous !== undefined ? /^--?([A-Za-z][\w-]*)$/.exec(previous) : null;
  if (flag) pairs.push([flag[1]!, value]);
  const url = urlOf(value);
  if (url) {
    for (const [param, paramValue] of url.searchParams) pairs.push([param, paramValue]);
    if (url.password) pairs.push(['password', decodeURIComponent(url.password)]);
  }
  return pairs;
}

function secretField(field: string, raw: string, spec: GenericSpec): Hit | undefined {
  if (!isSecretName(field, spec) && !/^(?:authorization|x-api-key|api-key)$/i.test(field)) return undefined;
  const value = raw.trim().replace(/^(?:Bearer|Basic|Token)\s+/i, '');
  if (value.length < spec.minLength || value.length > spec.maxLength || /\s/.test(value)) return undefined;
  if (holdsReference(value) || isReference(value)) return undefined;
  if (genericValueRejection(value, spec) !== undefined) return undefined;
  if (placeholderReason(value) || testKeyReason(value) || encodedTextReason(value)) return undefined;
  return {
    ruleId: SECRET_FIELD_RULE,
    severity: 'high',
    confidence: 'medium',
    secret: value,
    redacted: redact(value),
    fingerprint: fingerprint(SECRET_FIELD_RULE, value),
    kind: 'key',
  };
}

/** Hosts of the providers' own APIs: a base URL pointing there sends keys nowhere new. */
const OFFICIAL_HOSTS =
  /^(?:api\.openai\.com|api\.anthropic\.com|generativelanguage\.googleapis\.com|api\.groq\.com|openrouter\.ai|api\.mistral\.ai|api\.x\.ai|api\.deepseek\.com|api\.cohere\.(?:ai|com)|api\.perplexity\.ai|[\w-]+\.openai\.azure\.com)$/i;
const BASE_URL_NAME = /(?:^|_)(?:BASE_URL|API_BASE|API_URL)$|^(?:baseURL|baseUrl|apiBase|api_base|base_url)$/;

function redirection(name: string, value: string): Hit | undefined {
  if (name === 'apiKeyHelper' && value.trim() !== '') {
    return {
      ruleId: KEY_HELPER_RULE,
      severity: 'high',
      confidence: 'high',
      secret: value,
      redacted: `apiKeyHelper runs a command`,
      fingerprint: fingerprint(KEY_HELPER_RULE, value),
      kind: 'redirect',
    };
  }
  if (!BASE_URL_NAME.test(name) || holdsReference(value)) return undefined;
  const url = urlOf(value);
  if (!url || OFFICIAL_HOSTS.test(url.hostname)) return undefined;
  return {
    ruleId: BASE_URL_RULE,
    severity: 'high',
    confidence: 'high',
    secret: value,
    redacted: `${name} → ${url.host}`,
    fingerprint: fingerprint(BASE_URL_RULE, value),
    kind: 'redirect',
  };
}

function urlOf(value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value.trim())) return undefined;
  try {
    return new URL(value.trim());
  } catch {
    return undefined;
  }
}
