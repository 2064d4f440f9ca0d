import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Scratch, runCli, tempDir } from '@keyward/test-utils';
import { keyFor, type JsonFinding } from './fixtures.js';

const scratch = new Scratch();
afterEach(() => scratch.clear());

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('keyward agents: the env files a config makes its agent load', () => {
  it("audits LangGraph's env file and a Cursor or VS Code server's envFile, as read by that agent", async () => {
    const parent = tempDir();
    scratch.add(() => rmSync(parent, { recursive: true, force: true }));
    mkdirSync(join(parent, 'project'));
    const repo = scratch.repo({ dir: join(parent, 'project') });
    write(repo.dir, {
      'langgraph.json': JSON.stringify({ graphs: { agent: './agent.py:graph' }, env: './deploy/agent.env' }),
      'deploy/agent.env': `OPENAI_API_KEY=${keyFor('openai-project', 61)}\n`,
      '.vscode/mcp.json': JSON.stringify({
        servers: { billing: { command: 'billing-mcp', envFile: '${workspaceFolder}/secrets/mcp.env' } },
      }),
      'secrets/mcp.env': `ANTHROPIC_API_KEY=${keyFor('anthropic', 62)}\n`,
      '.cursor/mcp.json': JSON.stringify({
        mcpServers: {
          // A path through another variable cannot be resolved here; one outside the project is not read.
          home: { command: 'x', envFile: '${env:HOME}/x.env' },
          outside: { command: 'y', envFile: '../outside.env' },
          same: { command: 'z', envFile: 'deploy/agent.env' },
        },
      }),
    });
    writeFileSync(join(parent, 'outside.env'), `GROQ_API_KEY=${keyFor('groq', 63)}\n`);
    const result = await runCli(['agents', '--format', 'json'], { cwd: repo.dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { scan: { files: number }; findings: JsonFinding[] };
    expect(report.findings.map((f) => [f.path, f.keyPath, f.ruleId, f.agent, f.git, f.severity])).toEqual([
      ['deploy/agent.env', 'OPENAI_API_KEY', 'openai-project-key', 'LangGraph', 'untracked', 'critical'],
      ['secrets/mcp.env', 'ANTHROPIC_API_KEY', 'anthropic-api-key', 'VS Code', 'untracked', 'critical'],
    ]);
    // Each env file read once, whichever configs name it.
    expect(report.scan.files).toBe(5);
    expect(report.findings[0]!.fix).toContain('keep .env untracked');
  });
});
