import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { expandExample } from '@keyward/rules';
import { fakeKey, OPENAI_MARKER, randomString, rng, type FakeKeyKind } from '@keyward/test-utils';
import { classifyKey, redactSecret, VERIFIABLE_RULE_IDS } from '@keyward/verifier';

describe('classifyKey', () => {
  it.each([
    ['openai-project', 'openai-project-key'],
    ['openai-project-56', 'openai-project-key'],
    ['openai-svcacct', 'openai-service-account-key'],
    ['openai-admin', 'openai-admin-key'],
    ['openai-legacy', 'openai-legacy-key'],
    ['openai-none', 'openai-user-key'],
    ['anthropic', 'anthropic-api-key'],
    ['anthropic-admin', 'anthropic-admin-key'],
    ['groq', 'groq-api-key'],
    ['openrouter', 'openrouter-api-key'],
    ['huggingface', 'huggingface-token'],
    ['google', 'google-ai-api-key'],
    ['xai', 'xai-api-key'],
    ['perplexity', 'perplexity-api-key'],
    ['replicate', 'replicate-api-token'],
    ['deepseek', 'deepseek-api-key'],
  ] as Array<[FakeKeyKind, string]>)('%s → %s', (kind, ruleId) => {
    expect(classifyKey(fakeKey(kind, 5))).toBe(ruleId);
  });

  it('never takes another family for OpenAI', () => {
    const next = rng(9);
    expect(classifyKey(`sk-${randomString(next, 'hex', 32)}`)).toBe('deepseek-api-key');
    expect(classifyKey(`sk-ant-oat01-${randomString(next, 'base64url', 80)}`)).toBe('anthropic-oauth-token');
    expect(classifyKey(`sk_live_${randomString(next, 'alnum', 24)}`)).toBeUndefined();
    // An `sk-` string without the marker is not a known OpenAI shape.
    expect(classifyKey(`sk-${randomString(next, 'alnum', 48)}`)).toBeUndefined();
    expect(
      classifyKey(`sk-${randomString(next, 'alnum', 20)}${OPENAI_MARKER}${randomString(next, 'alnum', 20)}`),
    ).toBe('openai-legacy-key');
    expect(classifyKey('hello world')).toBeUndefined();
  });

  it('only returns rule ids the verifier knows (or that it reports as unsupported)', () => {
    const kinds: FakeKeyKind[] = [
      'openai-project',
      'anthropic',
      'groq',
      'google',
      'xai',
      'replicate',
      'deepseek',
    ];
    for (const kind of kinds) expect(VERIFIABLE_RULE_IDS).toContain(classifyKey(fakeKey(kind, 1)));
  });
});

/** Rules whose keys have a family prefix classifyKey knows; the rest (Mistral, Cohere, Azure, generic) have none. */
const PREFIXED_RULES = new Set([
  'openai-project-key',
  'openai-service-account-key',
  'openai-admin-key',
  'openai-legacy-key',
  'openai-user-key',
  'anthropic-api-key',
  'anthropic-admin-key',
  'anthropic-oauth-token',
  'groq-api-key',
  'openrouter-api-key',
  'huggingface-token',
  'google-ai-api-key',
  'xai-api-key',
  'perplexity-api-key',
  'replicate-api-token',
  'deepseek-api-key',
]);

describe('redactSecret', () => {
  it('shows the family prefix and the last 4 characters', () => {
    const key = fakeKey('openai-project', 5);
    expect(redactSecret(key)).toBe(`sk-proj-…${key.slice(-4)}`);
    const admin = fakeKey('anthropic-admin', 5);
    expect(redactSecret(admin)).toBe(`sk-ant-admin01-…${admin.slice(-4)}`);
  });

  it('shows 4 characters only for a key without a known prefix', () => {
    const token = randomString(rng(3), 'alnum', 32);
    expect(redactSecret(token, 'mistral-api-key')).toBe(`…${token.slice(-4)}`);
  });

  it('shows nothing of a body too short to hide', () => {
    expect(redactSecret('sk-proj-abc12345')).toBe('sk-proj-…');
  });
});

describe('classifyKey agrees with the rules', () => {
  it('classifies every example key of every rule as that rule (or, for unprefixed keys, as nothing)', () => {
    const rulesDir = fileURLToPath(new URL('../../../rules/', import.meta.url));
    const files = readdirSync(rulesDir, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.yaml') && !file.startsWith('presets'),
    );
    let checked = 0;
    for (const file of files) {
      const rule = parse(readFileSync(join(rulesDir, file), 'utf8')) as { id: string; examples?: string[] };
      (rule.examples ?? []).forEach((template, i) => {
        const { secret } = expandExample(template, 1000 + i);
        if (secret === undefined) return;
        const ruleId = classifyKey(secret);
        if (PREFIXED_RULES.has(rule.id)) expect([rule.id, secret]).toEqual([ruleId, secret]);
        else expect([ruleId, secret]).toEqual([undefined, secret]);
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(10);
  });
});
