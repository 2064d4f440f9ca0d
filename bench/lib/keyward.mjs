/**
 * Runs the keyward CLI as users do (`node packages/cli/bin/keyward.js …`) and reads its JSON report. A
 * failing invocation is a result too ("not available: <first line of stderr>"), never a crash.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { timed } from './proc.mjs';
import { REPO_ROOT, benchPath } from './paths.mjs';

export const KEYWARD_BIN = join(REPO_ROOT, 'packages/cli/bin/keyward.js');

export function keywardBuilt() {
  return existsSync(join(REPO_ROOT, 'packages/cli/dist/main.js'));
}

/** The first meaningful stderr line, for "not available: …" rows. */
export function firstLine(text) {
  return (
    (text || '')
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  ).slice(0, 160);
}

/**
 * Runs `keyward <args>` timed (options as for `timed`, plus `out`: where stdout goes). With a JSON report
 * expected (`json: true`), exit codes 0 and 1 with a parsable report are success. Returns the timing plus
 * { ok, report, reason }.
 */
export function runKeyward(args, options = {}) {
  const run = timed(process.execPath, [KEYWARD_BIN, ...args], { ...options, stdout: options.out });
  const okCode = run.code === 0 || run.code === 1;
  if (!okCode) {
    return {
      ...run,
      ok: false,
      reason: `exit ${run.code}: ${firstLine(run.stderr) || run.error || 'no message'}`,
    };
  }
  if (!options.json) return { ...run, ok: true };
  try {
    const report = JSON.parse(readFileSync(options.out, 'utf8'));
    if (!Array.isArray(report.findings)) throw new Error('no findings array');
    return { ...run, ok: true, report };
  } catch (error) {
    return { ...run, ok: false, reason: `exit ${run.code} but no JSON report (${error.message})` };
  }
}

/** `keyward --version`, or null when the CLI does not run. */
export function keywardVersion() {
  const out = benchPath('out', 'version.out');
  const run = runKeyward(['--version'], { out });
  return run.ok ? readFileSync(out, 'utf8').trim() : null;
}
