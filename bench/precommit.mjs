/**
 * Pre-commit (issue 3): `keyward scan --staged` on a 10-file staged change in a large repository (the
 * worktree of the generated large history, 10k files). Target: median wall time under 150 ms, Node's
 * start-up included; also reported as a ratio to `node -e 0`. A second check stages one fake key and
 * expects exit 1 with that key reported.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED } from './history.mjs';
import { KINDS, Lines } from './lib/corpus/files.mjs';
import { vocab } from './lib/corpus/vocab.mjs';
import { ensureHistoryRepo } from './lib/history-repo.mjs';
import { fakeKey, rng } from './lib/keys.mjs';
import { KEYWARD_BIN, runKeyward } from './lib/keyward.mjs';
import { benchDir, benchPath } from './lib/paths.mjs';
import { sh } from './lib/proc.mjs';
import { repeatTimed } from './lib/repeat.mjs';
import { fmt, printTable } from './lib/table.mjs';

const TARGET_S = 0.15;
const STAGED_FILES = 10;
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

/** A clone with a worktree of `bare`, kept between runs. */
export function worktreeClone(bare, dir) {
  if (!existsSync(join(dir, '.git'))) {
    rmSync(dir, { recursive: true, force: true });
    sh('git', ['clone', '-q', '--no-hardlinks', bare, dir], { env: GIT_ENV });
  }
  return dir;
}

/** Stages the same change every time: `count` files, each with a generated block appended. */
export function stageChange(dir, count, seed) {
  const git = (...args) => sh('git', args, { cwd: dir, env: GIT_ENV }).stdout;
  git('reset', '-q');
  const all = git('ls-files', '-z')
    .split('\0')
    .filter((p) => /\.(ts|js|py|go|md)$/.test(p));
  const next = rng(seed);
  const v = vocab(next);
  const chosen = Array.from({ length: count }, (_, i) => all[Math.floor(((i + 0.5) * all.length) / count)]);
  for (const path of chosen) {
    const kind = KINDS.find((k) => path.endsWith(k.ext)) ?? KINDS[0];
    const block = new Lines();
    kind.gen(v, block, 600);
    writeFileSync(join(dir, path), git('show', `HEAD:${path}`) + block.lines.join('\n') + '\n');
  }
  git('add', '--', ...chosen);
  return chosen;
}

export async function precommitBench(ctx) {
  const spec = ctx.quick ? GENERATED.quick[0] : GENERATED.full.at(-1);
  ctx.log(`precommit: repository ${spec.name} (${spec.files} files)`);
  const bare = await ensureHistoryRepo({
    dir: join(benchDir('history'), `gen-${spec.name}.git`),
    ...spec,
    log: ctx.log,
  });
  const dir = worktreeClone(bare.dir, join(benchDir('precommit'), spec.name));
  const files = sh('git', ['ls-files'], { cwd: dir }).stdout.split('\n').filter(Boolean).length;
  stageChange(dir, STAGED_FILES, 5);
  const node = process.execPath;
  const timing = repeatTimed(
    [
      { name: 'node -e 0', argv: [node, '-e', '0'] },
      { name: 'keyward scan --staged', argv: [node, KEYWARD_BIN, 'scan', '--staged'], okCodes: [0] },
    ],
    { cwd: dir, runs: ctx.quick ? 5 : 20, warmup: ctx.quick ? 1 : 3, tag: 'precommit' },
  );
  const base = timing.results['node -e 0'];
  const kw = timing.results['keyward scan --staged'];
  const rss = runKeyward(['scan', '--staged'], { cwd: dir, out: benchPath('out', 'precommit-rss') });
  printTable(
    ctx.write,
    `Pre-commit: ${STAGED_FILES} staged files in a ${files}-file repository (${timing.tool}, ${kw?.runs ?? 0} runs)`,
    ['command', 'median', 'p90', 'min', 'vs node -e 0', 'peak RSS'],
    [
      ['node -e 0', fmt.s(base.median), fmt.s(base.p90), fmt.s(base.min), '1.00x', '-'],
      kw.error
        ? ['keyward scan --staged', 'not available', kw.error, '', '', '']
        : [
            'keyward scan --staged',
            fmt.s(kw.median),
            fmt.s(kw.p90),
            fmt.s(kw.min),
            fmt.ratio(kw.median / base.median),
            rss.ok ? fmt.mb(rss.rssKB) : '-',
          ],
    ],
  );

  // Correctness beside speed: a staged fake key must fail the hook and be reported.
  let detects = null;
  if (!kw.error) {
    const key = fakeKey('openai-project', 4242);
    const path = 'src/bench-staged-key.ts';
    writeFileSync(join(dir, path), `export const client = new Client({ apiKey: '${key}' });\n`);
    sh('git', ['add', '--', path], { cwd: dir });
    const out = benchPath('out', 'precommit-key.json');
    const r = runKeyward(['scan', '--staged', '--format', 'json'], { cwd: dir, json: true, out });
    detects =
      r.ok &&
      r.code === 1 &&
      r.report.findings.some(
        (f) => f.ruleId === 'openai-project-key' && String(f.redacted).endsWith(key.slice(-4)),
      );
    sh('git', ['rm', '-q', '--cached', '--', path], { cwd: dir });
    rmSync(join(dir, path));
    ctx.write(
      `staged fake key: ${detects ? 'reported, exit 1' : `not reported as expected (${r.reason ?? `exit ${r.code}`})`}\n`,
    );
  }
  return {
    repoFiles: files,
    staged: STAGED_FILES,
    tool: timing.tool,
    results: timing.results,
    peakRssKB: rss.ok ? rss.rssKB : null,
    targets: [
      {
        name: `pre-commit: median < 150 ms (${STAGED_FILES} files staged, ${files}-file repo)`,
        measured: kw.error
          ? `not available (${kw.error})`
          : `${fmt.s(kw.median)} (${fmt.ratio(kw.median / base.median)} node -e 0)`,
        pass: kw.error ? null : kw.median < TARGET_S,
      },
      {
        name: 'pre-commit: a staged fake key fails the hook',
        measured: detects === null ? 'not available' : detects ? 'yes' : 'no',
        pass: detects,
      },
    ],
  };
}
