import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GIT_ENV, Scratch } from '@keyward/test-utils';
import { keyFor, materialize } from './fixtures.js';

// The real bin: a file root cannot be kept from reading, so as root the audit runs as `nobody`.
const BIN = fileURLToPath(new URL('../../bin/keyward.js', import.meta.url));
const runner = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

const scratch = new Scratch();
afterEach(() => scratch.clear());

function agents(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'agents', ...args], {
    cwd,
    ...runner,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The reference fixture (no finding) with `.mcp.json` made unreadable; the folders open to `nobody`. */
function projectWithUnreadableConfig() {
  const repo = scratch.repo();
  materialize('project/reference', repo.dir);
  chmodSync(repo.dir, 0o755);
  chmodSync(join(repo.dir, '.mcp.json'), 0o000);
  return repo;
}

describe('keyward agents: a config it cannot read', () => {
  it('names the file, audits the rest, and exits 3 (incomplete) rather than a clean 0', () => {
    const repo = projectWithUnreadableConfig();
    const result = agents(repo.dir);
    expect(result.stderr).toContain('keyward: .mcp.json: cannot read it (EACCES)\n');
    expect(result.stderr).toMatch(/keyward: 17 agent configs: no secrets found/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(3);
  });

  it('still exits 1 when the configs it could read hold a key, and reports it', () => {
    const repo = projectWithUnreadableConfig();
    materialize('project/literal', join(repo.dir, 'apps', 'leaky'));
    chmodSync(join(repo.dir, 'apps'), 0o755);
    const result = agents(repo.dir, '.', 'apps/leaky', '--format', 'json');
    expect(result.stderr).toContain('keyward: .mcp.json: cannot read it (EACCES)\n');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: unknown[] };
    expect(report.findings).toHaveLength(23);
    expect(result.stdout).not.toContain(keyFor('openai-admin', 6));
  });
});
