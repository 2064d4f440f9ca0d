import { describe, expect, it } from 'vitest';
import { createScanner } from '@keyward/core';
import { RULES } from '@keyward/rules';
import { fakeKey, type FakeKeyKind } from '@keyward/test-utils';

/**
 * Every fake key kind the other packages' tests use is found, exactly and under the rule they expect, for
 * many seeds: a rule change that drops random-looking keys of a family (entropy, placeholders, lengths)
 * fails here rather than in a distant CLI test.
 */

const EXPECTED: Record<FakeKeyKind, { rule: string; line: (key: string) => string }> = {
  'openai-project': { rule: 'openai-project-key', line: (k) => `OPENAI_API_KEY=${k}` },
  'openai-project-56': { rule: 'openai-project-key', line: (k) => `OPENAI_API_KEY=${k}` },
  'openai-svcacct': { rule: 'openai-service-account-key', line: (k) => `OPENAI_API_KEY=${k}` },
  'openai-admin': { rule: 'openai-admin-key', line: (k) => `OPENAI_ADMIN_KEY=${k}` },
  'openai-legacy': { rule: 'openai-legacy-key', line: (k) => `OPENAI_API_KEY=${k}` },
  'openai-none': { rule: 'openai-user-key', line: (k) => `OPENAI_API_KEY=${k}` },
  anthropic: { rule: 'anthropic-api-key', line: (k) => `ANTHROPIC_API_KEY=${k}` },
  'anthropic-admin': { rule: 'anthropic-admin-key', line: (k) => `ANTHROPIC_ADMIN_KEY=${k}` },
  'anthropic-oauth': { rule: 'anthropic-oauth-token', line: (k) => `CLAUDE_CODE_OAUTH_TOKEN=${k}` },
  groq: { rule: 'groq-api-key', line: (k) => `GROQ_API_KEY=${k}` },
  openrouter: { rule: 'openrouter-api-key', line: (k) => `OPENROUTER_API_KEY=${k}` },
  huggingface: { rule: 'huggingface-token', line: (k) => `HF_TOKEN=${k}` },
  'huggingface-org': { rule: 'huggingface-token', line: (k) => `HF_TOKEN=${k}` },
  google: { rule: 'google-ai-api-key', line: (k) => `GEMINI_API_KEY=${k}` },
  xai: { rule: 'xai-api-key', line: (k) => `XAI_API_KEY=${k}` },
  perplexity: { rule: 'perplexity-api-key', line: (k) => `PERPLEXITY_API_KEY=${k}` },
  replicate: { rule: 'replicate-api-token', line: (k) => `REPLICATE_API_TOKEN=${k}` },
  deepseek: { rule: 'deepseek-api-key', line: (k) => `DEEPSEEK_API_KEY=${k}` },
  'azure-openai': { rule: 'azure-openai-key', line: (k) => `AZURE_OPENAI_API_KEY=${k}` },
  mistral: { rule: 'mistral-api-key', line: (k) => `MISTRAL_API_KEY=${k}` },
  cohere: { rule: 'cohere-api-key', line: (k) => `COHERE_API_KEY=${k}` },
};

const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);
const scanner = createScanner(RULES);

describe.each(Object.entries(EXPECTED))('fakeKey(%s)', (kind, { rule, line }) => {
  it(`is reported as ${rule}, exactly, for ${SEEDS.length} seeds`, () => {
    for (const seed of SEEDS) {
      const key = fakeKey(kind as FakeKeyKind, seed);
      const findings = scanner.scanText(line(key), '.env');
      expect(
        findings.map((f) => [f.ruleId, f.secret, f.confidence]),
        `seed ${seed}`,
      ).toEqual([[rule, key, expect.any(String)]]);
    }
  });

  it('never comes out under an openai- rule unless it is an OpenAI key', () => {
    const ids = SEEDS.flatMap((seed) =>
      scanner.scanText(line(fakeKey(kind as FakeKeyKind, seed)), '.env').map((f) => f.ruleId),
    );
    expect(ids.every((id) => id.startsWith('openai-'))).toBe(kind.startsWith('openai'));
  });
});
