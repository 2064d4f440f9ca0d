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

/** A commit id made from a number: 40 hex digits, distinct per `n`. */
export function commitId(n: number): string {
  return createHash('sha1').update(`commit ${n}`).digest('hex');
}

/** The dates of the history fixture's commits: commit n on 2026-01-(n+1). */
const dayOf = (n: number) => `2026-01-${String(n + 1).padStart(2, '0')}T09:30:00Z`;

/**
 * A history audit: one project key in 12 blobs across 9 commits and 7 paths (still at HEAD, verified
 * live, one blob unreachable), an Anthropic key in 3 versions of one file (gone from HEAD), an admin
 * key added once, and a Groq key one commit added to two files. Given newest first, as workers may.
 */
export function historyReport(): Report {
  const at = (n: number, author = 'Ada Tester <ada@example.test>') => ({
    commit: commitId(n),
    author,
    date: dayOf(n),
    reachable: true,
  });
  const project = (path: string, n: number | undefined, line = 1): Finding =>
    finding({
      kind: 'openai-project',
      seed: 11,
      ruleId: 'openai-project-key',
      severity: 'high',
      prefix: 'sk-proj-',
      path,
      line,
      column: 16,
      extra: {
        ...(n === undefined
          ? { reachable: false }
          : at(n, n >= 6 ? 'Bo Builder <bo@example.test>' : undefined)),
        presentAtHead: true,
        verification: { status: 'live', reason: 'ok', detail: 'the key works' },
      },
    });
  const anthropic = (n: number, line: number): Finding =>
    finding({
      kind: 'anthropic',
      seed: 12,
      ruleId: 'anthropic-api-key',
      severity: 'high',
      prefix: 'sk-ant-api03-',
      path: 'app/.env.local',
      line,
      column: 19,
      extra: { ...at(n), presentAtHead: false },
    });
  const groq = (path: string): Finding =>
    finding({
      kind: 'groq',
      seed: 14,
      ruleId: 'groq-api-key',
      severity: 'medium',
      prefix: 'gsk_',
      path,
      line: 4,
      column: 9,
      extra: { ...at(5), presentAtHead: false },
    });
  const findings: Finding[] = [
    project('.env', 1),
    project('.env', 2, 2),
    project('.env', 3, 2),
    project('config/dev.env', 3),
    project('.env', 4, 3),
    project('config/prod.env', 4),
    project('deploy/k8s/secret.yaml', 5, 7),
    project('docker/compose.env', 6),
    project('scripts/setup.sh', 7, 12),
    project('services/api/.env', 8),
    project('.env', 9, 3),
    project('stash/.env', undefined),
    anthropic(2, 1),
    anthropic(4, 2),
    anthropic(6, 2),
    finding({
      kind: 'openai-admin',
      seed: 13,
      ruleId: 'openai-admin-key',
      severity: 'critical',
      prefix: 'sk-admin-',
      path: 'ops/admin.ts',
      line: 3,
      column: 22,
      extra: { ...at(7), presentAtHead: false },
    }),
    groq('web/.env'),
    groq('api/.env'),
  ];
  return {
    version: 1,
    tool: { name: 'keyward', version: '0.0.0-test' },
    scan: {
      mode: 'history',
      files: 0,
      blobs: 240,
      commits: 10,
      bytes: 98_765,
      durationMs: 2_040,
      range: 'all objects (240 blobs)',
      startedAt: '2026-01-12T03:04:05.000Z',
    },
    findings: findings.reverse(),
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
