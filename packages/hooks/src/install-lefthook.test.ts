import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TempRepo } from '@keyward/test-utils';
import { installOk, installProblem, newRepo, read, roundTrip } from '../test/helpers.js';
import { BIN, run } from '../test/tools.js';
import { launcherLines } from './launcher.js';

let repo: TempRepo;
beforeEach(() => {
  repo = newRepo();
});
afterEach(() => repo.cleanup());

type Lefthook = Record<
  string,
  { commands?: Record<string, { run: string; use_stdin?: boolean }>; jobs?: { name?: string; run: string }[] }
>;

function config(file = 'lefthook.yml'): Lefthook {
  return parseYaml(read(repo, file)) as Lefthook;
}

/** lefthook itself must accept the edited file. */
function expectValid(): void {
  const result = run(`${BIN}/lefthook`, ['validate'], repo.dir);
  expect(result.stdout + result.stderr).toContain('All good');
}

const script = (hook: 'pre-commit' | 'pre-push', style: Parameters<typeof launcherLines>[1]) =>
  launcherLines(hook, style).join('\n') + '\n';

describe('lefthook', () => {
  it('adds a command beside the user’s, comments and order kept', () => {
    const yml =
      '# hooks\npre-commit:\n  parallel: true\n  commands:\n    lint:\n      run: npx eslint {staged_files} # fast\n';
    writeFileSync(join(repo.dir, 'lefthook.yml'), yml);
    roundTrip(repo, ['pre-commit'], (result) => {
      expect(result.outcomes[0]).toMatchObject({ manager: 'lefthook', status: 'planned' });
      const text = read(repo, 'lefthook.yml');
      expect(
        text.startsWith('# hooks\npre-commit:\n  parallel: true\n  commands:\n    keyward:\n      run: |\n'),
      ).toBe(true);
      expect(text.endsWith('    lint:\n      run: npx eslint {staged_files} # fast\n')).toBe(true);
      expect(config()['pre-commit']?.commands?.keyward?.run).toBe(script('pre-commit', 'staged'));
      expect(config()['pre-commit']?.commands?.lint?.run).toBe('npx eslint {staged_files}');
      expectValid();
    });
  });

  it('adds a job when the file uses jobs, and a pre-push section with use_stdin', () => {
    const yml = 'pre-commit:\n  jobs:\n    - name: test\n      run: npm test\n';
    writeFileSync(join(repo.dir, 'lefthook.yml'), yml);
    roundTrip(repo, ['pre-commit', 'pre-push'], () => {
      const parsed = config();
      expect(parsed['pre-commit']?.jobs?.map((job) => job.name)).toEqual(['keyward', 'test']);
      expect(parsed['pre-commit']?.jobs?.[0]?.run).toBe(script('pre-commit', 'staged'));
      expect(parsed['pre-push']?.jobs?.[0]).toEqual({
        name: 'keyward',
        use_stdin: true,
        run: script('pre-push', 'pre-push-lefthook'),
      });
      expectValid();
    });
  });

  it('keeps a comment attached to the command below it, and a header comment on top of the file', () => {
    const yml = '# header\npre-commit:\n  commands:\n    # the linter\n    lint:\n      run: eslint\n';
    writeFileSync(join(repo.dir, 'lefthook.yml'), yml);
    roundTrip(repo, ['pre-commit'], () => {
      const text = read(repo, 'lefthook.yml');
      expect(text.startsWith('# header\npre-commit:\n  commands:\n    keyward:\n')).toBe(true);
      expect(text.endsWith('    # the linter\n    lint:\n      run: eslint\n')).toBe(true);
    });
  });

  it('creates the section in a file that has none, even without a final newline', () => {
    writeFileSync(join(repo.dir, 'lefthook.yml'), 'colors: false');
    roundTrip(repo, ['pre-commit'], () => {
      expect(config()['pre-commit']?.commands?.keyward?.run).toBe(script('pre-commit', 'staged'));
      expectValid();
    });
  });

  it('fills an empty section and a section with settings only', () => {
    writeFileSync(join(repo.dir, '.lefthook.yml'), 'pre-commit:\npre-push:\n  parallel: true\n');
    roundTrip(repo, ['pre-commit', 'pre-push'], () => {
      expect(Object.keys(config('.lefthook.yml')['pre-commit']?.commands ?? {})).toEqual(['keyward']);
      expect(Object.keys(config('.lefthook.yml')['pre-push']?.commands ?? {})).toEqual(['keyward']);
    });
  });

  it('finds .config/lefthook.yml', () => {
    mkdirSync(join(repo.dir, '.config'));
    writeFileSync(
      join(repo.dir, '.config/lefthook.yml'),
      'pre-commit:\n  commands:\n    a:\n      run: "true"\n',
    );
    roundTrip(repo, ['pre-commit'], (result) => {
      expect(result.outcomes[0]).toMatchObject({ manager: 'lefthook' });
    });
  });

  it('tells the user to run `lefthook install` when git does not run lefthook yet', () => {
    writeFileSync(join(repo.dir, 'lefthook.yml'), 'pre-commit:\n  commands:\n    a:\n      run: "true"\n');
    expect(installOk(repo).notes.join('\n')).toContain('npx lefthook install');
    run(`${BIN}/lefthook`, ['install'], repo.dir);
    expect(installOk(repo).notes.join('\n')).not.toContain('lefthook install');
  });

  it('does not edit TOML or JSON configurations', () => {
    writeFileSync(join(repo.dir, 'lefthook.toml'), '[pre-commit]\n');
    expect(installProblem(repo)).toMatchObject({ code: 'config-unsupported', data: { manager: 'lefthook' } });
  });
});
