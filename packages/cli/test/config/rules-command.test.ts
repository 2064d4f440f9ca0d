import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '@keyward/test-utils';
import { randomString, rng } from '@keyward/rules';

let dir: string;
beforeEach(() => {
  dir = tempDir();
  mkdirSync(join(dir, '.git'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(argv, { cwd: dir });
const writeConfig = (config: unknown, name = 'keyward.config.json') =>
  writeFileSync(join(dir, name), JSON.stringify(config, null, 2));

/** A custom rule whose examples use placeholders, so no key-shaped literal is written anywhere. */
const acme = {
  id: 'acme-token',
  title: 'ACME deploy token',
  keywords: ['acme_live_'],
  pattern: '\\b(acme_live_[a-z0-9]{24})\\b',
  severity: 'medium',
  examples: ['ACME_TOKEN=«acme_live_{{hex:24}}»', 'deploy --token «acme_live_{{hex:24}}» now'],
  negativeExamples: ['ACME_TOKEN=acme_live_short', 'acme_test_{{hex:24}}'],
};

describe('keyward rules check', () => {
  it('passes custom rules whose examples hold (exit 0)', async () => {
    writeConfig({ customRules: [acme] });
    const r = await cli('rules', 'check');
    expect(r.stdout).toBe('ok    acme-token (2 examples, 2 negative)\n');
    expect(r.stderr).toContain('1 of 1 custom rules pass their examples');
    expect(r.code).toBe(0);
  });

  it('names each failing example without printing it (exit 1)', async () => {
    writeConfig({
      customRules: [
        {
          ...acme,
          examples: [...acme.examples, 'deploy --token acme_live_{{hex:10}} now'],
          negativeExamples: ['x acme_live_{{hex:24}} y'],
        },
      ],
    });
    const r = await cli('rules', 'check');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'FAIL  acme-token examples[2]: expected one finding of acme-token, got none\n' +
        'FAIL  acme-token negativeExamples[0]: acme-token reported it\n',
    );
  });

  it('checks a rule file named on the command line (one rule, YAML)', async () => {
    writeFileSync(
      join(dir, 'acme.yaml'),
      [
        'id: acme-token',
        "keywords: ['acme_live_']",
        "pattern: '\\b(acme_live_[a-z0-9]{24})\\b'",
        'examples: ["token: «acme_live_{{hex:24}}»"]',
        '',
      ].join('\n'),
    );
    const r = await cli('rules', 'check', 'acme.yaml');
    expect(r.stdout).toBe('ok    acme-token (1 example, 0 negative)\n');
    expect(r.code).toBe(0);
  });

  it('reports an invalid rule as a config error naming file and key (exit 2)', async () => {
    writeConfig({ customRules: [{ ...acme, pattern: '(acme_live_[a-z' }] });
    const r = await cli('rules', 'check');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /keyward\.config\.json: customRules\[0\]\.pattern: not a valid regular expression/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says so when there is nothing to check', async () => {
    const r = await cli('rules', 'check');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('no custom rules to check');
  });
});

describe('keyward rules list', () => {
  it('lists the rules in effect with overrides, custom rules and switched-off rules', async () => {
    writeConfig({
      rules: { 'openai-project-key': { severity: 'critical' }, 'openai-legacy-key': 'off' },
      customRules: [acme],
    });
    const r = await cli('rules', 'list', '--format', 'json');
    expect(r.code).toBe(0);
    const rows: Array<{ id: string; severity: string; custom: boolean; enabled: boolean }> = JSON.parse(
      r.stdout,
    );
    expect(rows.find((x) => x.id === 'openai-project-key')).toMatchObject({
      severity: 'critical',
      enabled: true,
    });
    expect(rows.find((x) => x.id === 'openai-legacy-key')).toMatchObject({ enabled: false });
    expect(rows.find((x) => x.id === 'acme-token')).toMatchObject({ custom: true, enabled: true });
    expect(rows.filter((x) => x.id.startsWith('openai-')).length).toBeGreaterThanOrEqual(5);
    const text = await cli('rules');
    expect(text.stdout).toMatch(/^acme-token +medium +ACME deploy token \(custom\)$/m);
    expect(text.stdout).toMatch(/^openai-legacy-key +off /m);
  });

  it('lists the public-by-design rules, marked, beside their secret siblings', async () => {
    const rows: Array<{ id: string; public?: boolean }> = JSON.parse(
      (await cli('rules', 'list', '--format', 'json')).stdout,
    );
    const publicIds = rows.filter((x) => x.public).map((x) => x.id);
    expect(publicIds).toEqual(
      expect.arrayContaining([
        'posthog-project-api-key',
        'stripe-publishable-key',
        'supabase-publishable-key',
      ]),
    );
    for (const sibling of ['posthog-personal-api-key', 'stripe-secret-key', 'stripe-restricted-key'])
      expect(rows.find((x) => x.id === sibling)).not.toHaveProperty('public');
    const text = await cli('rules', 'list');
    expect(text.stdout).toMatch(
      /^posthog-project-api-key +low .*\(public by design: reported with scan --no-filters\)$/m,
    );
  });

  it('groups the rules by family, and a family switch turns a whole family off', async () => {
    writeConfig({ families: { payments: 'off', 'code-hosts': 'off' }, rules: { 'github-pat': 'on' } });
    const rows: Array<{ id: string; family: string; enabled: boolean }> = JSON.parse(
      (await cli('rules', 'list', '--format', 'json')).stdout,
    );
    const family = (f: string) => rows.filter((x) => x.family === f);
    expect(family('payments').length).toBeGreaterThanOrEqual(4);
    expect(family('payments').every((x) => !x.enabled)).toBe(true);
    // A rule's own switch wins over its family's.
    expect(
      family('code-hosts')
        .filter((x) => x.enabled)
        .map((x) => x.id),
    ).toEqual(['github-pat']);
    expect(family('ai').every((x) => x.enabled)).toBe(true);
    // Families in a fixed order (AI providers first, the generic rule last), each rule inside its group.
    const order = rows.map((x) => x.family).filter((f, i, all) => all.indexOf(f) === i);
    expect(order[0]).toBe('ai');
    expect(order.at(-1)).toBe('generic');
    const text = (await cli('rules', 'list')).stdout;
    expect(text).toMatch(/^AI providers \[ai\] \d+ rules$/m);
    expect(text).toMatch(/^Payments \[payments\] 4 rules, 4 off$/m);
    expect(text).toMatch(/^stripe-secret-key +off +Stripe live secret key$/m);
    expect(text).toMatch(/^github-pat +high +GitHub personal access token \(classic\)$/m);
    // A scan here runs no rule of a family switched off.
    const body = randomString(rng(7), 'alnum', 24);
    writeFileSync(join(dir, 'pay.env'), `STRIPE_SECRET_KEY=${'sk_live_'}${body}\n`);
    expect((await cli('scan', '--quiet', '.')).code).toBe(0);
    writeConfig({});
    expect((await cli('scan', '--quiet', '.')).code).toBe(1);
  });

  it('rejects an unknown family, naming the known ones', async () => {
    writeConfig({ families: { paymnets: 'off' } });
    const r = await cli('rules', 'list');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('families.paymnets: no such family (known: ai, code-hosts');
  });

  it('rejects an unknown action', async () => {
    const r = await cli('rules', 'delete');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rules delete: use rules list or rules check [file]');
  });
});
