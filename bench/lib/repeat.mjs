/**
 * Short commands timed many times: hyperfine when installed (no shell, warm-up runs), else a plain loop
 * with the same counts. Each command runs once first and must exit as expected, so a failing keyward
 * is reported as "not available" instead of being timed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { firstLine } from './keyward.mjs';
import { benchPath } from './paths.mjs';
import { have } from './proc.mjs';

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    min: sorted[0],
    max: sorted.at(-1),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    runs: times.length,
  };
}

function once(argv, cwd, env) {
  const started = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status, seconds: (performance.now() - started) / 1000, stderr: String(r.stderr ?? '') };
}

/** Runs each command once: those that exit as expected are `runnable`, the others get an `error` result. */
function checkOnce(commands, cwd) {
  const results = {};
  const runnable = [];
  for (const c of commands) {
    const check = once(c.argv, cwd, c.env);
    if ((c.okCodes ?? [0]).includes(check.code)) runnable.push(c);
    else results[c.name] = { error: `exit ${check.code}: ${firstLine(check.stderr) || 'no message'}` };
  }
  return { results, runnable };
}

/**
 * `commands`: [{ name, argv, okCodes }]. Returns { tool, results: { name: { median, p90, … } | { error } } }.
 * Arguments must hold no spaces (hyperfine -N splits the command line on whitespace).
 */
export function repeatTimed(commands, { cwd, runs = 20, warmup = 3, tag }) {
  const { results, runnable } = checkOnce(commands, cwd);
  if (runnable.length === 0) return { tool: 'none', results };
  if (have('hyperfine')) {
    const json = benchPath('out', `hyperfine-${tag}.json`);
    const args = [
      '-N',
      '--warmup',
      String(warmup),
      '--runs',
      String(runs),
      '--style',
      'none',
      '--export-json',
      json,
    ];
    for (const c of runnable) args.push('-n', c.name, c.argv.join(' '));
    // Exit codes were checked above; -i lets a command that exits 1 by design (findings) be timed.
    const r = spawnSync('hyperfine', ['-i', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status === 0) {
      for (const res of JSON.parse(readFileSync(json, 'utf8')).results)
        results[res.command] = summary(res.times);
      return { tool: 'hyperfine', results };
    }
  }
  for (const c of runnable) {
    for (let i = 0; i < warmup; i++) once(c.argv, cwd);
    const times = [];
    for (let i = 0; i < runs; i++) times.push(once(c.argv, cwd).seconds);
    results[c.name] = summary(times);
  }
  return { tool: 'loop', results };
}

/**
 * Commands compared with each other on a busy machine: `warmup` rounds, then `rounds` rounds of one run
 * each, round-robin, the order rotated every round (a b c, b c a, c a b, …), so that load from elsewhere
 * and the position in a round hit every command alike. hyperfine runs one command's runs back to back, so
 * this is a plain loop, timed from this process (spawnSync: a few ms more than hyperfine -N, the same for
 * every command). `commands`: [{ name, argv, okCodes, env }]. Returns as repeatTimed, tool 'interleaved',
 * each result with its `times` by round (see pairedRatio).
 */
export function interleavedTimed(commands, { cwd, rounds = 20, warmup = 3 }) {
  const { results, runnable } = checkOnce(commands, cwd);
  if (runnable.length === 0) return { tool: 'none', results };
  const times = runnable.map(() => []);
  for (let i = 0; i < warmup + rounds; i++) {
    for (let j = 0; j < runnable.length; j++) {
      const k = (i + j) % runnable.length;
      const { seconds } = once(runnable[k].argv, cwd, runnable[k].env);
      if (i >= warmup) times[k].push(seconds);
    }
  }
  // `times`: one wall time per round, in round order, so two commands can be compared run by run.
  runnable.forEach((c, k) => (results[c.name] = { ...summary(times[k]), times: times[k] }));
  return { tool: 'interleaved', results };
}

/**
 * The median over rounds of `a`'s time divided by `b`'s in the same round (interleavedTimed results): the
 * two ran seconds apart, under the same load, so this ratio is steadier than a ratio of medians.
 */
export function pairedRatio(a, b) {
  if (!a?.times || !b?.times || a.times.length !== b.times.length || a.times.length === 0) return null;
  return summary(a.times.map((t, i) => t / b.times[i])).median;
}
