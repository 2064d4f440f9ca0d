import { spawnSync } from 'node:child_process';

/**
 * The pre-commit framework for the e2e tests: Debian's package (3.0.4 on bookworm), which .ci/run installs
 * (as root, with apt-get) when it is missing. A test never installs it: tests reach nothing but 127.0.0.1.
 * Without it the tests skip and say why.
 */
export const PRE_COMMIT: { version: string } | { missing: string } = findPreCommit();

function findPreCommit(): { version: string } | { missing: string } {
  const result = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (result.status === 0) return { version: result.stdout.trim() };
  return {
    missing:
      'pre-commit is not on PATH (.ci/run installs Debian’s package on CI: apt-get install pre-commit)',
  };
}
