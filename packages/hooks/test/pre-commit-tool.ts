import { spawnSync } from 'node:child_process';

/**
 * The pre-commit framework for the e2e tests: Debian's package (3.0.4 on bookworm), installed here when it is
 * missing and we may (root, apt-get present, the Debian mirror reachable). Undefined when it cannot be had;
 * the tests then skip and say why.
 */
export const PRE_COMMIT: { version: string } | { missing: string } = ensurePreCommit();

function version(): string | undefined {
  const result = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function ensurePreCommit(): { version: string } | { missing: string } {
  const found = version();
  if (found) return { version: found };
  if (process.getuid?.() !== 0)
    return { missing: 'pre-commit is not installed and the tests do not run as root to apt-get it' };
  const apt = (args: string[]) =>
    spawnSync('apt-get', args, {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  const update = apt(['update', '-qq']);
  const install = update.status === 0 ? apt(['install', '-y', '-qq', 'pre-commit']) : update;
  const after = version();
  if (after) return { version: after };
  const reason = (install.error?.message ?? install.stderr ?? '').trim().split('\n').pop() ?? '';
  return { missing: `apt-get install pre-commit failed (${reason || `exit ${install.status}`})` };
}
