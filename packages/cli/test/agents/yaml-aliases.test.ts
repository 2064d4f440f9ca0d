import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scratch, runCli } from '@keyward/test-utils';
import { keyFor, type JsonFinding } from './fixtures.js';

const scratch = new Scratch();
afterEach(() => scratch.clear());

describe('keyward agents: YAML aliases', () => {
  it('walks an aliased value once, at its anchor: 40 nested aliases (2^40 paths) audit like one', async () => {
    const repo = scratch.repo();
    const key = keyFor('anthropic', 31);
    // l1 holds the key; each next level holds the previous one twice, so expanding it would mean 2^40 copies.
    const levels = [`l0: &l0 {anthropic-api-key: ${key}}`];
    for (let i = 1; i <= 40; i++) levels.push(`l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
    writeFileSync(join(repo.dir, '.aider.conf.yml'), `${levels.join('\n')}\n`);
    const result = await runCli(['agents', '--format', 'json'], { cwd: repo.dir });
    expect(result.stderr).not.toContain('not valid YAML');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: JsonFinding[] };
    expect(report.findings.map((f) => [f.ruleId, f.keyPath, f.line])).toEqual([
      ['anthropic-api-key', 'l0.anthropic-api-key', 1],
    ]);
  });

  it('names the problem and its place when a YAML file does not parse', async () => {
    const repo = scratch.repo();
    writeFileSync(join(repo.dir, '.aider.conf.yml'), 'model: sonnet\n  weak-model: [unclosed\n');
    const result = await runCli(['agents'], { cwd: repo.dir });
    expect(result.stderr).toContain(
      'keyward: .aider.conf.yml: not valid YAML (bad indentation of a mapping entry at line 2, column 13); scanned it as plain text\n',
    );
    expect(result.code).toBe(0);
  });
});
