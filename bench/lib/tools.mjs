/** The external tools the bench compares against or times with, installed from Debian when missing. */
import { have, sh } from './proc.mjs';

function tryInstall(pkg, log) {
  if (process.getuid?.() !== 0) return false;
  log(`installing ${pkg} (apt-get)`);
  sh('apt-get', ['install', '-y', '-q', pkg], {
    allowFail: true,
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  return true;
}

function firstLine(cmd, args) {
  const r = sh(cmd, args, { allowFail: true });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : null;
}

/**
 * ripgrep is required (it is the baseline), hyperfine optional (the start-up benches fall back to their
 * own loop), taskset and GNU time come with the base system here. Returns { rg, hyperfine, versions }.
 */
export function ensureTools({ install, log }) {
  for (const [cmd, pkg] of [
    ['rg', 'ripgrep'],
    ['hyperfine', 'hyperfine'],
  ]) {
    if (!have(cmd) && install) tryInstall(pkg, log);
  }
  if (!have('rg')) throw new Error('ripgrep (rg) is required: apt-get install -y ripgrep');
  if (!have('/usr/bin/time'))
    throw new Error('GNU time is required at /usr/bin/time: apt-get install -y time');
  const hyperfine = have('hyperfine');
  return {
    rg: true,
    hyperfine,
    taskset: have('taskset'),
    versions: {
      rg: firstLine('rg', ['--version']),
      git: firstLine('git', ['--version']),
      hyperfine: hyperfine ? firstLine('hyperfine', ['--version']) : 'absent (own loop)',
    },
  };
}
