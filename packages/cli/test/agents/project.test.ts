import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GIT_ENV, Scratch, runCli, tempDir } from '@keyward/test-utils';
import { keyFor, materialize, type JsonFinding } from './fixtures.js';

const scratch = new Scratch();
afterEach(() => scratch.clear());

/** Every key the literal fixture holds: none may ever be printed whole without --reveal. */
const LITERAL_KEYS = [
  keyFor('openai-project', 1),
  keyFor('generic', 2),
  keyFor('anthropic', 3),
  keyFor('openai-svcacct', 4),
  keyFor('generic', 5),
  keyFor('openai-admin', 6),
  keyFor('google', 7),
  keyFor('groq', 8),
  keyFor('generic', 9),
  keyFor('openrouter', 10),
  keyFor('openai-legacy', 11),
  keyFor('generic', 12),
  keyFor('generic', 13),
  keyFor('generic', 15),
  keyFor('openai-project', 16),
  keyFor('anthropic', 17),
  keyFor('google', 18),
  keyFor('openai-svcacct', 19),
  keyFor('generic', 20),
  keyFor('openai-project', 21),
  keyFor('google', 22),
];

/** The literal fixture in a repository: committed, except one staged, one untracked, three ignored. */
function literalRepo() {
  const repo = scratch.repo();
  const files = materialize('project/literal', repo.dir);
  const committed = files.filter(
    (f) =>
      ![
        '.claude/settings.local.json',
        '.env',
        '.gemini/.env',
        '.vscode/mcp.json',
        '.zed/settings.json',
      ].includes(f),
  );
  repo.git('add', '--', ...committed);
  repo.git('commit', '-qm', 'agent configs');
  repo.git('add', '--', '.vscode/mcp.json');
  return repo;
}

/**
 * `keyward agents --format json` in `dir`, with GIT_TRACE pointing beside it: what git wrote there ('' when
 * the audit started no git at all).
 */
async function auditTraced(dir: string) {
  const file = join(dir, '..', `${basename(dir)}.git-trace`);
  scratch.add(() => rmSync(file, { force: true }));
  const result = await runCli(['agents', '--format', 'json'], { cwd: dir, env: { GIT_TRACE: file } });
  return { result, trace: existsSync(file) ? readFileSync(file, 'utf8') : '' };
}

describe('keyward agents (project level, JSON family)', () => {
  it('finds each literal key with its agent, key path, scope, git state, verdict and fix', async () => {
    const repo = literalRepo();
    const { result, trace } = await auditTraced(repo.dir);
    expect(result.code).toBe(1);
    // One git process tells the state of every file with findings.
    expect(trace.match(/trace: built-in: git /g)).toHaveLength(1);
    const report = JSON.parse(result.stdout) as {
      scan: { mode: string; files: number };
      findings: JsonFinding[];
    };
    expect(report.scan.mode).toBe('agents');
    expect(report.scan.files).toBe(18);
    const rows = report.findings
      .map((f) => [f.path, f.keyPath, f.ruleId, f.agent, f.scope, f.git, f.severity].join(' | '))
      .sort();
    expect(rows).toEqual(
      [
        '.amp/settings.json | ["amp.mcpServers"].router.env.OPENROUTER_API_KEY | openrouter-api-key | Amp | project | tracked | critical',
        '.claude/settings.json | apiKeyHelper | agent-api-key-helper | Claude Code | project | tracked | high',
        '.claude/settings.json | env.ANTHROPIC_API_KEY | anthropic-api-key | Claude Code | project | tracked | critical',
        '.claude/settings.json | env.ANTHROPIC_BASE_URL | agent-base-url | Claude Code | project | tracked | high',
        '.claude/settings.local.json | env.OPENAI_API_KEY | openai-service-account-key | Claude Code | project | ignored | high',
        '.cursor/mcp.json | mcpServers.search.args[3] | agent-secret-field | Cursor | project | tracked | critical',
        '.gemini/settings.json | mcpServers.maps.env.GEMINI_API_KEY | google-ai-api-key | Gemini CLI | project | tracked | critical',
        '.kiro/settings/mcp.json | mcpServers.remote.url | generic-secret | Kiro | project | tracked | critical',
        '.mcp.json | mcpServers.docs.headers.Authorization | generic-secret | Claude Code | project | tracked | critical',
        '.mcp.json | mcpServers.openai.env.OPENAI_API_KEY | openai-project-key | Claude Code | project | tracked | critical',
        '.roo/mcp.json | mcpServers.groq.env.GROQ_API_KEY | groq-api-key | Roo Code | project | tracked | critical',
        '.vscode/mcp.json | servers.billing.env.OPENAI_ADMIN_KEY | openai-admin-key | VS Code | project | staged | critical',
        '.zed/settings.json | context_servers.github.settings.github_personal_access_token | agent-secret-field | Zed | project | untracked | critical',
        'langgraph.json | env.LANGSMITH_API_KEY | agent-secret-field | LangGraph | project | tracked | critical',
        'opencode.json | provider.openai.options.apiKey | openai-legacy-key | opencode | project | tracked | critical',
        '.codex/config.toml | mcp_servers.docs.http_headers.Authorization | generic-secret | Codex CLI | project | tracked | critical',
        '.codex/config.toml | model_providers.proxy.experimental_bearer_token | openai-project-key | Codex CLI | project | tracked | critical',
        '.aider.conf.yml | anthropic-api-key | anthropic-api-key | aider | project | tracked | critical',
        '.aider.conf.yml | api-key[0] | google-ai-api-key | aider | project | tracked | critical',
        '.continue/models/openai.yaml | models[0].apiKey | openai-service-account-key | Continue | project | tracked | critical',
        '.continue/mcpServers/search.yaml | mcpServers[0].env.SEARCH_API_KEY | agent-secret-field | Continue | project | tracked | critical',
        '.env | OPENAI_API_KEY | openai-project-key | Gemini CLI, aider, Continue, LangGraph | project | ignored | high',
        '.gemini/.env | GEMINI_API_KEY | google-ai-api-key | Gemini CLI | project | ignored | high',
      ].sort(),
    );
    const by = (keyPath: string) => report.findings.find((f) => f.keyPath === keyPath)!;
    // The fix names the tool's own reference form, and git rm --cached + rotate for a committed file.
    expect(by('mcpServers.openai.env.OPENAI_API_KEY').fix).toBe(
      'git rm --cached .mcp.json and commit; rotate the key (it stays in the history); write ${NAME} (or ${NAME:-default}) in .mcp.json and set NAME in your environment',
    );
    expect(by('mcpServers.search.args[3]').fix).toContain('${env:NAME}');
    expect(by('servers.billing.env.OPENAI_ADMIN_KEY').why).toMatch(
      /^an admin key must never be in an agent's environment/,
    );
    expect(by('servers.billing.env.OPENAI_ADMIN_KEY').fix).toContain('${input:id}');
    expect(by('context_servers.github.settings.github_personal_access_token').fix).toBe(
      'add .zed/settings.json to .gitignore or keep the key out of it; this tool cannot reference variables: keep the key in your OS keychain or a secrets broker, and out of this file',
    );
    expect(by('provider.openai.options.apiKey').fix).toContain('rotate to a project key');
    expect(by('env.OPENAI_API_KEY').fix).not.toContain('git rm');
    expect(by('env.ANTHROPIC_BASE_URL').why).toContain('CVE-2026-21852');
    expect(by('env.ANTHROPIC_BASE_URL').redacted).toBe('ANTHROPIC_BASE_URL → llm-proxy.example.test');
    // Positions point at the key in the file.
    expect(by('mcpServers.openai.env.OPENAI_API_KEY').line).toBe(6);
    for (const key of LITERAL_KEYS) expect(result.stdout).not.toContain(key);
    for (const f of report.findings) expect(f.secret).toBeUndefined();
  });

  it('prints each finding with its agent, why and fix as text, redacted', async () => {
    const repo = literalRepo();
    const result = await runCli(['agents'], { cwd: repo.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('critical  openai-admin-key  sk-admin-…');
    expect(result.stdout).toContain(
      '  agent  VS Code · servers.billing.env.OPENAI_ADMIN_KEY · project, staged\n',
    );
    expect(result.stdout).toContain('  fix    git rm --cached .vscode/mcp.json and commit;');
    for (const key of LITERAL_KEYS) {
      expect(result.stdout).not.toContain(key);
      expect(result.stderr).not.toContain(key);
    }
    expect(result.stderr).toMatch(/keyward: 18 agent configs: 23 secrets found \(18 critical, 5 high\)/);
  });

  it('run from a subfolder: names files with ../, a .gitignore line from the top, CI paths from the top', async () => {
    const repo = literalRepo();
    const sub = join(repo.dir, 'packages', 'api');
    mkdirSync(sub, { recursive: true });
    const text = await runCli(['agents'], { cwd: sub });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('  ../../.vscode/mcp.json:');
    expect(text.stdout).not.toContain(repo.dir);
    // Untracked: the fix names the line a .gitignore at the top takes, not a path from the subfolder.
    expect(text.stdout).toContain('  ../../.zed/settings.json:');
    expect(text.stdout).toContain('fix    add .zed/settings.json to .gitignore or keep the key out of it');
    const sarif = JSON.parse((await runCli(['agents', '--format', 'sarif'], { cwd: sub })).stdout);
    const uris = sarif.runs[0].results.map(
      (r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) =>
        r.locations[0]!.physicalLocation.artifactLocation.uri,
    );
    expect(uris).toContain('.vscode/mcp.json');
    expect(uris.filter((uri: string) => uri.startsWith('..') || uri.startsWith('/'))).toEqual([]);
  });

  it('reports nothing for references (${VAR}, ${env:X}, ${input:id}, {env:X}, {file:…}, $VAR) and exits 0', async () => {
    const repo = scratch.repo();
    const files = materialize('project/reference', repo.dir);
    repo.git('add', '--', ...files);
    repo.git('commit', '-qm', 'agent configs');
    const { result, trace } = await auditTraced(repo.dir);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { scan: { files: number }; findings: unknown[] };
    expect(report.findings).toEqual([]);
    expect(report.scan.files).toBe(18);
    // Nothing to report, so git's view of the files is never asked for.
    expect(trace).toBe('');
    expect(result.stderr).toMatch(
      /^keyward: 18 agent configs: no secrets found · 18 files, [\d.]+ kB in \d+ ms\n$/,
    );
  });

  it('warns about each malformed file by name, scans it as text, and goes on', async () => {
    const repo = scratch.repo();
    const files = materialize('project/malformed', repo.dir);
    const result = await runCli(['agents', '--format', 'json'], { cwd: repo.dir });
    expect(result.code).toBe(1);
    const json = files.filter((f) => f.endsWith('.json'));
    expect(json).toHaveLength(12);
    for (const file of json)
      expect(result.stderr).toMatch(
        new RegExp(
          `keyward: ${file.replace(/\./g, '\\.')}: not valid JSON \\(\\w+ at line \\d+, column \\d+\\); scanned it as plain text\\n`,
        ),
      );
    // TOML, YAML and dotenv: the parser's own words, the line, and the file's name.
    const lines = result.stderr.split('\n');
    expect(lines).toContain(
      'keyward: .codex/config.toml: not valid TOML (Invalid TOML document: illegal character in key at line 1); scanned it as plain text',
    );
    expect(lines).toContain(
      'keyward: .aider.conf.yml: not valid YAML (bad indentation of a mapping entry at line 2, column 20); scanned it as plain text',
    );
    expect(lines).toContain(
      'keyward: .continue/models/openai.yaml: not valid YAML (bad indentation of a sequence entry at line 3, column 4); scanned it as plain text',
    );
    expect(lines).toContain(
      'keyward: .continue/mcpServers/search.yaml: not valid YAML (deficient indentation at line 2, column 1); scanned it as plain text',
    );
    expect(lines).toContain(
      'keyward: .env: not valid dotenv (line 2 is not NAME=value); scanned it as plain text',
    );
    expect(lines).toContain(
      'keyward: .gemini/.env: not valid dotenv (line 1 is not NAME=value); scanned it as plain text',
    );
    expect(lines.filter((l) => l.includes(': not valid '))).toHaveLength(files.length);
    expect(lines.at(-2)).toMatch(/ · 18 warnings$/);
    const report = JSON.parse(result.stdout) as { findings: JsonFinding[] };
    expect(report.findings.map((f) => [f.path, f.ruleId, f.keyPath, f.agent, f.git, f.severity])).toEqual([
      ['.cursor/mcp.json', 'openai-project-key', undefined, 'Cursor', 'untracked', 'critical'],
    ]);
  });

  it('outside a repository: a literal key is high (nothing would commit it), an admin key critical', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    materialize('project/literal', dir);
    const result = await runCli(['agents', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: JsonFinding[] };
    expect(report.findings).toHaveLength(23);
    for (const f of report.findings) {
      expect(f.git).toBe('none');
      expect(f.severity).toBe(f.ruleId === 'openai-admin-key' ? 'critical' : 'high');
      expect(f.fix).not.toContain('git rm');
    }
  });

  it('audits the project folders named on the command line', async () => {
    const repo = scratch.repo();
    materialize('project/reference', `${repo.dir}/apps/clean`);
    materialize('project/literal', `${repo.dir}/apps/leaky`);
    const result = await runCli(['agents', 'apps/clean', 'apps/leaky', '--format', 'json'], {
      cwd: repo.dir,
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { scan: { files: number }; findings: JsonFinding[] };
    expect(report.scan.files).toBe(36);
    expect(new Set(report.findings.map((f) => f.path.split('/').slice(0, 2).join('/')))).toEqual(
      new Set(['apps/leaky']),
    );
    expect(report.findings.find((f) => f.keyPath === 'mcpServers.openai.env.OPENAI_API_KEY')?.path).toBe(
      'apps/leaky/.mcp.json',
    );
    // The root's own configs are not read when folders are named.
    const missing = await runCli(['agents', 'apps/none'], { cwd: repo.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/apps\/none: no such file or directory/);
  });
});

describe('keyward agents from the bundle (bin/keyward.js, as installed)', () => {
  it('parses JSON with comments, TOML, YAML and dotenv with the bundled parsers, with the same findings', () => {
    const repo = literalRepo();
    const bin = fileURLToPath(new URL('../../bin/keyward.js', import.meta.url));
    const run = spawnSync(process.execPath, [bin, 'agents', '--format', 'json', '--no-color'], {
      cwd: repo.dir,
      env: { ...process.env, ...GIT_ENV },
      encoding: 'utf8',
    });
    expect(run.stderr).not.toContain('internal error');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: JsonFinding[] };
    expect(report.findings).toHaveLength(23);
    const keyPathOf = (path: string) => report.findings.find((f) => f.path === path)?.keyPath;
    expect(keyPathOf('.cursor/mcp.json')).toBe('mcpServers.search.args[3]');
    // TOML, YAML and dotenv from their bundled parsers.
    expect(keyPathOf('.continue/models/openai.yaml')).toBe('models[0].apiKey');
    expect(keyPathOf('.gemini/.env')).toBe('GEMINI_API_KEY');
    expect(report.findings.filter((f) => f.path === '.codex/config.toml').map((f) => f.keyPath)).toEqual([
      'mcp_servers.docs.http_headers.Authorization',
      'model_providers.proxy.experimental_bearer_token',
    ]);
  });
});
