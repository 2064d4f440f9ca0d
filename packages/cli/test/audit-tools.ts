import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Debian tools the audit tests drive for real: Chromium (the HTML report as a person sees it) and
 * git-filter-repo (the history rewrite with keyward's replacements file). Each is installed with apt-get
 * when missing and we may (root, apt-get present, the Debian mirror reachable); otherwise the tests skip
 * and say why.
 */
export type Tool = { ready: true } | { ready: false; missing: string };

export const CHROMIUM_PATH = '/usr/bin/chromium';

export function ensureChromium(): Tool {
  return ensureDebianPackage('chromium', () => existsSync(CHROMIUM_PATH));
}

export function ensureFilterRepo(): Tool {
  return ensureDebianPackage(
    'git-filter-repo',
    () => spawnSync('git', ['filter-repo', '--version'], { encoding: 'utf8' }).status === 0,
  );
}

let updated: boolean | undefined;

function ensureDebianPackage(name: string, present: () => boolean): Tool {
  if (present()) return { ready: true };
  if (process.getuid?.() !== 0)
    return {
      ready: false,
      missing: `${name} is not installed and the tests do not run as root to apt-get it`,
    };
  const apt = (args: string[]) =>
    spawnSync('apt-get', args, {
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  if (updated === undefined) updated = apt(['update', '-qq']).status === 0;
  const install = updated ? apt(['install', '-y', '-qq', name]) : undefined;
  if (present()) return { ready: true };
  const reason = install
    ? ((install.error?.message ?? install.stderr ?? '').trim().split('\n').pop() ?? `exit ${install.status}`)
    : 'apt-get update failed';
  return { ready: false, missing: `apt-get install ${name} failed (${reason})` };
}

/** Says in the test output why a tool-dependent test is skipped. */
export function announceSkip(tool: Tool, what: string): void {
  if (!tool.ready) console.warn(`skipping ${what}: ${tool.missing}`);
}
