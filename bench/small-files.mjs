/**
 * Per-file cost (issue 18): keyward's own MB/s (`scan --jobs 1`, the report's bytes / durationMs: one scan
 * thread, start-up excluded) on real trees of many small files against the npm corpus of the noise bench.
 * Trees: git.git (C, shell, docs), trufflehog (Go) and openai-agents-python (Python), HEAD of the bare
 * mirrors under /work/.mirror written out by lib/snapshot.mjs, each with its own ignore files; and git.git
 * eight times over (hard links under .bench/small-files), which holds the same files per MB but pays the
 * scan's fixed cost once for eight times the bytes. After an untimed round, rounds interleave every tree;
 * medians are reported.
 *
 * From one and eight copies: fixed cost = t1 - (t8 - t1) / 7, marginal MB/s = 7 x MB / (t8 - t1).
 */
import { existsSync, linkSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runKeyward } from './lib/keyward.mjs';
import { BENCH_DIR, benchDir, benchPath } from './lib/paths.mjs';
import { ensureSnapshot } from './lib/snapshot.mjs';
import { fmt, printTable } from './lib/table.mjs';
import { ensureInstalled } from './noise.mjs';

const MIRRORS = process.env.KEYWARD_MIRRORS ?? '/work/.mirror';
const TREES = [
  { name: 'git.git (C)', mirror: 'git+git' },
  { name: 'trufflehog (Go)', mirror: 'trufflesecurity+trufflehog' },
  { name: 'openai-agents-python (Python)', mirror: 'openai+openai-agents-python' },
];
const COPIES = 8;
/** git.git's MB/s against the npm corpus's (issue 18). */
const MIN_SHARE = 0.75;

/** `copies` hard-linked copies of `dir` under one folder (made once). */
function copiesOf(dir, copies) {
  const root = benchDir('small-files', `copies-${copies}`);
  for (let i = 1; i <= copies; i++) {
    const target = join(root, `copy-${i}`);
    if (!existsSync(target)) linkTree(dir, target);
  }
  return root;
}

function linkTree(from, to) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) linkTree(source, join(to, entry.name));
    else if (entry.isFile()) linkSync(source, join(to, entry.name));
  }
}

/** One `scan --jobs 1 --format json` of `target`: the run, with its report when it gave one. */
function scanJson(target, extra) {
  const out = benchPath('out', 'small-files.json');
  return runKeyward(['scan', target, '--jobs', '1', '--format', 'json', ...extra], { json: true, out });
}

function scanOnce(target, extra) {
  const run = scanJson(target, extra);
  if (!run.ok) return { error: run.reason };
  const { files, bytes, durationMs } = run.report.scan;
  return { files, bytes, durationMs, findings: run.report.findings.length };
}

/** Every finding, the filters' included (`--no-filters`), as `rule path:line`. */
function findingKeys(target, extra) {
  const run = scanJson(target, ['--no-filters', ...extra]);
  if (!run.ok) return null;
  return {
    files: run.report.scan.files,
    keys: run.report.findings.map((f) => `${f.ruleId} ${f.path}:${f.line}`).sort(),
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

export async function smallFilesBench(ctx) {
  const rounds = ctx.reps ?? (ctx.quick ? 1 : 5);
  const corpora = [];
  const npm = benchDir('npm-corpus');
  // The npm corpus is the noise bench's install (about 2 minutes the first time; quick runs never install).
  const why = ensureInstalled(npm, ctx);
  if (why) ctx.write(`\nSmall files: npm corpus ${why}\n`);
  else corpora.push({ name: 'npm corpus (--no-ignore)', target: npm, extra: ['--no-ignore'], npm: true });
  for (const tree of TREES) {
    const gitDir = join(MIRRORS, tree.mirror, 'repo');
    if (!existsSync(gitDir)) continue;
    const dir = join(BENCH_DIR, 'precision', tree.mirror);
    await ensureSnapshot(gitDir, dir);
    corpora.push({ name: tree.name, target: dir, extra: [], git: tree.mirror === 'git+git' });
    if (tree.mirror === 'git+git') {
      corpora.push({ name: `git.git x${COPIES}`, target: copiesOf(dir, COPIES), extra: [], copies: COPIES });
    }
  }
  if (corpora.length === 0) return { results: { skipped: 'no mirror and no npm corpus' }, targets: [] };

  const runs = new Map(corpora.map((c) => [c.name, []]));
  // One untimed round first: a tree whose pages left the cache read from disk (the npm corpus took 13 s
  // instead of 2 in a one-round run after a build).
  for (const corpus of corpora) scanOnce(corpus.target, corpus.extra);
  for (let round = 0; round < rounds; round++) {
    for (const corpus of corpora) runs.get(corpus.name).push(scanOnce(corpus.target, corpus.extra));
  }
  const rows = corpora.map((corpus) => {
    const list = runs.get(corpus.name);
    const failed = list.find((r) => r.error);
    if (failed) return { ...corpus, error: failed.error };
    const { files, bytes, findings } = list[0];
    const ms = median(list.map((r) => r.durationMs));
    return { ...corpus, files, bytes, findings, ms, mbps: bytes / 1e3 / ms, usPerFile: (ms * 1e3) / files };
  });
  const byName = (predicate) => rows.find((r) => predicate(r) && !r.error);
  const npmRow = byName((r) => r.npm);
  const one = byName((r) => r.git);
  const eight = byName((r) => r.copies);
  const fit =
    one && eight
      ? {
          fixedMs: one.ms - (eight.ms - one.ms) / (COPIES - 1),
          marginalMBps: ((COPIES - 1) * one.bytes) / 1e3 / (eight.ms - one.ms),
        }
      : null;

  printTable(
    ctx.write,
    `Small files, scan --jobs 1, keyward's own timing (median of ${rounds} interleaved rounds)`,
    ['tree', 'files', 'MB', 'median', 'MB/s', 'µs/file', 'findings', 'of npm MB/s'],
    rows.map((r) =>
      r.error
        ? [r.name, '', '', r.error, '', '', '', '']
        : [
            r.name,
            String(r.files),
            (r.bytes / 1e6).toFixed(1),
            `${Math.round(r.ms)} ms`,
            r.mbps.toFixed(0),
            r.usPerFile.toFixed(1),
            String(r.findings),
            npmRow ? fmt.ratio(r.mbps / npmRow.mbps) : '',
          ],
    ),
  );
  if (fit) {
    ctx.write(
      `git.git x1 and x${COPIES}: fixed cost ${Math.round(fit.fixedMs)} ms, marginal ${fit.marginalMBps.toFixed(0)} MB/s\n`,
    );
  }

  // git.git's tracked files are none of them ignored: with its ignore files or without, the same files and
  // findings (the filters' included), so the compiled ignore rules drop nothing.
  const withIgnores = one ? findingKeys(one.target, []) : null;
  const withoutIgnores = one ? findingKeys(one.target, ['--no-ignore']) : null;
  const same =
    withIgnores && withoutIgnores
      ? withIgnores.files === withoutIgnores.files &&
        JSON.stringify(withIgnores.keys) === JSON.stringify(withoutIgnores.keys)
      : null;

  const share = (row) => (row && npmRow ? row.mbps / npmRow.mbps : null);
  return {
    results: {
      rounds,
      trees: rows.map(({ target: _t, extra: _e, ...r }) => r),
      fit,
      sameWithoutIgnores: same,
    },
    targets: [
      {
        name: `git.git's working tree >= ${MIN_SHARE}x the npm corpus's MB/s (--jobs 1, its own timing)`,
        measured: share(one) === null ? 'not available' : fmt.ratio(share(one)),
        pass: share(one) === null ? null : share(one) >= MIN_SHARE,
      },
      {
        name: `git.git's files x${COPIES} (the same files per MB, the fixed cost paid once) >= ${MIN_SHARE}x`,
        measured: share(eight) === null ? 'not available' : fmt.ratio(share(eight)),
        pass: share(eight) === null ? null : share(eight) >= MIN_SHARE,
      },
      {
        name: 'git.git with its ignore files and with --no-ignore: the same files and findings (--no-filters)',
        measured:
          same === null
            ? 'not available'
            : `${withIgnores.files} and ${withoutIgnores.files} files, ${withIgnores.keys.length} and ${withoutIgnores.keys.length} findings`,
        pass: same,
      },
    ],
  };
}
