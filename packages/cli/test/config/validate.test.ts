import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { KeywardError } from '../../src/errors.js';

const FILE = '/repo/keyward.config.json';

function errorOf(raw: unknown): string {
  try {
    validateConfig(raw, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as KeywardError).code).toBe('E_CONFIG_INVALID');
    return (error as KeywardError).message;
  }
  throw new Error('expected a config error');
}

const rule = (extra: Record<string, unknown> = {}) => ({
  id: 'acme-token',
  keywords: ['acme_'],
  pattern: '\\b(acme_[a-z0-9]{32})\\b',
  examples: ['token = acme_0123456789abcdef0123456789abcdef'],
  ...extra,
});

describe('validateConfig', () => {
  it('fills in the defaults for an empty config', () => {
    const config = validateConfig({}, FILE);
    expect(config).toMatchObject({
      extends: 'keyward:recommended',
      ignorePaths: [],
      customRules: [],
      inlineAllow: true,
      verify: {},
    });
    expect(config.rules.size).toBe(0);
    expect(config.maxFileSize).toBeUndefined();
  });

  it('reads every documented key', () => {
    const config = validateConfig(
      {
        $schema: './node_modules/keyward/schema.json',
        extends: 'keyward:none',
        rules: { 'a-rule': 'off', 'b-rule': 'low', 'c-rule': { enabled: true, severity: 'critical' } },
        ignorePaths: ['fixtures/**'],
        allowlist: { secrets: ['sk-test-[a-z]+'], fingerprints: ['ab'.repeat(32)] },
        customRules: [rule({ severity: 'medium', negativeExamples: ['acme_short'], redactPrefix: 5 })],
        inlineAllow: 'local',
        maxFileSize: '512k',
        verify: { required: true, timeoutMs: 2000, concurrency: 1 },
      },
      FILE,
    );
    expect(config.extends).toBe('keyward:none');
    expect([...config.rules]).toEqual([
      ['a-rule', { enabled: false }],
      ['b-rule', { enabled: true, severity: 'low' }],
      ['c-rule', { enabled: true, severity: 'critical' }],
    ]);
    expect(config.allowlist.secrets[0]!.test('sk-test-abc')).toBe(true);
    expect(config.allowlist.secrets[0]!.test('xsk-test-abc')).toBe(false); // whole secret only
    expect(config.allowlist.fingerprints.has('ab'.repeat(32))).toBe(true);
    expect(config.customRules[0]).toMatchObject({
      id: 'acme-token',
      title: 'acme-token',
      provider: 'custom',
      severity: 'medium',
      confidence: 'medium',
      secretGroup: 1,
      redactPrefix: 5,
      negativeExamples: ['acme_short'],
    });
    expect(config.inlineAllow).toBe('local');
    expect(config.maxFileSize).toBe(512 * 1024);
    expect(config.verify).toEqual({ required: true, timeoutMs: 2000, concurrency: 1 });
  });

  it.each([
    [{ rulez: {} }, 'rulez: unknown key'],
    [{ allowlist: { paths: [] } }, 'allowlist.paths: unknown key'],
    [{ rules: { x: { enabled: 'yes' } } }, 'rules.x.enabled: must be true or false'],
    [{ rules: { x: { level: 'low' } } }, 'rules.x.level: unknown key'],
    [{ rules: [] }, 'rules: must be an object'],
    [{ extends: 'gitleaks:default' }, 'extends: must be one of keyward:recommended, keyward:none'],
    [{ ignorePaths: 'dist' }, 'ignorePaths: must be a list of strings'],
    [{ ignorePaths: ['ok', ''] }, 'ignorePaths[1]: must be a non-empty string'],
    [
      { allowlist: { secrets: ['sk-(unclosed'] } },
      'allowlist.secrets[0]: not a valid regular expression (Unterminated group): sk-(unclosed',
    ],
    [{ allowlist: { fingerprints: ['not-hex'] } }, 'allowlist.fingerprints[0]: must be a fingerprint'],
    [
      { customRules: [rule({ pattern: 'acme_[' })] },
      'customRules[0].pattern: not a valid regular expression',
    ],
    [
      { customRules: [rule({ secretGroup: 2 })] },
      'customRules[0].secretGroup: the pattern has 1 capture group(s), not 2',
    ],
    [{ customRules: [rule({ keywords: [] })] }, 'customRules[0].keywords: needs at least one anchor literal'],
    [{ customRules: [rule({ examples: undefined })] }, 'customRules[0].examples: needs at least one example'],
    [{ customRules: [rule({ id: 'Acme Token' })] }, 'customRules[0].id: must be lowercase letters'],
    [{ customRules: [rule({ verify: 'openai' })] }, 'customRules[0].verify: unknown key'],
    [{ customRules: [rule(), rule()] }, 'customRules[1].id: duplicate rule id acme-token'],
    [{ inlineAllow: 'ci' }, 'inlineAllow: must be true, false or "local"'],
    [{ maxFileSize: '10 parsecs' }, 'maxFileSize: must be a positive size'],
    [
      { verify: { baseUrl: 'https://evil.example' } },
      'verify.baseUrl: a repository config cannot redirect verification',
    ],
    [{ verify: { concurrency: 64 } }, 'verify.concurrency: must be a whole number from 1 to 4'],
    [[], '(top level): must be an object'],
    [JSON.parse('{"__proto__": {"polluted": true}}'), '__proto__: unknown key'],
  ])('rejects %j naming the file and key', (raw, expected) => {
    const message = errorOf(raw);
    expect(message.startsWith(`${FILE}: `)).toBe(true);
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });
});
