import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TempRepo } from '@keyward/test-utils';
import { ENV, installOk, newRepo, read, roundTrip } from '../test/helpers.js';
import { run } from '../test/tools.js';
import { launcherLines } from './launcher.js';
import { stageNames } from './managers/pre-commit.js';

let repo: TempRepo;
beforeEach(() => {
  repo = newRepo();
});
afterEach(() => repo.cleanup());

interface Hook {
  id: string;
  entry: string;
  args: string[];
  language: string;
  stages: string[];
  pass_filenames: boolean;
  always_run: boolean;
}
type Config = { repos: { repo: string; hooks: Hook[] }[] };

const HAVE_PRE_COMMIT = spawnSync('pre-commit', ['--version'], { env: ENV }).status === 0;

/** Whatever pre-commit is installed (Debian's 3.0.4 in CI) must accept the edited file. */
function expectValid(): void {
  if (!HAVE_PRE_COMMIT) return; // the YAML checks still run; e2e-pre-commit installs pre-commit and runs it for real
  const result = run('pre-commit', ['validate-config', '.pre-commit-config.yaml'], repo.dir);
  expect(result.stderr + result.stdout).not.toMatch(/error|invalid/i);
  expect(result.status).toBe(0);
}

const FOUR_SPACE = `# See https://pre-commit.com
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.4.0
    hooks:
    -   id: trailing-whitespace   # keep
    -   id: end-of-file-fixer
`;

describe('the pre-commit framework', () => {
  it('adds a `repo: local` system hook first, in the file’s own indentation', () => {
    writeFileSync(join(repo.dir, '.pre-commit-config.yaml'), FOUR_SPACE);
    roundTrip(repo, ['pre-commit'], (result) => {
      expect(result.outcomes[0]).toMatchObject({ manager: 'pre-commit', status: 'planned' });
      const text = read(repo, '.pre-commit-config.yaml');
      expect(text).toContain('\n-   repo: local\n    hooks:\n    -   id: keyward\n        name: keyward');
      expect(text.endsWith(FOUR_SPACE.slice(FOUR_SPACE.indexOf('-   repo: https')))).toBe(true);
      const config = parseYaml(text) as Config;
      expect(config.repos.map((r) => r.repo)).toEqual([
        'local',
        'https://github.com/pre-commit/pre-commit-hooks',
      ]);
      const hook = config.repos[0]?.hooks[0];
      // The files pre-commit names reach the scan ("$@"): `pre-commit run --all-files` checks every file.
      expect(hook).toMatchObject({ id: 'keyward', entry: 'sh', language: 'system', pass_filenames: true });
      expect(hook?.args).toEqual([
        '-c',
        launcherLines('pre-commit', 'staged-files').join('\n') + '\n',
        'keyward',
      ]);
      expectValid();
    });
  });

  it('adds the pre-push hook as its own item, with the push stage', () => {
    writeFileSync(
      join(repo.dir, '.pre-commit-config.yaml'),
      'repos:\n  - repo: local\n    hooks:\n      - id: mine\n        name: mine\n        entry: "true"\n        language: system\n',
    );
    roundTrip(repo, ['pre-commit', 'pre-push'], () => {
      const text = read(repo, '.pre-commit-config.yaml');
      const config = parseYaml(text) as Config;
      expect(config.repos.map((r) => r.hooks[0]?.id)).toEqual(['keyward-pre-push', 'keyward', 'mine']);
      // Each item keeps its comment right above it.
      const item = (hook: string, id: string) =>
        `  # keyward ${hook} hook: added by \`keyward install\`; \`keyward uninstall\` removes it\n` +
        `  - repo: local\n    hooks:\n      - id: ${id}\n`;
      expect(text).toContain(item('pre-push', 'keyward-pre-push'));
      expect(text).toContain(item('pre-commit', 'keyward'));
      const push = config.repos[0]?.hooks[0];
      expect(push?.stages).toHaveLength(1);
      expect(['push', 'pre-push']).toContain(push?.stages[0]);
      expect(push?.always_run).toBe(true);
      // keyward reads the framework's PRE_COMMIT_* refs itself (git's stdin went to pre-commit).
      expect(push?.args[1]).toContain('"$keyward_bin" scan --pre-push || keyward_status=$?');
      expect(push?.args[1]).not.toContain('cat >');
      expectValid();
    });
  });

  it('turns an empty `repos: []` into a block list', () => {
    writeFileSync(join(repo.dir, '.pre-commit-config.yaml'), 'repos: []\n');
    roundTrip(repo, ['pre-commit'], () => {
      const config = parseYaml(read(repo, '.pre-commit-config.yaml')) as Config;
      expect(config.repos[0]?.hooks[0]?.id).toBe('keyward');
      expectValid();
    });
  });

  it('sees keyward referenced as a repo (its .pre-commit-hooks.yaml) and leaves it alone', () => {
    writeFileSync(
      join(repo.dir, '.pre-commit-config.yaml'),
      'repos:\n- repo: https://github.com/keyward/keyward\n  rev: v0.1.0\n  hooks:\n  - id: keyward\n',
    );
    expect(installOk(repo).outcomes[0]?.status).toBe('user-wired');
  });
});

describe('stage names', () => {
  it('follow the names the configuration already uses', () => {
    expect(stageNames({ default_stages: ['pre-commit'] }, ENV)).toBe('current');
    expect(stageNames({ repos: [{ hooks: [{ stages: ['push'] }] }] }, ENV)).toBe('legacy');
  });

  it('are the old ones, which pre-commit 3.0 and every later release accept, when nothing says otherwise', () => {
    expect(stageNames({ repos: [] }, { PATH: '/nonexistent' })).toBe('legacy');
  });
});
