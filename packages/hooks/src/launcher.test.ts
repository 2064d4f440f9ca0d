import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepo, GIT_ENV, type TempRepo } from '@keyward/test-utils';
import { launcherLines, plainHookLines, type ScanStyle } from './launcher.js';
import type { HookName } from './types.js';

/**
 * The launcher is shell: these tests run it with the system's /bin/sh (dash on Debian) against a fake
 * keyward that records its arguments and stdin and exits as told.
 */
let repo: TempRepo;
let fakeDir: string;

const FAKE = `#!/bin/sh
printf '%s\\n' "$*" >"$FAKE_LOG.args"
printf '%s\\n' "$#" >"$FAKE_LOG.argc"
cat >"$FAKE_LOG.stdin"
exit "\${FAKE_EXIT:-0}"
`;

beforeEach(() => {
  repo = createRepo();
  fakeDir = join(repo.dir, 'node_modules/.bin');
  mkdirSync(fakeDir, { recursive: true });
  writeFileSync(join(fakeDir, 'keyward'), FAKE, { mode: 0o755 });
});
afterEach(() => repo.cleanup());

interface Run {
  status: number | null;
  stderr: string;
  args: string | undefined;
  stdin: string | undefined;
}

function runScript(
  script: string,
  options: { env?: Record<string, string>; input?: string; args?: string[]; shellFlags?: string[] } = {},
): Run {
  const file = join(repo.dir, 'hook.sh');
  writeFileSync(file, script, { mode: 0o755 });
  const log = join(repo.dir, 'fake');
  rmSync(`${log}.args`, { force: true });
  rmSync(`${log}.stdin`, { force: true });
  const result = spawnSync('sh', [...(options.shellFlags ?? []), file, ...(options.args ?? [])], {
    cwd: repo.dir,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', ...GIT_ENV, FAKE_LOG: log, ...options.env },
  });
  const read = (suffix: string) => {
    try {
      return readFileSync(`${log}.${suffix}`, 'utf8');
    } catch {
      return undefined;
    }
  };
  return { status: result.status, stderr: result.stderr, args: read('args'), stdin: read('stdin') };
}

const block = (hook: HookName, style: ScanStyle) => launcherLines(hook, style).join('\n') + '\n';

describe('pre-commit launcher', () => {
  it('passes the files the pre-commit framework names on to `scan --staged`, spaces and all', () => {
    const run = runScript(block('pre-commit', 'staged-files'), { args: ['a.env', 'dir/with space.txt'] });
    expect(run.status).toBe(0);
    expect(run.args).toBe('scan --staged a.env dir/with space.txt\n');
    expect(readFileSync(join(repo.dir, 'fake.argc'), 'utf8')).toBe('4\n'); // the spaced name is one argument
    const none = runScript(block('pre-commit', 'staged-files'));
    expect(none.args).toBe('scan --staged\n');
  });

  it('runs `keyward scan --staged` from node_modules/.bin and passes when it exits 0', () => {
    const run = runScript(block('pre-commit', 'staged'));
    expect(run.status).toBe(0);
    expect(run.args).toBe('scan --staged\n');
    expect(run.stderr).toBe('');
  });

  it('refuses when keyward reports a key (exit 1) and says how to skip once', () => {
    // What to do about the key (remove, keyward:allow, rotate) is keyward's own output: see e2e-plain.
    const run = runScript(block('pre-commit', 'staged'), { env: { FAKE_EXIT: '1' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('commit refused');
    expect(run.stderr).toContain('KEYWARD=0 git commit');
  });

  it('fails closed when the scan breaks, and says how to fail open', () => {
    const run = runScript(block('pre-commit', 'staged'), { env: { FAKE_EXIT: '2' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('the scan failed (exit 2');
    expect(run.stderr).toContain('KEYWARD_FAIL_OPEN=1');
  });

  it('fails open on a broken scan when KEYWARD_FAIL_OPEN=1 or git config keyward.failOpen is true', () => {
    const byEnv = runScript(block('pre-commit', 'staged'), {
      env: { FAKE_EXIT: '3', KEYWARD_FAIL_OPEN: '1' },
    });
    expect(byEnv.status).toBe(0);
    expect(byEnv.stderr).toContain('fail-open is set');
    repo.git('config', 'keyward.failOpen', 'true');
    const byConfig = runScript(block('pre-commit', 'staged'), { env: { FAKE_EXIT: '3' } });
    expect(byConfig.status).toBe(0);
    // A key found is never let through by fail-open.
    const found = runScript(block('pre-commit', 'staged'), {
      env: { FAKE_EXIT: '1', KEYWARD_FAIL_OPEN: '1' },
    });
    expect(found.status).toBe(1);
  });

  it('fails closed with an install hint when keyward cannot be found', () => {
    chmodSync(join(fakeDir, 'keyward'), 0o644); // not executable: as good as absent
    const run = runScript(block('pre-commit', 'staged'));
    expect(run.status).toBe(127);
    expect(run.args).toBeUndefined();
    expect(run.stderr).toContain('npm install --save-dev keyward');
    expect(run.stderr).toContain('commit refused (fail-closed)');
    const open = runScript(block('pre-commit', 'staged'), { env: { KEYWARD_FAIL_OPEN: '1' } });
    expect(open.status).toBe(0);
  });

  it('finds keyward on PATH, and prefers KEYWARD_BIN when set', () => {
    chmodSync(join(fakeDir, 'keyward'), 0o644);
    const onPath = runScript(block('pre-commit', 'staged'), {
      env: { PATH: `${fakeDir}-path:/usr/bin:/bin` },
    });
    expect(onPath.status).toBe(127); // the folder does not exist yet
    mkdirSync(`${fakeDir}-path`);
    writeFileSync(join(`${fakeDir}-path`, 'keyward'), FAKE, { mode: 0o755 });
    const found = runScript(block('pre-commit', 'staged'), {
      env: { PATH: `${fakeDir}-path:/usr/bin:/bin` },
    });
    expect(found.status).toBe(0);
    expect(found.args).toBe('scan --staged\n');
    writeFileSync(join(repo.dir, 'custom'), FAKE.replace('"$*"', '"custom $*"'), { mode: 0o755 });
    const custom = runScript(block('pre-commit', 'staged'), {
      env: { KEYWARD_BIN: join(repo.dir, 'custom') },
    });
    expect(custom.args).toBe('custom scan --staged\n');
  });

  it('is skipped with KEYWARD=0', () => {
    const run = runScript(block('pre-commit', 'staged'), { env: { KEYWARD: '0', FAKE_EXIT: '1' } });
    expect(run.status).toBe(0);
    expect(run.args).toBeUndefined();
    expect(run.stderr).toContain('skipped (KEYWARD=0)');
  });

  it('survives `sh -e` (husky runs its scripts so) and still prints its advice', () => {
    const script = block('pre-commit', 'staged') + 'echo after >&2\n';
    const refused = runScript(script, { env: { FAKE_EXIT: '1' }, shellFlags: ['-e'] });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('commit refused');
    expect(refused.stderr).not.toContain('after');
    const clean = runScript(script, { shellFlags: ['-e'] });
    expect(clean.status).toBe(0);
    expect(clean.stderr).toBe('after\n');
    // A KEYWARD_BIN that is not executable falls back to PATH, never silently to nothing.
    const missing = runScript(script, { env: { KEYWARD_BIN: '/nonexistent' }, shellFlags: ['-e'] });
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('was not found');
    expect(missing.stderr).not.toContain('after');
  });
});

describe('pre-push launcher', () => {
  const refs =
    'refs/heads/main 1111111111111111111111111111111111111111 refs/heads/main 0000000000000000000000000000000000000000\n';

  it('gives keyward the refs and the remote, then replays the same stdin to the rest of the hook', () => {
    const script = block('pre-push', 'pre-push-stdin') + 'cat >replayed.txt\necho "rest: $1" >&2\n';
    const run = runScript(script, { input: refs, args: ['origin', 'https://example.test/repo.git'] });
    expect(run.status).toBe(0);
    expect(run.args).toBe('scan --pre-push origin\n');
    expect(run.stdin).toBe(refs);
    expect(readFileSync(join(repo.dir, 'replayed.txt'), 'utf8')).toBe(refs);
    expect(run.stderr).toBe('rest: origin\n');
  });

  it('refuses a push with advice, and leaves stdin alone when skipped', () => {
    const refused = runScript(block('pre-push', 'pre-push-stdin'), {
      input: refs,
      args: ['origin'],
      env: { FAKE_EXIT: '1' },
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('push refused');
    expect(refused.stderr).toContain('KEYWARD=0 git push');
    const skipped = runScript(block('pre-push', 'pre-push-stdin') + 'cat >replayed.txt\n', {
      input: refs,
      env: { KEYWARD: '0' },
    });
    expect(skipped.status).toBe(0);
    expect(readFileSync(join(repo.dir, 'replayed.txt'), 'utf8')).toBe(refs);
  });

  it('reads the remote from lefthook’s {1} placeholder', () => {
    const script = block('pre-push', 'pre-push-lefthook').replace('{1}', 'upstream');
    const run = runScript(script, { input: refs });
    expect(run.args).toBe('scan --pre-push upstream\n');
    expect(run.stdin).toBe(refs);
  });

  it('leaves the pre-commit framework’s PRE_COMMIT_* variables to keyward, and refuses when it finds a key', () => {
    // The framework has read git's stdin already; keyward reads the refs it exports (see scan-git.test.ts).
    const script = block('pre-push', 'pre-push-pre-commit');
    const fake = FAKE.replace(
      'cat >',
      'printf \'%s\\n\' "$PRE_COMMIT_FROM_REF..$PRE_COMMIT_TO_REF" >"$FAKE_LOG.env"\ncat >',
    );
    writeFileSync(join(fakeDir, 'keyward'), fake, { mode: 0o755 });
    const env = { PRE_COMMIT_FROM_REF: 'aaa', PRE_COMMIT_TO_REF: 'bbb' };
    const clean = runScript(script, { env });
    expect(clean.status).toBe(0);
    expect(clean.args).toBe('scan --pre-push\n');
    expect(clean.stdin).toBe('');
    expect(readFileSync(join(repo.dir, 'fake.env'), 'utf8')).toBe('aaa..bbb\n');
    const refused = runScript(script, { env: { ...env, FAKE_EXIT: '1' } });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('push refused');
    expect(refused.stderr).toContain('KEYWARD=0 git push');
  });
});

describe('plain hook file', () => {
  it('starts with a shebang and runs a chained hook afterwards with the same arguments and status', () => {
    writeFileSync(
      join(repo.dir, 'pre-commit.keyward-chained'),
      '#!/usr/bin/env python3\nimport sys\nsys.exit(7)\n',
      {
        mode: 0o755,
      },
    );
    const lines = plainHookLines('pre-commit', 'pre-commit.keyward-chained');
    expect(lines[0]).toBe('#!/bin/sh');
    const file = join(repo.dir, 'pre-commit');
    writeFileSync(file, lines.join('\n') + '\n', { mode: 0o755 });
    const result = spawnSync(file, [], {
      cwd: repo.dir,
      env: { PATH: '/usr/bin:/bin', FAKE_LOG: join(repo.dir, 'fake') },
    });
    expect(result.status).toBe(7);
    expect(readFileSync(join(repo.dir, 'fake.args'), 'utf8')).toBe('scan --staged\n');
  });
});
