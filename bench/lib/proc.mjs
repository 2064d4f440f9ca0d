/**
 * Timed child processes. Wall time comes from the parent's clock (ms resolution); peak RSS from GNU time's
 * `%M`, which for a pipeline run through bash is the largest single process, not the sum.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';
let timeFileCounter = 0;

/**
 * Runs `cmd args` under GNU time. Options: cwd, env, stdout (a file path; default: discarded into a
 * temporary file, never /dev/null, which ripgrep treats as "stop at the first match"), input (stdin
 * string), pin (taskset -c 0: one core). Returns { wallS, rssKB, code, signal, stderr, ok }.
 */
export function timed(cmd, args, options = {}) {
  const timeFile = join(tmpdir(), `keyward-bench-time-${process.pid}-${timeFileCounter++}`);
  const stdoutPath = options.stdout ?? join(tmpdir(), `keyward-bench-out-${process.pid}`);
  const out = openSync(stdoutPath, 'w');
  const pinned = options.pin ? ['taskset', '-c', '0'] : [];
  const started = performance.now();
  const result = spawnSync(GNU_TIME, ['-f', '%e %M', '-o', timeFile, ...pinned, cmd, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    input: options.input,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', out, 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallS = (performance.now() - started) / 1000;
  closeSync(out);
  let rssKB = null;
  let code = result.status;
  try {
    // GNU time prints "Command exited with non-zero status N" (or a signal line) before the format line.
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    const last = lines.at(-1).trim().split(/\s+/);
    rssKB = Number(last[1]);
    const exited = lines.join('\n').match(/non-zero status (\d+)/);
    if (exited) code = Number(exited[1]);
  } catch {
    // No time file: GNU time itself could not run; code and stderr tell why.
  } finally {
    rmSync(timeFile, { force: true });
  }
  const stderr = (result.stderr ?? Buffer.alloc(0)).toString('utf8');
  return { wallS, rssKB, code, signal: result.signal, stderr, error: result.error?.message };
}

/** `timed` for a bash pipeline (`set -o pipefail`). */
export function timedShell(script, options = {}) {
  return timed('bash', ['-o', 'pipefail', '-c', script], options);
}

/** Runs `times` times and returns the run with the median wall time, plus all wall times. */
export function timedMedian(times, run) {
  return interleaved(times, { run }).run;
}

/**
 * Runs each named thunk `times` times, round-robin (a, b, c, a, b, c, …), so that load from elsewhere on
 * the machine hits all of them alike; returns name -> the run with the median wall time (as timedMedian).
 */
export function interleaved(times, thunks) {
  const runs = Object.fromEntries(Object.keys(thunks).map((k) => [k, []]));
  for (let i = 0; i < times; i++) for (const [k, run] of Object.entries(thunks)) runs[k].push(run());
  return Object.fromEntries(Object.entries(runs).map(([k, list]) => [k, medianOf(list)]));
}

/** The median run, with every run's wall time and the peaks over all runs (largest process, keyward's own). */
function medianOf(runs) {
  const sorted = [...runs].sort((a, b) => a.wallS - b.wallS);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const peak = (k) => Math.max(...runs.map((r) => r[k] ?? 0)) || null;
  return { ...median, runs: runs.map((r) => r.wallS), rssKB: peak('rssKB'), nodeRssKB: peak('nodeRssKB') };
}

/** Plain synchronous command for setup steps; throws with stderr on failure. */
export function sh(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (result.status !== 0 && !options.allowFail) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${result.status}): ${(result.stderr || '').trim().slice(0, 500)}`,
    );
  }
  return result;
}

/** Whether an executable is on PATH. */
export function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
