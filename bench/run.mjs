#!/usr/bin/env node
/**
 * `pnpm bench [worktree|noise|precision|history|precommit|startup|agents|all] [--quick] [--size MB] [--reps N]`
 * Measures keyward against its speed, memory and noise targets (DESIGN.md §4, §7; issues 2 and 3) and
 * prints one table per bench plus PASS/FAIL per target; writes everything to .bench/results.json.
 * Needs `pnpm build` first; a keyward invocation that fails is reported as "not available", not a crash.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { keywardBuilt, keywardVersion } from './lib/keyward.mjs';
import { benchPath } from './lib/paths.mjs';
import { ensureTools } from './lib/tools.mjs';
import { fmt, printTable } from './lib/table.mjs';

const BENCHES = {
  worktree: async () => (await import('./worktree.mjs')).worktreeBench,
  noise: async () => (await import('./noise.mjs')).noiseBench,
  precision: async () => (await import('./precision.mjs')).precisionBench,
  history: async () => (await import('./history.mjs')).historyBench,
  'history-scale': async () => (await import('./history-scale.mjs')).historyScaleBench,
  precommit: async () => (await import('./precommit.mjs')).precommitBench,
  'staged-large': async () => (await import('./staged-large.mjs')).stagedLargeBench,
  'small-files': async () => (await import('./small-files.mjs')).smallFilesBench,
  startup: async () => (await import('./startup.mjs')).startupBench,
  agents: async () => (await import('./agents.mjs')).agentsBench,
  fleet: async () => (await import('./fleet.mjs')).fleetBench,
  store: async () => (await import('./store.mjs')).storeBench,
};

const USAGE = `usage: pnpm bench [${Object.keys(BENCHES).join('|')}|all]... [options]
  --quick             small smoke sizes (seconds, not minutes)
  --size <MB>         working-tree corpus size (default 400; the 2x run doubles it)
  --no-scale          skip the 2x working-tree run
  --reps <n>          repetitions of each timed run (median reported; default 3, quick 1)
  --history-repo <p>  also time a history scan of this git repository (bare or not)
  --compare <bin>     precision: also run this keyward bin (an older build) on the same corpora
  --no-install        never run apt-get or npm to fetch tools or the npm noise corpus
  --json <file>       where to write results (default .bench/results.json, quick: .bench/results-quick.json)
  --strict            exit 1 when any target fails`;

function parse(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      size: { type: 'string' },
      'no-scale': { type: 'boolean', default: false },
      reps: { type: 'string' },
      'history-repo': { type: 'string' },
      compare: { type: 'string' },
      'no-install': { type: 'boolean', default: false },
      json: { type: 'string' },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const names = positionals.length === 0 || positionals.includes('all') ? Object.keys(BENCHES) : positionals;
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) throw new Error(`unknown bench: ${unknown.join(', ')}`);
  const number = (name, value) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number, got ${value}`);
    return n;
  };
  return {
    names,
    help: values.help,
    quick: values.quick,
    sizeMB: number('size', values.size),
    reps: number('reps', values.reps),
    scale: !values['no-scale'],
    historyRepo: values['history-repo'],
    compare: values.compare,
    install: !values['no-install'],
    json: values.json ?? benchPath(values.quick ? 'results-quick.json' : 'results.json'),
    strict: values.strict,
  };
}

function readPrevious(path) {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')).benches ?? {}) : {};
  } catch {
    return {};
  }
}

async function main() {
  let options;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const write = (s) => process.stdout.write(s);
  const log = (s) => process.stderr.write(`[bench] ${s}\n`);
  let tools;
  try {
    tools = ensureTools({ install: options.install, log });
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n`);
    return 2;
  }
  const version = keywardBuilt() ? keywardVersion() : null;
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memGB: Math.round(totalmem() / 2 ** 30),
    load: loadavg()
      .map((l) => l.toFixed(1))
      .join(' '),
    node: process.version,
    ...tools.versions,
    keyward: version ?? (keywardBuilt() ? 'does not run' : 'not built (run pnpm build)'),
  };
  write(
    `keyward bench ${new Date().toISOString()}${options.quick ? ' (--quick: smoke sizes, not for judging targets)' : ''}\n`,
  );
  write(
    `${Object.entries(machine)
      .map(([k, v]) => `${k}: ${v}`)
      .join(' | ')}\n`,
  );

  const results = {
    startedAt: new Date().toISOString(),
    options: { ...options, json: undefined },
    machine,
    benches: {},
  };
  const ctx = { ...options, tools, write, log };
  for (const name of options.names) {
    const started = performance.now();
    try {
      const bench = await BENCHES[name]();
      results.benches[name] = await bench(ctx);
    } catch (error) {
      write(`\n${name}: the bench itself failed: ${error.message}\n`);
      results.benches[name] = { error: error.message, stack: error.stack };
    }
    results.benches[name].seconds = Math.round((performance.now() - started) / 100) / 10;
    results.benches[name].ranAt = new Date().toISOString();
    results.benches[name].loadAfter = loadavg()[0];
  }

  // Benches not run this time keep their last results (each carries its own `ranAt`).
  const previous = readPrevious(options.json);
  results.benches = { ...previous, ...results.benches };
  const targets = Object.entries(results.benches).flatMap(([bench, r]) =>
    (r.targets ?? []).map((t) => ({ bench, ...t })),
  );
  results.targets = targets;
  const current = targets.filter((t) => options.names.includes(t.bench));
  printTable(
    write,
    `Targets${options.quick ? ' (quick run: sizes too small to judge)' : ''}`,
    ['bench', 'target', 'measured', 'result'],
    current.map((t) => [t.bench, t.name, t.measured, fmt.pass(t.pass)]),
    { align: false },
  );
  writeFileSync(options.json, JSON.stringify(results, null, 2));
  write(`\nresults: ${options.json}\n`);
  return options.strict && current.some((t) => t.pass === false) ? 1 : 0;
}

process.exitCode = await main();
