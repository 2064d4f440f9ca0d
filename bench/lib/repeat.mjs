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

function once(argv, cwd) {
  const started = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, seconds: (performance.now() - started) / 1000, stderr: String(r.stderr ?? '') };
}

/**
 * `commands`: [{ name, argv, okCodes }]. Returns { tool, results: { name: { median, p90, … } | { error } } }.
 * Arguments must hold no spaces (hyperfine -N splits the command line on whitespace).
 */
export function repeatTimed(commands, { cwd, runs = 20, warmup = 3, tag }) {
  const results = {};
  const runnable = [];
  for (const c of commands) {
    const check = once(c.argv, cwd);
    if ((c.okCodes ?? [0]).includes(check.code)) runnable.push(c);
    else results[c.name] = { error: `exit ${check.code}: ${firstLine(check.stderr) || 'no message'}` };
  }
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
