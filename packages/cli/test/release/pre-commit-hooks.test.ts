import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { hookId } from '@keyward/hooks/managers/pre-commit';

/**
 * keyward's .pre-commit-hooks.yaml, read as the pre-commit framework reads it: the hooks install the
 * `keyward` package of this very version (a release that forgot the pin would make every `rev:` of it run
 * another keyward), and run the program that package puts on PATH. pre-commit-framework.test.ts runs it
 * for real.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

interface ManifestHook {
  id: string;
  entry: string;
  language: string;
  additional_dependencies?: string[];
  stages: string[];
  pass_filenames: boolean;
  always_run: boolean;
}

const manifest = parseYaml(read('.pre-commit-hooks.yaml')) as ManifestHook[];
const cli = JSON.parse(read('packages/cli/package.json')) as { version: string; bin: Record<string, string> };

describe("keyward's .pre-commit-hooks.yaml", () => {
  it('pins the keyward package to packages/cli/package.json’s version', () => {
    for (const hook of manifest) {
      expect(hook.additional_dependencies, hook.id).toEqual([`keyward@${cli.version}`]);
    }
  });

  it('runs the installed keyward: a staged scan before a commit, the pushed commits before a push', () => {
    expect(Object.keys(cli.bin)).toEqual(['keyward']);
    expect(manifest.map((h) => [h.id, h.entry])).toEqual([
      [hookId('pre-commit'), 'keyward scan --staged'],
      [hookId('pre-push'), 'keyward scan --pre-push'],
    ]);
    // The commit hook takes the files pre-commit names, so `run --all-files` checks them whole.
    expect(manifest.map((h) => [h.id, h.pass_filenames])).toEqual([
      [hookId('pre-commit'), true],
      [hookId('pre-push'), false],
    ]);
    for (const hook of manifest) expect(hook).toMatchObject({ language: 'node', always_run: true });
  });

  it('uses the stage names pre-commit 3.0 accepts (later releases read them as pre-commit and pre-push)', () => {
    expect(manifest.map((h) => h.stages)).toEqual([['commit'], ['push']]);
  });

  it('sits in a repository root that pre-commit can `npm install` and `npm pack` with nothing to fetch', () => {
    // pre-commit runs `npm install` in the hook repository's root, then `npm pack` (a name and a version are
    // required), then `npm install -g` of that tarball beside additional_dependencies.
    const root = JSON.parse(read('package.json')) as Record<string, unknown>;
    expect(root).toMatchObject({ name: expect.any(String), version: expect.any(String) });
    for (const field of [
      'dependencies',
      'devDependencies',
      'optionalDependencies',
      'peerDependencies',
      'bin',
    ])
      expect(root[field], field).toBeUndefined();
    expect(root.files).toEqual(['README.md']);
    const scripts = (root.scripts ?? {}) as Record<string, string>;
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare', 'prepack', 'postpack'])
      expect(scripts[script], script).toBeUndefined();
  });
});
