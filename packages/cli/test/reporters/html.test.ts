import { describe, expect, it } from 'vitest';
import { htmlReporter } from '../../src/reporters/html/index.js';
import { OPTIONS, RULE_META, commitId, historyReport, secretsOf, worktreeReport } from './fixture.js';

const short = (n: number) => commitId(n).slice(0, 12);

/** The page's key articles, in page order, as `[id of its rule, article markup]`. */
function articles(html: string): Array<[string, string]> {
  return [...html.matchAll(/<article class="key[^"]*"[^>]*>([\s\S]*?)<\/article>/g)].map((m) => [
    /<dt>Rule<\/dt><dd><code>([^<]+)<\/code>/.exec(m[1]!)![1]!,
    m[1]!,
  ]);
}

const ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&amp;': '&',
};

/** The text of one fact (`<dt>label</dt><dd>…</dd>`) as a reader sees it: tags dropped, entities decoded. */
function fact(article: string, label: string): string | undefined {
  const dd = new RegExp(`<dt>${label}</dt><dd>([\\s\\S]*?)</dd>`).exec(article)?.[1];
  return dd?.replace(/<[^>]+>/g, '').replace(/&(?:lt|gt|quot|#39|amp);/g, (e) => ENTITIES[e]!);
}

describe('html audit: one entry per secret', () => {
  it('shows a key found in many blobs once: count, first and last commit, paths (5, then +N more)', async () => {
    const report = historyReport();
    const html = await htmlReporter(report, { ...OPTIONS, rules: RULE_META });
    for (const secret of secretsOf(report)) expect(html).not.toContain(secret);
    const keys = articles(html);
    expect(keys.map(([rule]) => rule)).toEqual([
      'openai-admin-key',
      'openai-project-key',
      'anthropic-api-key',
      'groq-api-key',
    ]);
    const project = keys[1]![1];
    expect(fact(project, 'Introduced')).toBe(
      `2026-01-02 in ${short(1)} by Ada Tester <ada@example.test>, .env:1`,
    );
    expect(fact(project, 'Last committed')).toBe(
      `2026-01-10 in ${short(9)} by Bo Builder <bo@example.test>, .env:3`,
    );
    expect(fact(project, 'Found')).toBe(
      '12 occurrences in 8 paths: .env, config/dev.env, config/prod.env, deploy/k8s/secret.yaml, docker/compose.env +3 more',
    );
    expect(project).toContain('<h4>Where it was found (12)</h4>');
    expect(project.match(/<tr><td>/g)).toHaveLength(12);

    // Added by one commit only: no separate last commit.
    const admin = keys[0]![1];
    expect(fact(admin, 'Last committed')).toBeUndefined();
    expect(fact(admin, 'Found')).toBe('1 occurrence in 1 path: ops/admin.ts');
    const groq = keys[3]![1];
    expect(fact(groq, 'Last committed')).toBeUndefined();
    expect(fact(groq, 'Found')).toBe('2 occurrences in 2 paths: api/.env, web/.env');
  });

  it('groups a key found in two files of the working tree the same way', async () => {
    const report = worktreeReport();
    const project = report.findings.find((f) => f.ruleId === 'openai-project-key')!;
    report.findings.push({ ...project, path: 'app/.env', line: 2, column: 16 });
    const keys = articles(await htmlReporter(report, { ...OPTIONS, rules: RULE_META }));
    expect(keys).toHaveLength(5);
    const [, article] = keys.find(([rule]) => rule === 'openai-project-key')!;
    expect(fact(article, 'Found')).toBe('2 occurrences in 2 paths: app/.env, src/config.ts');
    expect(fact(article, 'Last committed')).toBeUndefined();
  });
});
