import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Scratch, runCli, tempDir } from '@keyward/test-utils';
import { keyFor, materialize, type JsonFinding } from './fixtures.js';

const scratch = new Scratch();
afterEach(() => scratch.clear());

interface Report {
  scan: { mode: string; files: number };
  findings: JsonFinding[];
}

/** `keyward agents --format json` of a fresh repository holding `fixture`, written to `out`. */
async function audit(fixture: string, out: string): Promise<Report> {
  const repo = scratch.repo();
  materialize(fixture, repo.dir);
  const result = await runCli(['agents', '--format', 'json', '--output', out], { cwd: repo.dir });
  expect([0, 1]).toContain(result.code);
  return JSON.parse(readFileSync(out, 'utf8')) as Report;
}

describe('keyward merge: agent audits', () => {
  it('merges the audits of several projects (or machines) into one, keeping agent, key path, level, why and fix', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    const literal = await audit('project/literal', join(dir, 'a.json'));
    const clean = await audit('project/reference', join(dir, 'b.json'));
    expect(literal.findings).toHaveLength(23);
    expect(clean.findings).toHaveLength(0);

    const json = await runCli(['merge', join(dir, 'a.json'), join(dir, 'b.json'), '--format', 'json'], {
      cwd: dir,
    });
    expect(json.code).toBe(1);
    const merged = JSON.parse(json.stdout) as Report;
    expect(merged.scan.mode).toBe('agents');
    expect(merged.scan.files).toBe(36);
    const fields = (f: JsonFinding) => [f.path, f.keyPath, f.agent, f.scope, f.git, f.severity, f.why, f.fix];
    expect(merged.findings.map(fields).sort()).toEqual(literal.findings.map(fields).sort());

    // Text names the agent, why and the fix under each finding, as the audit itself does.
    const text = await runCli(['merge', join(dir, 'a.json'), join(dir, 'b.json')], { cwd: dir });
    expect(text.stdout).toContain(
      '  agent  VS Code · servers.billing.env.OPENAI_ADMIN_KEY · project, untracked\n',
    );
    expect(text.stdout).toContain('  fix    add .vscode/mcp.json to .gitignore or keep the key out of it;');
    expect(text.stdout).not.toContain(keyFor('openai-admin', 6));

    // SARIF knows the audit's own rules as well as the scan's.
    const sarif = await runCli(['merge', join(dir, 'a.json'), '--format', 'sarif'], { cwd: dir });
    const rules = (
      JSON.parse(sarif.stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } } }> }
    ).runs[0]!.tool.driver.rules.map((r) => r.id);
    expect(rules).toEqual(
      expect.arrayContaining(['agent-secret-field', 'agent-base-url', 'openai-admin-key']),
    );
  });

  it('refuses to merge an agent audit with a scan', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    await audit('project/literal', join(dir, 'agents.json'));
    const repo = scratch.repo();
    await runCli(['scan', '--format', 'json', '--output', join(dir, 'scan.json')], { cwd: repo.dir });
    const result = await runCli(['merge', join(dir, 'agents.json'), join(dir, 'scan.json')], { cwd: dir });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `keyward: ${join(dir, 'scan.json')}: a worktree report cannot be merged with agents reports; merge the shards of one scan\n`,
    });
  });
});
