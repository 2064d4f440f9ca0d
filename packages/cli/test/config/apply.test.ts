import { describe, expect, it } from 'vitest';
import type { RuleSpec } from '@keyward/core';
import { applyConfigToRules, isAllowedByConfig } from '../../src/config/apply.js';
import { validateConfig } from '../../src/config/validate.js';
import { KeywardError } from '../../src/errors.js';

const FILE = '/repo/.keyward.yml';
const builtIn = (id: string, severity: RuleSpec['severity'] = 'high'): RuleSpec => ({
  id,
  title: id,
  provider: 'test',
  severity,
  confidence: 'high',
  keywords: ['x'],
  pattern: '(x+)',
});
const RULES = [
  builtIn('openai-project-key'),
  builtIn('openai-admin-key', 'critical'),
  builtIn('generic-secret', 'medium'),
];
const custom = {
  id: 'acme-token',
  keywords: ['acme_'],
  pattern: '(acme_[a-z]{8})',
  examples: ['acme_abcdefgh'],
};

const apply = (raw: unknown) => applyConfigToRules(RULES, { ...validateConfig(raw, FILE), file: FILE });

describe('applyConfigToRules', () => {
  it('keeps the defaults when the config says nothing', () => {
    expect(apply({})).toEqual(RULES);
  });

  it('turns rules off and overrides severities without touching the input', () => {
    const rules = apply({
      rules: { 'generic-secret': 'off', 'openai-project-key': { severity: 'critical' } },
    });
    expect(rules.map((r) => [r.id, r.severity])).toEqual([
      ['openai-project-key', 'critical'],
      ['openai-admin-key', 'critical'],
    ]);
    expect(RULES[0]!.severity).toBe('high');
  });

  it('adds custom rules without their examples, and can configure them too', () => {
    const rules = apply({ customRules: [custom], rules: { 'acme-token': 'low' } });
    const acme = rules.find((r) => r.id === 'acme-token')!;
    expect(acme).toMatchObject({ id: 'acme-token', severity: 'low', pattern: '(acme_[a-z]{8})' });
    expect(acme).not.toHaveProperty('examples');
    expect(rules).toHaveLength(4);
  });

  it('runs only the custom rules with extends: keyward:none', () => {
    expect(apply({ extends: 'keyward:none', customRules: [custom] }).map((r) => r.id)).toEqual([
      'acme-token',
    ]);
  });

  it.each([
    [{ rules: { 'openai-projekt-key': 'off' } }, `${FILE}: rules.openai-projekt-key: no such rule`],
    [
      { extends: 'keyward:none', rules: { 'generic-secret': 'off' } },
      `${FILE}: rules.generic-secret: no such rule (extends is keyward:none)`,
    ],
    [
      { customRules: [{ ...custom, id: 'generic-secret' }] },
      `${FILE}: customRules[0].id: generic-secret is a built-in rule`,
    ],
  ])('rejects %j', (raw, expected) => {
    expect(() => apply(raw)).toThrow(KeywardError);
    expect(() => apply(raw)).toThrow(expected);
  });
});

describe('isAllowedByConfig', () => {
  it('matches fingerprints exactly and secrets as a whole', () => {
    const config = validateConfig(
      { allowlist: { secrets: ['demo-[0-9]+'], fingerprints: ['0f'.repeat(32)] } },
      FILE,
    );
    expect(isAllowedByConfig({ fingerprint: '0f'.repeat(32), secret: 'anything' }, config)).toBe(true);
    expect(isAllowedByConfig({ fingerprint: 'aa', secret: 'demo-123' }, config)).toBe(true);
    expect(isAllowedByConfig({ fingerprint: 'aa', secret: 'demo-123x' }, config)).toBe(false);
    expect(isAllowedByConfig({ fingerprint: 'aa', secret: 'other' }, config)).toBe(false);
  });
});

describe('rule order (the earlier rule wins an overlap)', () => {
  it('puts custom rules after the built-in format rules and before the generic ones', () => {
    const generic: RuleSpec = { ...builtIn('generic-secret-assignment', 'medium'), kind: 'generic' };
    const rules = applyConfigToRules([generic, ...RULES.slice(0, 2)], {
      ...validateConfig({ customRules: [custom] }, FILE),
      file: FILE,
    });
    expect(rules.map((r) => r.id)).toEqual([
      'openai-project-key',
      'openai-admin-key',
      'acme-token',
      'generic-secret-assignment',
    ]);
  });
});
