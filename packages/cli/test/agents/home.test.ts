import { chmodSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Scratch, runCli, tempDir } from '@keyward/test-utils';
import { materialize, type JsonFinding } from './fixtures.js';

const scratch = new Scratch();
afterEach(() => scratch.clear());

/** The credential stores of the Linux home fixture (each must be 0600). */
const CREDENTIALS = [
  '.claude/.credentials.json',
  '.codex/auth.json',
  '.config/goose/secrets.yaml',
  '.local/share/opencode/auth.json',
];

/** A fixture home in a temp folder, its credential stores 0600 unless told otherwise. */
function home(fixture: string, wide: readonly string[] = []): string {
  const dir = tempDir('keyward-home-');
  scratch.add(() => rmSync(dir, { recursive: true, force: true }));
  materialize(fixture, dir);
  for (const file of CREDENTIALS) {
    if (existsSync(join(dir, file))) chmodSync(join(dir, file), wide.includes(file) ? 0o644 : 0o600);
  }
  return dir;
}

/** The environment of a user whose folders are all under `dir` (nothing of the real user's). */
function envFor(dir: string, extra: Record<string, string | undefined> = {}) {
  return {
    HOME: dir,
    USERPROFILE: undefined,
    XDG_CONFIG_HOME: undefined,
    XDG_DATA_HOME: undefined,
    CODEX_HOME: undefined,
    APPDATA: undefined,
    ...extra,
  };
}

/** Runs `keyward agents --home --format json` from an empty project. */
async function auditHome(env: Record<string, string | undefined>, argv: string[] = []) {
  const repo = scratch.repo();
  const result = await runCli(['agents', '--home', '--format', 'json', ...argv], { cwd: repo.dir, env });
  const report = result.stdout
    ? (JSON.parse(result.stdout) as { scan: { files: number }; findings: JsonFinding[] })
    : undefined;
  return { ...result, report };
}

const row = (f: JsonFinding) =>
  [f.path, f.keyPath ?? '-', f.ruleId, f.agent, f.scope, f.severity].join(' | ');

describe('keyward agents --home (user level, known paths only)', () => {
  it('Linux layout: every tool under $HOME, ~/.config and ~/.local/share, with its key path and verdict', async () => {
    const dir = home('home/literal-linux', ['.claude/.credentials.json']);
    const { code, report, stderr } = await auditHome(envFor(dir));
    expect(code).toBe(1);
    expect(report!.scan.files).toBe(24);
    expect(report!.findings.map(row).sort()).toEqual(
      [
        '~/.aider.conf.yml | openai-api-key | openai-service-account-key | aider | user | high',
        '~/.claude.json | mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN | agent-secret-field | Claude Code | user | high',
        '~/.claude.json | projects["/home/ada/src/shop"].mcpServers.openai.env.OPENAI_API_KEY | openai-project-key | Claude Code | user | high',
        '~/.claude/.credentials.json | - | agent-credentials-mode | Claude Code | user | high',
        '~/.claude/.credentials.json | claudeAiOauth.accessToken | anthropic-oauth-token | Claude Code | user | high',
        '~/.claude/settings.json | env.ANTHROPIC_API_KEY | anthropic-admin-key | Claude Code | user | critical',
        '~/.codeium/windsurf/mcp_config.json | mcpServers.remote.serverUrl | generic-secret | Windsurf | user | high',
        '~/.codex/auth.json | OPENAI_API_KEY | openai-project-key | Codex CLI | user | high',
        '~/.codex/config.toml | mcp_servers.docs.http_headers.Authorization | generic-secret | Codex CLI | user | high',
        '~/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json | mcpServers.openai.env.OPENAI_API_KEY | openai-user-key | Roo Code | user | high',
        '~/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json | mcpServers.cohere.env.COHERE_API_KEY | agent-secret-field | Cline | user | high',
        '~/.config/Code/User/mcp.json | servers.deepseek.env.DEEPSEEK_API_KEY | agent-secret-field | VS Code | user | high',
        '~/.config/amp/settings.json | ["amp.mcpServers"].r.env.REPLICATE_API_TOKEN | replicate-api-token | Amp | user | high',
        '~/.config/goose/config.yaml | extensions.search.envs.SEARCH_API_KEY | agent-secret-field | goose | user | high',
        '~/.config/goose/secrets.yaml | OPENAI_API_KEY | openai-project-key | goose | user | high',
        '~/.config/opencode/opencode.json | mcp.docs.environment.DOCS_TOKEN | agent-secret-field | opencode | user | high',
        '~/.config/zed/settings.json | context_servers.github.settings.github_personal_access_token | agent-secret-field | Zed | user | high',
        '~/.continue/.env | SEARCH_API_KEY | agent-secret-field | Continue | user | high',
        '~/.continue/config.yaml | models[0].apiKey | openai-legacy-key | Continue | user | high',
        '~/.copilot/mcp-config.json | servers.hf.env.HF_TOKEN | huggingface-token | VS Code | user | high',
        '~/.cursor/mcp.json | mcpServers.groq.env.GROQ_API_KEY | groq-api-key | Cursor | user | high',
        '~/.env | PERPLEXITY_API_KEY | perplexity-api-key | Gemini CLI, aider, Continue, LangGraph | user | high',
        '~/.gemini/.env | GEMINI_API_KEY | google-ai-api-key | Gemini CLI | user | high',
        '~/.gemini/settings.json | mcpServers.maps.env.MAPS_API_KEY | google-ai-api-key | Gemini CLI | user | high',
        '~/.kiro/settings/mcp.json | mcpServers.x.env.XAI_API_KEY | xai-api-key | Kiro | user | high',
        '~/.local/share/opencode/auth.json | openrouter.key | openrouter-api-key | opencode | user | high',
      ].sort(),
    );
    const by = (path: string, ruleId: string) =>
      report!.findings.find((f) => f.path === path && f.ruleId === ruleId)!;
    const mode = by('~/.claude/.credentials.json', 'agent-credentials-mode');
    expect(mode.redacted).toBe('mode 0644');
    expect(mode.fix).toBe('chmod 600 ~/.claude/.credentials.json');
    expect(by('~/.cursor/mcp.json', 'groq-api-key').why).toBe(
      'in a user-level file: every agent and extension on this machine can read it',
    );
    expect(by('~/.config/goose/config.yaml', 'agent-secret-field').fix).toContain('env_keys');
    expect(by('~/.claude/settings.json', 'anthropic-admin-key').why).toMatch(/^an admin key must never be/);
    for (const f of report!.findings) {
      expect(f.git).toBe('none');
      expect(f.fix).not.toContain('git rm');
    }
    expect(stderr).toMatch(/keyward: 24 agent configs: /);
  });

  it('honours $XDG_CONFIG_HOME, $XDG_DATA_HOME and $CODEX_HOME instead of their defaults', async () => {
    const dir = home('home/literal-linux');
    const elsewhere = tempDir('keyward-xdg-');
    scratch.add(() => rmSync(elsewhere, { recursive: true, force: true }));
    const { report } = await auditHome(
      envFor(dir, { XDG_CONFIG_HOME: elsewhere, XDG_DATA_HOME: elsewhere, CODEX_HOME: elsewhere }),
    );
    const paths = new Set(report!.findings.map((f) => f.path));
    expect(
      [...paths].filter(
        (p) => p.startsWith('~/.config/') || p.startsWith('~/.codex/') || p.startsWith('~/.local/'),
      ),
    ).toEqual([]);
    expect(report!.scan.files).toBe(13);
    const moved = home('home/literal-linux');
    const empty = tempDir('keyward-empty-home-');
    scratch.add(() => rmSync(empty, { recursive: true, force: true }));
    const { report: there } = await auditHome(
      envFor(empty, {
        XDG_CONFIG_HOME: join(moved, '.config'),
        CODEX_HOME: join(moved, '.codex'),
      }),
    );
    expect(there!.findings.map((f) => f.agent).sort()).toEqual(
      [
        'Amp',
        'Cline',
        'Codex CLI',
        'Codex CLI',
        'Roo Code',
        'VS Code',
        'Zed',
        'goose',
        'goose',
        'opencode',
      ].sort(),
    );
  });

  it('macOS layout: Claude Desktop and VS Code under ~/Library/Application Support', async () => {
    const { code, report } = await auditHome(envFor(home('home/literal-macos')));
    expect(code).toBe(1);
    expect(report!.findings.map(row).sort()).toEqual([
      '~/Library/Application Support/Claude/claude_desktop_config.json | mcpServers.openai.args[2] | openai-project-key | Claude Desktop | user | high',
      '~/Library/Application Support/Code/User/mcp.json | servers.anthropic.env.ANTHROPIC_API_KEY | anthropic-api-key | VS Code | user | high',
    ]);
    expect(report!.findings[0]!.fix).toContain('"sensitive": true');
  });

  it('Windows layout: Claude Desktop and Cline under %APPDATA%', async () => {
    const dir = home('home/literal-windows');
    const appData = join(dir, 'AppData', 'Roaming');
    const { code, report } = await auditHome(envFor(dir, { APPDATA: appData }));
    expect(code).toBe(1);
    expect(report!.findings.map(row).sort()).toEqual([
      '~/AppData/Roaming/Claude/claude_desktop_config.json | mcpServers.github.args[4] | generic-secret | Claude Desktop | user | high',
      '~/AppData/Roaming/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json | mcpServers.groq.env.GROQ_API_KEY | groq-api-key | Cline | user | high',
    ]);
    expect(report!.findings.find((f) => f.agent === 'Cline')!.fix).toContain('cannot reference variables');
    // Without APPDATA, nothing there is read.
    const { report: none } = await auditHome(envFor(dir));
    expect(none!.findings).toEqual([]);
  });

  it('references (${VAR}, ${env:X}, ${user_config.x}, ${{ secrets.X }}, env_key, env_keys) are not findings', async () => {
    const dir = home('home/reference');
    const { code, report } = await auditHome(envFor(dir));
    expect(report!.findings).toEqual([]);
    expect(report!.scan.files).toBe(8);
    expect(code).toBe(0);
    expect((statSync(join(dir, '.codex/auth.json')).mode & 0o777).toString(8)).toBe('600');
  });

  it('a malformed user file is a warning naming it; the audit goes on', async () => {
    const { code, report, stderr } = await auditHome(envFor(home('home/malformed')));
    expect(code).toBe(0);
    expect(report!.scan.files).toBe(7);
    const warnings = stderr.split('\n').filter((l) => l.includes(': not valid '));
    expect(warnings.map((l) => l.split(': not valid ')[0])).toEqual([
      'keyward: ~/.claude.json',
      'keyward: ~/.codeium/windsurf/mcp_config.json',
      'keyward: ~/.continue/.env',
      'keyward: ~/.codex/config.toml',
      'keyward: ~/.config/goose/config.yaml',
      'keyward: ~/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
      'keyward: ~/Library/Application Support/Claude/claude_desktop_config.json',
    ]);
  });

  it('reads the home only with --home, and says so when there is no home', async () => {
    const dir = home('home/literal-linux');
    const repo = scratch.repo();
    const without = await runCli(['agents', '--format', 'json'], { cwd: repo.dir, env: envFor(dir) });
    expect(without.code).toBe(0);
    expect((JSON.parse(without.stdout) as { findings: unknown[] }).findings).toEqual([]);
    const homeless = await runCli(['agents', '--home'], {
      cwd: repo.dir,
      env: { ...envFor(dir), HOME: undefined },
    });
    expect(homeless.code).toBe(2);
    expect(homeless.stderr).toBe(
      'keyward: agents --home: neither HOME nor USERPROFILE is set, so there is no home to audit\n',
    );
  });

  it('run from the home itself, the home files are user-level, not a project', async () => {
    const dir = home('home/literal-linux');
    const result = await runCli(['agents', '--home', '--format', 'json'], { cwd: dir, env: envFor(dir) });
    const report = JSON.parse(result.stdout) as { findings: JsonFinding[] };
    expect(new Set(report.findings.map((f) => f.scope))).toEqual(new Set(['user']));
    expect(report.findings.find((f) => f.path === '~/.claude/settings.json')?.severity).toBe('critical');
  });
});
