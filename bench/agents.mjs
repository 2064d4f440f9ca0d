/**
 * `keyward agents` (issue 17): the user-level audit reads only known paths, so a home full of unrelated
 * files costs nothing more than an empty one; the project audit costs no more than a working-tree scan of
 * the same files. Homes and the project are built from fixtures/agents (keys filled in here from the
 * seeded generator, never committed) plus generated unrelated files, under .bench/agents.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { KEYWARD_BIN } from './lib/keyward.mjs';
import { fakeKey, randomString, rng } from './lib/keys.mjs';
import { REPO_ROOT, benchDir } from './lib/paths.mjs';
import { fmt, printTable } from './lib/table.mjs';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'agents');
const PLACEHOLDER = /\{\{([a-z0-9-]+):(\d+)\}\}/g;
const HOME_TARGET_S = 0.5;
/** The project audit against a working-tree scan of the same files, median of paired runs. */
const PROJECT_MAX_RATIO = 1.1;
/** A home of many unrelated files against the same home without them, median of paired runs. */
const HOME_MAX_RATIO = 1.15;

/** The same keys as packages/cli/test/agents/fixtures.ts keyFor. */
function keyFor(kind, seed) {
  return kind === 'generic' ? randomString(rng(seed * 7919), 'alnum', 40) : fakeKey(kind, seed);
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Copies a fixture with its keys filled in; returns the distinct placeholders (keys) and the files. */
function materialize(fixture, target) {
  const source = join(FIXTURES, fixture);
  const keys = new Set();
  const files = [];
  for (const file of walk(source)) {
    const rel = relative(source, file).replace(/(^|[\\/])gitignore$/, '$1.gitignore');
    const text = readFileSync(file, 'utf8').replace(PLACEHOLDER, (whole, kind, seed) => {
      keys.add(whole);
      return keyFor(kind, Number(seed));
    });
    mkdirSync(dirname(join(target, rel)), { recursive: true });
    writeFileSync(join(target, rel), text);
    files.push(rel);
  }
  return { keys: keys.size, files };
}

/** `count` unrelated source files in nested folders (500 a project, 50 a folder). */
function unrelatedFiles(dir, count) {
  for (let i = 0; i < count; i++) {
    const folder = join(dir, 'src', `p${Math.floor(i / 500)}`, `m${Math.floor(i / 50) % 10}`);
    if (i % 50 === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `f${i}.ts`), `export const value${i} = ${i};\n`);
  }
}

const CREDENTIALS = [
  '.claude/.credentials.json',
  '.codex/auth.json',
  '.config/goose/secrets.yaml',
  '.local/share/opencode/auth.json',
];

/** The Linux fixture home, with `extra` unrelated files; rebuilt when the size changes. */
function fixtureHome(name, extra) {
  const dir = benchDir('agents', name);
  const stamp = join(dir, '.bench-files');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== String(extra)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    unrelatedFiles(dir, extra);
    writeFileSync(stamp, String(extra));
  }
  const { keys } = materialize('home/literal-linux', dir);
  for (const file of CREDENTIALS) chmodSync(join(dir, file), 0o600);
  return { dir, keys };
}

function git(dir, ...args) {
  spawnSync('git', args, { cwd: dir, stdio: 'ignore' });
}

function run(argv, cwd, env) {
  const started = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    seconds: (performance.now() - started) / 1000,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Each command once to check it, then `rounds` rounds, one run each, in a rotated order (load from
 * elsewhere hits every command alike). Returns per command its times by round and their median.
 */
function interleave(commands, cwd, rounds) {
  const times = commands.map(() => []);
  for (let i = 0; i < rounds + 1; i++) {
    for (let j = 0; j < commands.length; j++) {
      const k = (i + j) % commands.length;
      const r = run(commands[k].argv, cwd, commands[k].env);
      if (i > 0) times[k].push(r.seconds);
    }
  }
  return Object.fromEntries(commands.map((c, k) => [c.name, { median: median(times[k]), times: times[k] }]));
}

const paired = (a, b) => median(a.times.map((t, i) => t / b.times[i]));

export async function agentsBench(ctx) {
  const node = process.execPath;
  const extra = ctx.quick ? 5_000 : 50_000;
  const rounds = ctx.reps ?? (ctx.quick ? 5 : 15);
  const big = fixtureHome('home-big', extra);
  const small = fixtureHome('home-small', 0);
  // Two projects: every config holding a literal key (git is asked for their state), and every config
  // referencing its keys (a clean audit, which never runs git).
  const projects = ['literal', 'reference'].map((fixture) => {
    const dir = benchDir('agents', `project-${fixture}`);
    if (!existsSync(join(dir, '.git'))) git(dir, 'init', '-q');
    const { files } = materialize(`project/${fixture}`, dir);
    // Committed as a project keeps them (what .gitignore leaves out stays out): git's view comes from the
    // index and HEAD.
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.test', 'commit', '-qm', 'configs');
    return { fixture, dir, configs: files.filter((f) => !f.endsWith('.gitignore')) };
  });
  const cwd = benchDir('agents', 'empty-project');
  if (!existsSync(join(cwd, '.git'))) git(cwd, 'init', '-q');

  const homeEnv = (dir) => ({
    HOME: dir,
    XDG_CONFIG_HOME: '',
    XDG_DATA_HOME: '',
    CODEX_HOME: '',
    APPDATA: '',
  });
  const check = run([node, KEYWARD_BIN, 'agents', '--home', '--format', 'json'], cwd, homeEnv(big.dir));
  let found = null;
  try {
    found = JSON.parse(check.stdout).findings.length;
  } catch {
    found = null;
  }
  const home = interleave(
    [
      { name: 'node -e 0', argv: [node, '-e', '0'] },
      {
        name: `agents --home (${extra} unrelated files)`,
        argv: [node, KEYWARD_BIN, 'agents', '--home', '-q'],
        env: homeEnv(big.dir),
      },
      {
        name: 'agents --home (configs only)',
        argv: [node, KEYWARD_BIN, 'agents', '--home', '-q'],
        env: homeEnv(small.dir),
      },
    ],
    cwd,
    rounds,
  );
  const proj = projects.map(({ fixture, dir, configs }) => {
    const times = interleave(
      [
        { name: `agents (${configs.length} configs, ${fixture})`, argv: [node, KEYWARD_BIN, 'agents', '-q'] },
        {
          name: `scan of the same files (${fixture})`,
          argv: [node, KEYWARD_BIN, 'scan', '--no-ignore', '-q', ...configs],
        },
      ],
      dir,
      rounds,
    );
    const [audit, scan] = Object.values(times);
    return { fixture, configs: configs.length, times, ratio: paired(audit, scan) };
  });
  const [bigName, smallName] = Object.keys(home).slice(1);
  const homeRatio = paired(home[bigName], home[smallName]);
  printTable(
    ctx.write,
    `keyward agents (${rounds} interleaved rounds)`,
    ['command', 'median', 'vs node -e 0'],
    [...Object.entries(home), ...proj.flatMap((p) => Object.entries(p.times))].map(([name, r]) => [
      name,
      fmt.s(r.median),
      fmt.ratio(r.median / home['node -e 0'].median),
    ]),
  );
  return {
    results: {
      home,
      projects: Object.fromEntries(proj.map((p) => [p.fixture, { ...p.times, ratio: p.ratio }])),
      homeRatio,
      found,
      keys: big.keys,
    },
    targets: [
      {
        name: `agents --home on a home of ${extra} unrelated files: median < ${HOME_TARGET_S * 1000} ms`,
        measured: fmt.s(home[bigName].median),
        pass: home[bigName].median < HOME_TARGET_S,
      },
      {
        name: `agents --home: the unrelated files cost nothing (<= ${HOME_MAX_RATIO}x the configs-only home, paired)`,
        measured: fmt.ratio(homeRatio),
        pass: homeRatio <= HOME_MAX_RATIO,
      },
      {
        name: `agents --home finds each of the fixture home's ${big.keys} keys`,
        measured: found === null ? `not available (exit ${check.code})` : `${found} findings`,
        pass: found === null ? null : found === big.keys,
      },
      ...proj.map((p) => ({
        name: `project audit <= ${PROJECT_MAX_RATIO}x a working-tree scan of the same ${p.configs} files (${p.fixture}, paired)`,
        measured: fmt.ratio(p.ratio),
        pass: p.ratio <= PROJECT_MAX_RATIO,
      })),
    ],
  };
}
