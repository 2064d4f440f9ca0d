import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TempRepo } from '@keyward/test-utils';
import { installOk, installProblem, newRepo, read, roundTrip } from '../test/helpers.js';
import { huskyInit } from '../test/tools.js';

let repo: TempRepo;
beforeEach(() => {
  repo = newRepo();
  huskyInit(repo.dir);
  writeFileSync(join(repo.dir, '.husky/pre-commit'), 'npx lint-staged\n');
});
afterEach(() => repo.cleanup());

function lintStagedOf(file: string): Record<string, unknown> {
  const text = read(repo, file);
  if (file === 'package.json')
    return (JSON.parse(text) as { 'lint-staged': Record<string, unknown> })['lint-staged'];
  return parseYaml(text) as Record<string, unknown>;
}

describe('lint-staged, run by husky', () => {
  it('adds an entry to package.json, keeping its tabs and the user’s entries', () => {
    const pkg =
      '{\n\t"name": "demo",\n\t"lint-staged": {\n\t\t"*.js": ["eslint --fix", "prettier --write"]\n\t}\n}\n';
    writeFileSync(join(repo.dir, 'package.json'), pkg);
    roundTrip(repo, ['pre-commit'], (result) => {
      expect(result.outcomes[0]).toMatchObject({ manager: 'lint-staged', status: 'planned' });
      expect(read(repo, 'package.json')).toBe(
        '{\n\t"name": "demo",\n\t"lint-staged": {\n\t\t"*": "keyward scan --staged",\n\t\t"*.js": ["eslint --fix", "prettier --write"]\n\t}\n}\n',
      );
      expect(read(repo, '.husky/pre-commit')).toBe('npx lint-staged\n'); // one scan, through lint-staged
    });
  });

  it('picks another all-files glob when "*" is the user’s, so neither entry overrides the other', () => {
    const pkg = '{\n  "lint-staged": { "*": "prettier --write", "**": "echo" }\n}\n';
    writeFileSync(join(repo.dir, 'package.json'), pkg);
    roundTrip(repo, ['pre-commit'], () => {
      expect(read(repo, 'package.json')).toBe(
        '{\n  "lint-staged": { "**/*": "keyward scan --staged", "*": "prettier --write", "**": "echo" }\n}\n',
      );
      expect(lintStagedOf('package.json')).toEqual({
        '**/*': 'keyward scan --staged',
        '*': 'prettier --write',
        '**': 'echo',
      });
    });
  });

  it('opens up an empty configuration object', () => {
    writeFileSync(join(repo.dir, 'package.json'), '{\n  "name": "x",\n  "lint-staged": {}\n}\n');
    roundTrip(repo, ['pre-commit'], () => {
      expect(read(repo, 'package.json')).toBe(
        '{\n  "name": "x",\n  "lint-staged": {\n    "*": "keyward scan --staged"\n  }\n}\n',
      );
    });
  });

  it('edits a YAML .lintstagedrc.yml in its own style, comments kept', () => {
    const rc = '# formatters\n"*.{js,ts}":\n  - eslint --fix # lint\n"*.md": prettier --write\n';
    writeFileSync(join(repo.dir, '.lintstagedrc.yml'), rc);
    roundTrip(repo, ['pre-commit'], () => {
      expect(read(repo, '.lintstagedrc.yml')).toBe(
        `# formatters\n'*': keyward scan --staged\n${rc.slice('# formatters\n'.length)}`,
      );
      expect(lintStagedOf('.lintstagedrc.yml')['*']).toBe('keyward scan --staged');
    });
  });

  it('edits a JSON .lintstagedrc (no extension)', () => {
    writeFileSync(join(repo.dir, '.lintstagedrc'), '{\n    "*.py": "black"\n}\n');
    roundTrip(repo, ['pre-commit'], () => {
      expect(read(repo, '.lintstagedrc')).toBe(
        '{\n    "*": "keyward scan --staged",\n    "*.py": "black"\n}\n',
      );
    });
  });

  it('edits an ES module configuration', () => {
    const js =
      "/** @type {import('lint-staged').Configuration} */\nexport default {\n  // lint\n  '*.js': 'eslint',\n};\n";
    writeFileSync(join(repo.dir, 'lint-staged.config.js'), js);
    roundTrip(repo, ['pre-commit'], () => {
      expect(read(repo, 'lint-staged.config.js')).toBe(
        js.replace('  // lint\n', "  // lint\n  '*': 'keyward scan --staged',\n"),
      );
    });
  });

  it('explains instead of guessing when a module builds its configuration', () => {
    writeFileSync(
      join(repo.dir, '.lintstagedrc.cjs'),
      "const base = require('./base');\nmodule.exports = { ...base };\n",
    );
    expect(installProblem(repo)).toMatchObject({
      code: 'config-unsupported',
      data: { manager: 'lint-staged' },
    });
  });

  it('wires pre-push into husky, which runs the git hook (lint-staged is pre-commit only)', () => {
    writeFileSync(join(repo.dir, 'package.json'), '{ "lint-staged": { "*.js": "eslint" } }\n');
    roundTrip(repo, ['pre-commit', 'pre-push'], (result) => {
      expect(result.outcomes.map((o) => o.manager)).toEqual(['lint-staged', 'husky']);
    });
    expect(installProblem(repo, ['pre-push'], { manager: 'lint-staged' }).code).toBe(
      'manager-hook-unsupported',
    );
  });

  it('leaves a lint-staged configuration alone when no hook runs lint-staged', () => {
    writeFileSync(join(repo.dir, '.husky/pre-commit'), 'npm test\n');
    writeFileSync(join(repo.dir, 'package.json'), '{ "lint-staged": { "*.js": "eslint" } }\n');
    const result = installOk(repo);
    expect(result.outcomes[0]?.manager).toBe('husky');
  });

  it('sees a keyward entry the user wrote', () => {
    writeFileSync(join(repo.dir, 'package.json'), '{ "lint-staged": { "*": "keyward scan --staged" } }\n');
    expect(installOk(repo).outcomes[0]?.status).toBe('user-wired');
  });
});
