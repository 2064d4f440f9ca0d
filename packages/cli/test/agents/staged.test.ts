import { afterEach, describe, expect, it } from 'vitest';
import { Scratch, fakeKey, runCli } from '@keyward/test-utils';
import { agentConfigAt } from '../../src/agents/config-path.js';

const scratch = new Scratch();
afterEach(() => scratch.clear());

describe('scan --staged names the agent when it refuses an agent configuration', () => {
  it('says which agent reads each refused config, and how that agent references a key', async () => {
    const repo = scratch.repo();
    repo.commit('base', { 'README.md': '# app\n' });
    repo.write({
      '.mcp.json': `{ "mcpServers": { "o": { "env": { "OPENAI_API_KEY": "${fakeKey('openai-project', 71)}" } } } }\n`,
      'apps/web/.cursor/mcp.json': `{ "mcpServers": { "g": { "env": { "GROQ_API_KEY": "${fakeKey('groq', 72)}" } } } }\n`,
      'src/config.ts': `export const key = '${fakeKey('anthropic', 73)}';\n`,
    });
    repo.git('add', '.');
    const result = await runCli(['scan', '--staged'], { cwd: repo.dir });
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n');
    expect(lines).toContain(
      'keyward: .mcp.json is an agent configuration, read by Claude Code: write ${NAME} (or ${NAME:-default}) in .mcp.json and set NAME in your environment',
    );
    expect(lines).toContain(
      'keyward: apps/web/.cursor/mcp.json is an agent configuration, read by Cursor: reference it as ${env:NAME} (or load it with "envFile")',
    );
    // An ordinary source file gets the usual advice only.
    expect(lines.filter((l) => l.includes('agent configuration'))).toHaveLength(2);
    expect(result.stderr).not.toContain(fakeKey('openai-project', 71));
  });

  it('says nothing of agents when the refused files are not agent configurations', async () => {
    const repo = scratch.repo();
    repo.commit('base', { 'README.md': '# app\n' });
    repo.write({ 'settings.json': `{ "key": "${fakeKey('openai-project', 74)}" }\n` });
    repo.git('add', '.');
    const result = await runCli(['scan', '--staged'], { cwd: repo.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('agent configuration');
  });
});

describe('agentConfigAt', () => {
  it('knows each project-level config by its path, anywhere in the repository', () => {
    const cases: Array<[string, string | undefined]> = [
      ['.mcp.json', 'Claude Code'],
      ['.claude/settings.local.json', 'Claude Code'],
      ['packages/api/.vscode/mcp.json', 'VS Code'],
      ['.gemini/settings.json', 'Gemini CLI'],
      ['.gemini/.env', 'Gemini CLI'],
      ['.codex/config.toml', 'Codex CLI'],
      ['.continue/models/gpt.yaml', 'Continue'],
      ['.aider.conf.yml', 'aider'],
      ['.env', 'Gemini CLI, aider, Continue, LangGraph'],
      ['opencode.json', 'opencode'],
      ['.zed/settings.json', 'Zed'],
      ['langgraph.json', 'LangGraph'],
      ['.kiro/settings/mcp.json', 'Kiro'],
      ['.amp/settings.json', 'Amp'],
      ['.roo/mcp.json', 'Roo Code'],
      ['mcp.json', undefined],
      ['src/my.mcp.json', undefined],
      ['.vscode/settings.json', undefined],
      ['.continue/README.md', undefined],
    ];
    for (const [path, agent] of cases) expect(agentConfigAt(path)?.name, path).toBe(agent);
  });
});
