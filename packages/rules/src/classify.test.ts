import { describe, expect, it } from 'vitest';
import { compileRules, ruleForSecret } from '@keyward/core';
import { RULES, expandExample, randomString, rng } from '@keyward/rules';
// @ts-expect-error: plain ESM build script without type declarations
import { readRuleFiles } from '../scripts/generate.mjs';

const { rules } = compileRules(RULES);
const classify = (secret: string) => ruleForSecret(rules, secret)?.spec.id;
/** Rules whose pattern carries its own context (`key = …`): a bare key of theirs cannot be told apart. */
const CONTEXT_IN_PATTERN = new Set([
  'azure-openai-key',
  'mistral-api-key',
  'cohere-api-key',
  'deepgram-api-key',
  'elevenlabs-legacy-api-key',
  'together-legacy-api-key',
  'exa-api-key',
  'serpapi-api-key',
  // The AKIA or ASIA id beside the secret, the PEM or PGP armour around it, the word firecrawl or brave on
  // its line: context.
  'aws-access-key-pair',
  'aws-temporary-credentials',
  'pem-private-key',
  'pem-encrypted-private-key',
  'pgp-private-key',
  'firecrawl-api-key',
  'brave-search-api-key',
  'google-service-account-key',
  'generic-secret',
]);

describe('ruleForSecret (keyward verify: keys on stdin)', () => {
  it('classifies every example key of every rule as that rule, or as nothing for context-only shapes', () => {
    let checked = 0;
    for (const { rule } of readRuleFiles() as Array<{ rule: { id: string; examples?: string[] } }>) {
      (rule.examples ?? []).forEach((template, i) => {
        const { secret } = expandExample(template, 1000 + i);
        if (secret === undefined) return;
        const expected = CONTEXT_IN_PATTERN.has(rule.id) ? undefined : rule.id;
        expect([classify(secret), secret]).toEqual([expected, secret]);
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('never takes another family for OpenAI, and leaves unknown text unclassified', () => {
    const next = rng(9);
    expect(classify(`sk-${randomString(next, 'hex', 32)}`)).toBe('deepseek-api-key');
    expect(classify(`sk-ant-oat01-${randomString(next, 'base64url', 80)}`)).toBe('anthropic-oauth-token');
    expect(classify(`sk_live_${randomString(next, 'alnum', 24)}`)).toBe('stripe-secret-key');
    expect(classify(`sk-${randomString(next, 'alnum', 48)}`)).toBeUndefined(); // no marker: no OpenAI shape
    expect(classify('hello world')).toBeUndefined();
    // Part of the text is not enough: the key must be all of it.
    expect(classify(`x sk-${randomString(next, 'hex', 32)}`)).toBeUndefined();
  });
});
