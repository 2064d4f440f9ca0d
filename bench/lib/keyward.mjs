/**
 * Runs the keyward CLI as users do (`node packages/cli/bin/keyward.js …`) and reads its JSON report. A
 * failing invocation is a result too ("not available: <first line of stderr>"), never a crash.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timed } from './proc.mjs';
import { REPO_ROOT, benchPath } from './paths.mjs';

export const KEYWARD_BIN = join(REPO_ROOT, 'packages/cli/bin/keyward.js');
const RSS_PROBE = join(REPO_ROOT, 'bench/lib/rss-probe.mjs');

/** The largest peak RSS any keyward Node process reported (KB), or null. */
function readNodeRss(file) {
  if (!existsSync(file)) return null;
  const peaks = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(l.split(' ')[1]));
  return peaks.length > 0 ? Math.max(...peaks) : null;
}

export function keywardBuilt() {
  return existsSync(join(REPO_ROOT, 'packages/cli/bundle/main.cjs'));
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
 * Runs `keyward <args>` timed (options as for `timed`, plus `out`: where stdout goes, and `bin`: an
 * installed keyward's path, run instead of the checkout's). With a JSON report
 * expected (`json: true`), exit codes 0 and 1 with a parsable report are success. Returns the timing
 * (`rssKB`: the largest process, git children included; `nodeRssKB`: keyward's own Node process) plus
 * { ok, report, reason }.
 */
export function runKeyward(args, options = {}) {
  const rssFile = benchPath('out', 'keyward-rss');
  rmSync(rssFile, { force: true });
  const env = {
    ...options.env,
    KEYWARD_BENCH_RSS_FILE: rssFile,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(RSS_PROBE).href}`.trim(),
  };
  // `bin`: an installed keyward (node_modules/.bin/keyward), run as a hook runs it; else the checkout's.
  const [cmd, ...argv] = options.bin ? [options.bin, ...args] : [process.execPath, KEYWARD_BIN, ...args];
  const timing = timed(cmd, argv, { ...options, env, stdout: options.out });
  const run = { ...timing, nodeRssKB: readNodeRss(rssFile) };
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
