import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TempRepo } from '@keyward/test-utils';
import { run } from '@keyward/cli';
import { ENV, newRepo, read, snapshot } from './helpers.js';

/** `keyward install` / `keyward uninstall` through the CLI's in-process entry point. */
let repo: TempRepo;
beforeEach(() => {
  repo = newRepo();
});
afterEach(() => repo.cleanup());

async function keyward(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (chunk: string | Uint8Array) => (stdout += String(chunk)) },
    stderr: { write: (chunk: string | Uint8Array) => (stderr += String(chunk)) },
    stdin: Readable.from([]),
    env: ENV,
    cwd: repo.dir,
  });
  return { code, stdout, stderr };
}

describe('keyward install / uninstall', () => {
  it('installs the pre-commit hook by default, says where, and uninstall restores everything', async () => {
    const before = snapshot(repo);
    const installed = await keyward('install');
    expect(installed.code).toBe(0);
    expect(installed.stdout).toBe('');
    expect(installed.stderr).toContain(
      'keyward: pre-commit: created .git/hooks/pre-commit (plain git hooks)',
    );
    expect(read(repo, '.git/hooks/pre-commit')).toContain('scan --staged');
    const again = await keyward('install');
    expect(again.stderr).toContain(
      'pre-commit: already wired into plain git hooks (.git/hooks/pre-commit); nothing to do',
    );
    const removed = await keyward('uninstall');
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain('deleted .git/hooks/pre-commit');
    expect(snapshot(repo)).toEqual(before);
  });

  it('--dry-run prints a diff on stdout and writes nothing', async () => {
    writeFileSync(join(repo.dir, '.git/hooks/pre-push'), '#!/bin/sh\ngit lfs pre-push "$@"\n', {
      mode: 0o755,
    });
    const before = snapshot(repo);
    const dry = await keyward('install', '--hook', 'both', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('--- /dev/null\n+++ b/.git/hooks/pre-commit\n@@ -0,0 +1,');
    expect(dry.stdout).toContain('--- a/.git/hooks/pre-push\n+++ b/.git/hooks/pre-push\n@@ -1,2 +1,');
    expect(dry.stdout).toContain(' #!/bin/sh\n+# >>> keyward pre-push');
    expect(dry.stdout).toContain('+# <<< keyward pre-push\n git lfs pre-push "$@"\n');
    expect(dry.stderr).toContain('would edit .git/hooks/pre-push');
    expect(dry.stderr).toContain('dry run: nothing was written');
    expect(snapshot(repo)).toEqual(before);

    await keyward('install', '--hook', 'both');
    const dryUninstall = await keyward('uninstall', '--dry-run');
    expect(dryUninstall.stdout).toContain('-# >>> keyward pre-push');
    expect(dryUninstall.stderr).toContain('would restore .git/hooks/pre-push');
    expect(dryUninstall.stderr).toContain('would delete .git/hooks/pre-commit');
    await keyward('uninstall');
    expect(snapshot(repo)).toEqual(before);
  });

  it('--print shows the lines to add by hand, for each manager and hook', async () => {
    const before = snapshot(repo);
    const lefthook = await keyward('install', '--print', 'lefthook', '--hook', 'both');
    expect(lefthook.code).toBe(0);
    const parsed = parseYaml(lefthook.stdout.replace(/^# add to lefthook.yml\n/gm, '')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(parsed)).toEqual(['pre-commit', 'pre-push']);
    const preCommit = await keyward('install', '--print', 'pre-commit');
    const item = parseYaml(preCommit.stdout) as { repo: string; hooks: { id: string; language: string }[] }[];
    expect(item[0]?.hooks[0]).toMatchObject({ id: 'keyward', language: 'system' });
    expect((await keyward('install', '--print', 'lint-staged')).stdout).toContain(
      '"*": "keyward scan --staged"',
    );
    expect((await keyward('install', '--print', 'husky')).stdout).toContain('# >>> keyward pre-commit');
    expect((await keyward('install', '--print', 'plain', '--hook', 'pre-push')).stdout).toMatch(
      /^# save as .*\n#!\/bin\/sh\n/,
    );
    const unsupported = await keyward('install', '--print', 'lint-staged', '--hook', 'pre-push');
    expect(unsupported.code).toBe(2);
    expect(unsupported.stderr).toContain('lint-staged runs only at pre-commit');
    expect(snapshot(repo)).toEqual(before); // printing installs nothing
  });

  it('states expected failures in one line with exit 2', async () => {
    writeFileSync(join(repo.dir, '.git/hooks/pre-commit'), '#!/bin/sh\necho off\n', { mode: 0o644 });
    const refused = await keyward('install');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'keyward: .git/hooks/pre-commit exists but is not executable, so git skips it: make it executable (chmod +x) or remove it, then run keyward install again\n',
    );
    const forced = await keyward('install', '--manager', 'lefthook');
    expect(forced.code).toBe(2);
    expect(forced.stderr).toBe('keyward: --manager lefthook: no lefthook.yml\n');
    const bad = await keyward('install', '--hook', 'pre-merge');
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('refuses outside a repository and in a bare one', async () => {
    const bare = `${repo.dir}/bare.git`;
    repo.git('init', '-q', '--bare', bare);
    let stderr = '';
    const code = await run(['install'], {
      stdout: { write: () => true },
      stderr: { write: (chunk: string | Uint8Array) => (stderr += String(chunk)) },
      stdin: Readable.from([]),
      env: ENV,
      cwd: bare,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('is a bare repository');
  });

  it('reports an uninstall it cannot finish with exit 2, leaving the file as the user made it', async () => {
    await keyward('install');
    const path = join(repo.dir, '.git/hooks/pre-commit');
    writeFileSync(path, read(repo, '.git/hooks/pre-commit').replace('scan --staged', 'scan --staged -q'));
    const removed = await keyward('uninstall');
    expect(removed.code).toBe(2);
    expect(removed.stderr).toContain("keyward's lines were changed since install");
  });
});
