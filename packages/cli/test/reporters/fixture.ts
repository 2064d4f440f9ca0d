import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { fakeKey, type FakeKeyKind } from '@keyward/test-utils';
import type { Finding, Severity } from '@keyward/core';
import type { Report, ReporterOptions } from '../../src/report.js';

/**
 * The same findings for every format's golden files. Keys come from the seeded generator at test time;
 * goldens hold only redacted forms and fingerprints (hashes), never a key-shaped string.
 */
interface Spec {
  kind: FakeKeyKind;
  seed: number;
  ruleId: string;
  severity: Severity;
  prefix: string;
  path: string;
  line: number;
  column: number;
  extra?: Partial<Finding>;
}

function finding(spec: Spec): Finding {
  const secret = fakeKey(spec.kind, spec.seed);
  return {
    ruleId: spec.ruleId,
    severity: spec.severity,
    confidence: 'high',
    path: spec.path,
    line: spec.line,
    column: spec.column,
    endLine: spec.line,
    endColumn: spec.column + secret.length,
    secret,
    redacted: `${spec.prefix}…${secret.slice(-4)}`,
    fingerprint: createHash('sha256').update(`${spec.ruleId}\0${secret}`).digest('hex'),
    ...spec.extra,
  };
}

export function worktreeFindings(): Finding[] {
  return [
    finding({
      kind: 'openai-admin',
      seed: 2,
      ruleId: 'openai-admin-key',
      severity: 'critical',
      prefix: 'sk-admin-',
      path: 'src/config.ts',
      line: 9,
      column: 20,
    }),
    finding({
      kind: 'openai-project',
      seed: 1,
      ruleId: 'openai-project-key',
      severity: 'high',
      prefix: 'sk-proj-',
      path: 'src/config.ts',
      line: 3,
      column: 15,
    }),
    finding({
      kind: 'anthropic',
      seed: 3,
      ruleId: 'anthropic-api-key',
      severity: 'high',
      prefix: 'sk-ant-api03-',
      path: '.env',
      line: 1,
      column: 19,
    }),
    // A path with every character the formats must escape (workflow-command properties, XML, Markdown).
    finding({
      kind: 'groq',
      seed: 4,
      ruleId: 'groq-api-key',
      severity: 'medium',
      prefix: 'gsk_',
      path: 'deploy/eu,prod:1%<a&b>|x.env',
      line: 2,
      column: 1,
    }),
    finding({
      kind: 'huggingface',
      seed: 5,
      ruleId: 'huggingface-token',
      severity: 'low',
      prefix: 'hf_',
      path: 'notes/setup.md',
      line: 40,
      column: 7,
    }),
  ];
}

export function worktreeReport(): Report {
  return {
    version: 1,
    tool: { name: 'keyward', version: '0.0.0-test' },
    scan: {
      mode: 'worktree',
      files: 128,
      blobs: 0,
      commits: 0,
      bytes: 1_234_567,
      durationMs: 84,
      startedAt: '2026-01-02T03:04:05.678Z',
    },
    findings: worktreeFindings(),
    suppressed: { inline: 2, baseline: 1, config: 0 },
    skipped: { ignored: 31, binary: 4, tooLarge: 1, unreadable: 0, links: 0 },
    warnings: [],
  };
}

/** A range scan: provenance on each finding, verification results, one unreachable blob. */
export function rangeReport(): Report {
  const commit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  const provenance = { commit, author: 'Ada Tester <ada@example.test>', date: '2026-01-01T00:03:00Z' };
  return {
    version: 1,
    tool: { name: 'keyward', version: '0.0.0-test' },
    scan: {
      mode: 'range',
      files: 0,
      blobs: 6,
      commits: 3,
      bytes: 4_321,
      durationMs: 1_530,
      range: '0123456789ab..a1b2c3d4e5f6 (3 commits)',
      startedAt: '2026-01-02T03:04:05.000Z',
    },
    findings: [
      finding({
        kind: 'openai-svcacct',
        seed: 6,
        ruleId: 'openai-service-account-key',
        severity: 'high',
        prefix: 'sk-svcacct-',
        path: 'app/settings.py',
        line: 12,
        column: 18,
        extra: {
          ...provenance,
          verification: { status: 'live', reason: 'restricted', detail: 'missing scopes: api.model.read' },
        },
      }),
      finding({
        kind: 'openai-legacy',
        seed: 7,
        ruleId: 'openai-legacy-key',
        severity: 'high',
        prefix: 'sk-',
        path: 'old/keys.txt',
        line: 1,
        column: 1,
        extra: {
          ...provenance,
          reachable: false,
          verification: { status: 'invalid', reason: 'invalid_api_key', detail: 'revoked or wrong key' },
        },
      }),
    ],
    suppressed: { inline: 0, baseline: 0, config: 0 },
    skipped: { ignored: 0, binary: 0, tooLarge: 0, unreadable: 0, links: 0 },
    warnings: [],
  };
}

export function cleanReport(): Report {
  return { ...worktreeReport(), findings: [], suppressed: { inline: 0, baseline: 0, config: 0 } };
}

export const OPTIONS: ReporterOptions = { reveal: false, color: false, env: {} };

/** Rule metadata as the pipeline passes it (the built-in rules' titles, severities, remediation). */
export const RULE_META: ReporterOptions['rules'] = [
  {
    id: 'openai-admin-key',
    title: 'OpenAI admin API key',
    provider: 'openai',
    severity: 'critical',
    confidence: 'high',
    remediation: 'Revoke the key in the OpenAI organization settings, then review audit logs.',
    references: ['https://platform.openai.com/docs/api-reference/administration'],
  },
  {
    id: 'openai-project-key',
    title: 'OpenAI project API key',
    provider: 'openai',
    severity: 'high',
    confidence: 'high',
  },
  {
    id: 'anthropic-api-key',
    title: 'Anthropic API key',
    provider: 'anthropic',
    severity: 'high',
    confidence: 'high',
  },
];

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'golden');

/**
 * Compares output with a golden file (UPDATE_GOLDEN=1 rewrites it) and checks that neither holds a secret.
 */
export function expectGolden(name: string, actual: string, secrets: string[]): void {
  for (const secret of secrets) expect(actual).not.toContain(secret);
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

export function secretsOf(report: Report): string[] {
  return report.findings.map((f) => f.secret);
}
