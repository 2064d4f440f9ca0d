import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Scratch, fakeKey, runCli } from '@keyward/test-utils';
import {
  json,
  openAiError,
  startFakeProvider,
  type FakeProvider,
} from '../../../verifier/test/fake-provider.js';
import { keyFor, materialize } from './fixtures.js';

const scratch = new Scratch();
afterEach(() => scratch.clear());

/** Every key of the literal project fixture. */
const KEYS = [
  ...['openai-project:1', 'anthropic:3', 'openai-svcacct:4', 'openai-admin:6', 'google:7', 'groq:8'],
  ...['openrouter:10', 'openai-legacy:11', 'openai-project:16', 'anthropic:17', 'google:18'],
  ...['openai-svcacct:19', 'openai-project:21', 'google:22'],
  ...[2, 5, 9, 12, 13, 15, 20].map((seed) => `generic:${seed}`),
].map((spec) => {
  const [kind, seed] = spec.split(':');
  return keyFor(kind!, Number(seed));
});

function literalProject() {
  const repo = scratch.repo();
  materialize('project/literal', repo.dir);
  return repo;
}

describe('keyward agents in every report format', () => {
  it("sarif: a valid log whose rules include the audit's own, each result naming the agent and the fix", async () => {
    const repo = literalProject();
    const result = await runCli(['agents', '--format', 'sarif'], { cwd: repo.dir });
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string } }> } };
        results: Array<{ ruleId: string; message: { text: string } }>;
      }>;
    };
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.results).toHaveLength(23);
    const rule = (id: string) => run.tool.driver.rules.find((r) => r.id === id);
    expect(rule('agent-base-url')?.shortDescription.text).toBe(
      "Project setting points a provider's base URL at another host",
    );
    expect(rule('agent-secret-field')?.shortDescription.text).toBe(
      'Literal secret in a secret-named field of an agent configuration',
    );
    const admin = run.results.find((r) => r.ruleId === 'openai-admin-key')!;
    expect(admin.message.text).toContain('VS Code reads it (servers.billing.env.OPENAI_ADMIN_KEY)');
    expect(admin.message.text).toContain(
      'fix: add .vscode/mcp.json to .gitignore or keep the key out of it;',
    );
    for (const key of KEYS) expect(result.stdout).not.toContain(key);
  });

  it('github, gitlab, junit and html: one entry per finding with the agent and fix, redacted', async () => {
    const repo = literalProject();
    const github = await runCli(['agents', '--format', 'github'], { cwd: repo.dir });
    expect(github.code).toBe(1);
    const lines = github.stdout.trim().split('\n');
    expect(lines).toHaveLength(23);
    expect(lines.find((l) => l.startsWith('::error file=.mcp.json,line=6,'))).toContain(
      'Claude Code reads it (mcpServers.openai.env.OPENAI_API_KEY); fix: add .mcp.json to .gitignore',
    );
    const gitlab = await runCli(['agents', '--format', 'gitlab'], { cwd: repo.dir });
    expect((JSON.parse(gitlab.stdout) as { vulnerabilities: unknown[] }).vulnerabilities).toHaveLength(23);
    const junit = await runCli(['agents', '--format', 'junit'], { cwd: repo.dir });
    expect(junit.stdout).toContain('<testsuite name="keyward" tests="23" failures="23"');
    const html = await runCli(['agents', '--format', 'html'], { cwd: repo.dir });
    expect(html.code).toBe(1);
    expect(html.stdout).toContain('<title>keyward audit: ');
    for (const out of [github.stdout, gitlab.stdout, junit.stdout, html.stdout])
      for (const key of KEYS) expect(out).not.toContain(key);
  });

  it('--reveal shows the whole key only when asked', async () => {
    const repo = literalProject();
    const result = await runCli(['agents', '--format', 'json', '--reveal'], { cwd: repo.dir });
    const findings = (JSON.parse(result.stdout) as { findings: Array<{ keyPath?: string; secret?: string }> })
      .findings;
    expect(findings.find((f) => f.keyPath === 'mcpServers.openai.env.OPENAI_API_KEY')?.secret).toBe(
      keyFor('openai-project', 1),
    );
  });
});

describe('keyward agents --verify', () => {
  const LIVE = fakeKey('openai-project', 81);
  const DEAD = fakeKey('openai-legacy', 82);
  let openai: FakeProvider;
  beforeAll(async () => {
    openai = await startFakeProvider((req, res) => {
      if (req.headers.authorization === `Bearer ${LIVE}`) return json(res, 200, { object: 'list', data: [] });
      return openAiError(res, 401, 'invalid_api_key', 'Incorrect API key provided');
    });
  });
  afterAll(() => openai.close());

  it('checks the keys (never the base URL), keeps agent fields, filters with --only-live', async () => {
    const repo = scratch.repo();
    repo.write({
      '.mcp.json': `{ "mcpServers": { "o": { "env": { "OPENAI_API_KEY": "${LIVE}" } } } }\n`,
      '.cursor/mcp.json': `{ "mcpServers": { "o": { "env": { "OPENAI_API_KEY": "${DEAD}" } } } }\n`,
      '.claude/settings.json': '{ "env": { "OPENAI_BASE_URL": "https://proxy.example.test/v1" } }\n',
    });
    const env = { KEYWARD_OPENAI_BASE_URL: openai.url };
    const before = openai.requests.length;
    const result = await runCli(['agents', '--verify', '--format', 'json'], { cwd: repo.dir, env });
    expect(result.code).toBe(1);
    type Row = { ruleId: string; agent: string; keyPath: string; verification?: { status: string } };
    const findings = (JSON.parse(result.stdout) as { findings: Row[] }).findings;
    expect(findings.map((f) => [f.ruleId, f.agent, f.keyPath, f.verification?.status])).toEqual([
      ['agent-base-url', 'Claude Code', 'env.OPENAI_BASE_URL', undefined],
      ['openai-legacy-key', 'Cursor', 'mcpServers.o.env.OPENAI_API_KEY', 'invalid'],
      ['openai-project-key', 'Claude Code', 'mcpServers.o.env.OPENAI_API_KEY', 'live'],
    ]);
    expect(openai.requests.length - before).toBe(2);
    expect(result.stdout + result.stderr).not.toContain(LIVE);
    const text = await runCli(['agents', '--verify', '--only-live'], { cwd: repo.dir, env });
    expect(text.stdout).toMatch(
      /^critical {2}openai-project-key {2}sk-proj-…\w{4} {2}\.mcp\.json:1:\d+ · live\n/,
    );
    expect(text.stdout).not.toContain('openai-legacy-key');
  });
});
