/**
 * History scan (issue 3): keyward `scan --history` against the practical limit,
 * `git cat-file --batch-all-objects --batch --unordered | rg`, and against `git log -p --all | rg`, on a
 * real long history when the machine has one (a bare mirror under /work/.mirror, or --history-repo) and
 * on generated ones (mid-size and large). Targets: within 1.5x the limit's wall time, peak RSS < 300 MB.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureHistoryRepo } from './lib/history-repo.mjs';
import { countByRule, findingLine, relPath } from './lib/findings.mjs';
import { OPENAI_RG_PATTERN } from './lib/keys.mjs';
import { runKeyward } from './lib/keyward.mjs';
import { benchDir, benchPath } from './lib/paths.mjs';
import { interleaved, sh, timedShell } from './lib/proc.mjs';
import { fmt, printTable } from './lib/table.mjs';

const MIRRORS = '/work/.mirror';
const PREFERRED = ['git+git', 'microsoft+TypeScript', 'torvalds+linux'];
const RSS_LIMIT_KB = 300 * 1024;

/** Generated repositories: sizes by mode. */
export const GENERATED = {
  quick: [{ name: 'small', files: 300, commits: 300, seed: 11 }],
  full: [
    { name: 'mid', files: 2000, commits: 3000, seed: 12 },
    { name: 'large', files: 10_000, commits: 20_000, seed: 13 },
  ],
};

function isGitDir(dir) {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects'));
}

/** A bare repository (or .git folder) among the mirrors, preferring long histories we know. */
export function findMirror(root = MIRRORS) {
  if (!existsSync(root)) return null;
  const found = [];
  for (const name of readdirSync(root)) {
    const base = join(root, name);
    if (!statSync(base).isDirectory()) continue;
    // The mirror itself, its .git, or one level down (e.g. owner+name/name.git).
    const below = readdirSync(base, { withFileTypes: true }).filter((e) => e.isDirectory());
    const candidates = [base, join(base, '.git'), ...below.map((e) => join(base, e.name))];
    const dir = candidates.find(isGitDir);
    if (dir) found.push({ name, dir });
  }
  found.sort((a, b) => rank(a.name) - rank(b.name));
  return found[0] ?? null;
}

function rank(name) {
  const i = PREFERRED.indexOf(name);
  return i === -1 ? PREFERRED.length : i;
}

function repoStats(dir) {
  const count = sh('git', ['count-objects', '-v'], { cwd: dir }).stdout;
  const field = (k) => Number(count.match(new RegExp(`^${k}: (\\d+)`, 'm'))?.[1] ?? 0);
  const commits = Number(sh('git', ['rev-list', '--all', '--count'], { cwd: dir }).stdout.trim());
  return { objects: field('in-pack') + field('count'), packKB: field('size-pack'), commits };
}

/** Recall on a generated history: each planted key reported at its path, under its rule, in its commit. */
function historyRecall(findings, planted, dir) {
  let found = 0;
  let attributed = 0;
  const missing = [];
  for (const p of planted) {
    const hits = findings.filter(
      (f) =>
        relPath(f.path ?? '', dir) === p.path &&
        String(f.redacted ?? '').endsWith(p.last4) &&
        (p.ruleId ? f.ruleId === p.ruleId : String(f.ruleId).startsWith(p.rulePrefix)),
    );
    if (hits.length === 0) missing.push(p);
    else found++;
    if (hits.some((f) => f.commit === p.commit)) attributed++;
  }
  return { found, attributed, missing };
}

/**
 * Runs of each command when --reps is not given: a real history takes minutes a run, so one; a small
 * store's runs take well under a second, and on a shared 2-core machine one such run moves by 20% or more
 * from the next (the limit's own time on mid: 431-547 ms within an hour), so the median of five
 * interleaved runs is what its target compares.
 */
function defaultReps(packKB) {
  if (packKB < 32 * 1024) return 5;
  if (packKB < 128 * 1024) return 3;
  return 1;
}

async function measureRepo(ctx, repo) {
  const { dir } = repo;
  const out = (n) => benchPath('out', `history-${repo.name}-${n}`);
  const stats = repoStats(dir);
  const reps = ctx.reps ?? defaultReps(stats.packKB);
  ctx.log(
    `history: ${repo.name}: ${stats.commits} commits, ${stats.objects} objects, pack ${(stats.packKB / 1024).toFixed(0)} MB`,
  );
  // Warm the page cache with the packs (the limit's first run would otherwise pay for it alone).
  timedShell(
    'cat objects/pack/*.pack > /dev/null 2>&1 || cat .git/objects/pack/*.pack > /dev/null 2>&1; true',
    { cwd: dir },
  );
  const pattern = `'${OPENAI_RG_PATTERN}'`;
  const shell = (script, name) => () => timedShell(script, { cwd: dir, stdout: out(name) });
  const m = interleaved(reps, {
    limit: shell(`git cat-file --batch-all-objects --batch --unordered | rg -a -n ${pattern}`, 'limit'),
    kw: () =>
      runKeyward(['scan', '--history', '--format', 'json'], { cwd: dir, json: true, out: out('keyward') }),
    logRg: shell(`git log -p --all --no-color --no-ext-diff | rg -a -n ${pattern}`, 'log'),
  });
  const { limit, kw, logRg } = m;
  const ok = (r) => r.code === 0 || r.code === 1;
  const rows = [
    ['git cat-file --batch-all-objects --batch --unordered | rg (limit)', limit],
    ['git log -p --all | rg', logRg],
    ['keyward scan --history', kw],
  ].map(([label, r]) => [
    label,
    ok(r) && r.ok !== false ? fmt.s(r.wallS) : 'not available',
    ok(r) && r.ok !== false
      ? fmt.mb(r.rssKB)
      : (r.reason ?? `exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`),
    ok(r) && r.ok !== false && r.nodeRssKB ? fmt.mb(r.nodeRssKB) : '-',
    ok(r) && r.ok !== false && ok(limit) ? fmt.ratio(r.wallS / limit.wallS) : '-',
  ]);
  printTable(
    ctx.write,
    `History: ${repo.label} (${stats.commits} commits, ${stats.objects} objects, pack ${(stats.packKB / 1024).toFixed(0)} MB; ${reps === 1 ? 'one run' : `median of ${reps} interleaved runs`})`,
    ['command', 'wall', 'peak RSS (largest process)', "keyward's own RSS", 'vs limit'],
    rows,
  );
  ctx.write(
    "Peak RSS of the largest process counts git's, whose mmapped pack pages grow with the repository; " +
      "keyward's own is its Node process (all threads), read with getrusage at exit.\n",
  );
  const kwOk = kw.ok === true;
  const targets = [
    {
      name: `history ${repo.name}: keyward <= 1.5x limit wall time`,
      measured: kwOk
        ? `${fmt.ratio(kw.wallS / limit.wallS)} (${fmt.s(kw.wallS)} vs ${fmt.s(limit.wallS)})`
        : `not available (${kw.reason})`,
      pass: kwOk && ok(limit) ? kw.wallS <= 1.5 * limit.wallS : null,
    },
    {
      name: `history ${repo.name}: keyward's own peak RSS < 300 MB`,
      measured: kwOk
        ? `${fmt.mb(kw.nodeRssKB)} (largest process incl. git: ${fmt.mb(kw.rssKB)})`
        : 'not available',
      pass: kwOk && kw.nodeRssKB ? kw.nodeRssKB < RSS_LIMIT_KB : null,
    },
  ];
  let recall = null;
  if (kwOk && repo.planted) {
    recall = historyRecall(kw.report.findings, repo.planted, dir);
    ctx.write(
      `keyward: ${recall.found}/${repo.planted.length} planted keys found, ${recall.attributed} attributed to the commit that added them; ` +
        `${kw.report.findings.length} findings in all.\n`,
    );
    for (const m of recall.missing)
      ctx.write(`  missed: ${m.path} (${m.kind}, …${m.last4}, commit ${m.commit.slice(0, 10)})\n`);
    targets.push({
      name: `history ${repo.name}: every planted key found`,
      measured: `${recall.found}/${repo.planted.length} (attributed ${recall.attributed})`,
      pass: recall.found === repo.planted.length,
    });
  } else if (kwOk) {
    ctx.write(`keyward: ${kw.report.findings.length} findings.\n`);
  }
  const perRule = kwOk ? countByRule(kw.report.findings) : [];
  if (perRule.length > 0) {
    ctx.write(`  per rule: ${perRule.map(([rule, n]) => `${rule} ${n}`).join(', ')}\n`);
  }
  const { report: _r, ...kwRun } = kw;
  const findings = kwOk
    ? kw.report.findings.map((f) => `${findingLine(f, dir)}  ${f.commit ?? ''}`.trimEnd())
    : [];
  return {
    name: repo.name,
    label: repo.label,
    stats,
    limit,
    logRg,
    keyward: kwRun,
    recall,
    perRule,
    findings,
    targets,
  };
}

export async function historyBench(ctx) {
  const root = benchDir('history');
  const repos = [];
  // A real history takes minutes: --quick uses one only when named with --history-repo.
  const real = ctx.historyRepo
    ? { name: basename(ctx.historyRepo), dir: ctx.historyRepo }
    : ctx.quick
      ? null
      : findMirror();
  if (real) {
    const dest = join(root, `real-${real.name}.git`);
    if (!existsSync(dest)) {
      ctx.log(`history: cloning ${real.dir} (bare, no hardlinks)`);
      sh('git', ['clone', '--bare', '--no-hardlinks', '-q', real.dir, dest]);
    }
    repos.push({ name: real.name, label: `${real.name} (real history)`, dir: dest, planted: null });
  } else {
    ctx.write(
      ctx.quick
        ? '\nHistory: --quick: generated repository only (name a real one with --history-repo).\n'
        : `\nHistory: no real long history on this machine (no bare mirror in ${MIRRORS}, no --history-repo): generated repositories only.\n`,
    );
  }
  for (const g of ctx.quick ? GENERATED.quick : GENERATED.full) {
    ctx.log(`history: ensuring generated repo ${g.name} (${g.files} files, ${g.commits} commits)`);
    const m = await ensureHistoryRepo({ dir: join(root, `gen-${g.name}.git`), ...g, log: ctx.log });
    repos.push({
      name: g.name,
      label: `generated ${g.name}, seed ${g.seed}`,
      dir: m.dir,
      planted: m.planted,
    });
  }
  const results = [];
  for (const repo of repos) results.push(await measureRepo(ctx, repo));
  return { repos: results, generatedOnly: !real, targets: results.flatMap((r) => r.targets) };
}
