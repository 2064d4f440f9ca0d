import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TempRepo } from '@keyward/test-utils';
import {
  installOk,
  installProblem,
  modeOf,
  newRepo,
  read,
  roundTrip,
  snapshot,
  uninstallOk,
} from '../test/helpers.js';
import { huskyInit } from '../test/tools.js';

let repo: TempRepo;
beforeEach(() => {
  repo = newRepo();
});
afterEach(() => repo.cleanup());

function huskyTree(): Record<string, string> {
  const dir = join(repo.dir, '.husky/_');
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'base64')]));
}

describe('husky v9', () => {
  it('puts keyward’s block at the top of the user’s .husky/pre-commit and never touches .husky/_', () => {
    huskyInit(repo.dir);
    writeFileSync(join(repo.dir, '.husky/pre-commit'), 'npm test\n');
    const generated = huskyTree();
    roundTrip(repo, ['pre-commit'], (result) => {
      expect(result.outcomes[0]).toMatchObject({ manager: 'husky', status: 'planned' });
      const text = read(repo, '.husky/pre-commit');
      expect(text).toMatch(/^# >>> keyward pre-commit[^\n]*\n/);
      expect(text.endsWith('# <<< keyward pre-commit\nnpm test\n')).toBe(true);
      expect(huskyTree()).toEqual(generated);
    });
  });

  it('creates .husky/pre-push (as `husky init` creates its files) and uninstall removes it', () => {
    huskyInit(repo.dir);
    roundTrip(repo, ['pre-push'], () => {
      expect(read(repo, '.husky/pre-push')).toContain('scan --pre-push ${1:+"$1"}');
      expect(modeOf(repo, '.husky/pre-push')).toBe(0o644);
    });
  });

  it('keeps a shebang and the husky v8 preamble first', () => {
    huskyInit(repo.dir);
    const v8 = '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\nnpx lint-staged\n';
    writeFileSync(join(repo.dir, '.husky/pre-commit'), v8, { mode: 0o755 });
    roundTrip(repo, ['pre-commit'], () => {
      const text = read(repo, '.husky/pre-commit');
      expect(text.startsWith('#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n# >>> keyward')).toBe(
        true,
      );
      expect(modeOf(repo, '.husky/pre-commit')).toBe(0o755);
    });
  });

  it('wires a .husky folder that is not active in this clone, and says how to activate it', () => {
    mkdirSync(join(repo.dir, '.husky'));
    writeFileSync(join(repo.dir, '.husky/pre-commit'), 'npm test\n');
    const result = installOk(repo);
    expect(result.outcomes[0]).toMatchObject({ manager: 'husky', status: 'planned' });
    expect(result.notes.join('\n')).toContain('npx husky');
    uninstallOk(repo);
  });

  it('refuses to write a plain hook into husky’s generated folder', () => {
    huskyInit(repo.dir);
    const before = snapshot(repo);
    expect(installProblem(repo, ['pre-commit'], { manager: 'plain' }).code).toBe('husky-internal');
    expect(snapshot(repo)).toEqual(before);
  });

  it('forced onto a repository without husky, says so', () => {
    expect(installProblem(repo, ['pre-commit'], { manager: 'husky' })).toMatchObject({
      code: 'manager-missing',
      data: { manager: 'husky' },
    });
  });
});
