import { describe, expect, it } from 'vitest';
import { RULE_FAMILIES, familyOf } from '@keyward/core';
import { RULES } from '@keyward/rules';
// @ts-expect-error: plain ESM build script without type declarations
import { FAMILIES } from '../scripts/generate.mjs';

const RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;
const severity = (id: string) => {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return RANK[rule.severity];
};

describe('severity follows what the key can do', () => {
  it.each([
    // [more reach, less reach]
    ['stripe-secret-key', 'stripe-test-key'], // live money above test mode
    ['stripe-secret-key', 'stripe-restricted-key'], // the whole account above a restricted key
    ['aws-access-key-pair', 'aws-access-key-id'], // a usable pair above an id alone
    ['openai-admin-key', 'openai-project-key'], // admin (mints keys) above a project key
    ['github-pat', 'github-app-installation-token'], // a user's reach above a one-hour app token
    ['slack-user-token', 'slack-webhook-url'], // reads a user's messages above posting to one channel
    ['slack-bot-token', 'slack-app-token'],
    ['sentry-user-token', 'sentry-org-token'], // a user's API access above a CI upload token
    ['npm-access-token', 'tavily-api-key'], // publishing packages above spending search credits
    ['pem-private-key', 'pem-encrypted-private-key'], // a bare key above one that needs its passphrase
    ['aws-access-key-pair', 'aws-temporary-credentials'], // a key that never expires above one that does
    ['elevenlabs-api-key', 'brave-search-api-key'], // cloning voices and reading history above searching
  ])('%s above %s', (more, less) => {
    expect(severity(more)).toBeGreaterThan(severity(less));
  });
});

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
    expect(family('brave-search-api-key')).toBe('agent-tools');
    expect(family('serpapi-api-key')).toBe('agent-tools');
    expect(family('deepgram-api-key')).toBe('ai');
    expect(family('voyage-api-key')).toBe('ai');
    expect(family('aws-temporary-credentials')).toBe('cloud');
    expect(family('pgp-private-key')).toBe('private-keys');
    expect(family('generic-secret')).toBe('generic');
  });
});
