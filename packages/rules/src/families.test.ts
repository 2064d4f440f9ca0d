import { describe, expect, it } from 'vitest';
import { RULE_FAMILIES, familyOf } from '@keyward/core';
import { RULES } from '@keyward/rules';
// @ts-expect-error: plain ESM build script without type declarations
import { FAMILIES } from '../scripts/generate.mjs';

describe('rule families', () => {
  it('the generator accepts exactly the families core knows, but `custom` (config rules only)', () => {
    expect([...FAMILIES].sort()).toEqual(
      Object.keys(RULE_FAMILIES)
        .filter((f) => f !== 'custom')
        .sort(),
    );
  });

  it('every built-in rule names its family', () => {
    expect(RULES.filter((r) => r.family === undefined).map((r) => r.id)).toEqual([]);
    expect(RULES.filter((r) => familyOf(r) === 'custom').map((r) => r.id)).toEqual([]);
  });

  it('the services beside AI keys sit in their families', () => {
    const family = (id: string) => RULES.find((r) => r.id === id)?.family;
    expect(family('openai-project-key')).toBe('ai');
    expect(family('github-pat')).toBe('code-hosts');
    expect(family('aws-access-key-pair')).toBe('cloud');
    expect(family('stripe-secret-key')).toBe('payments');
    expect(family('slack-bot-token')).toBe('chat');
    expect(family('tavily-api-key')).toBe('agent-tools');
    expect(family('npm-access-token')).toBe('package-registries');
    expect(family('generic-secret')).toBe('generic');
  });
});
