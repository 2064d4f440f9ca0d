/**
 * Working-tree scan (issue 2): keyward against ripgrep with the equivalent OpenAI pattern (the practical
 * limit of read-and-match) and against secretlint's OpenAI rule, on a generated corpus of mostly clean
 * code; recall on the planted keys; peak memory at 1x and 2x the corpus.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ensurePart } from './lib/corpus/generate.mjs';
import { comparePlanted, findingLine } from './lib/findings.mjs';
import { OPENAI_RG_PATTERN } from './lib/keys.mjs';
import { runKeyward } from './lib/keyward.mjs';
import { benchDir, benchPath, MB, REPO_ROOT } from './lib/paths.mjs';
import { interleaved, timed } from './lib/proc.mjs';
import { fmt, printTable } from './lib/table.mjs';

const SECRETLINT_MB = 20;
const KEYWORDS = 'key|token|secret|passw|auth|credential';

function secretlintBin() {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  return join(require.resolve('secretlint/package.json'), '..', 'bin', 'secretlint.js');
}

function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/** One measured row: label, the run, bytes scanned. */
function row(label, run, bytes) {
  return {
    label,
    ok: run.ok !== false && (run.code === 0 || run.code === 1),
    wallS: run.wallS,
    mbps: bytes / MB / run.wallS,
    rssKB: run.nodeRssKB ?? run.rssKB,
    runs: run.runs,
    reason: run.reason ?? (run.code === 0 || run.code === 1 ? undefined : `exit ${run.code}`),
  };
}

export async function worktreeBench(ctx) {
  const { log } = ctx;
  const megabytes = ctx.sizeMB ?? (ctx.quick ? 8 : 400);
  const reps = ctx.reps ?? (ctx.quick ? 1 : 3);
  const root = benchDir('worktree');
  log(`worktree: corpus ${megabytes} MB (seed 1) and a second ${megabytes} MB (seed 2) for the 2x run`);
  const part1 = ensurePart({ root, seed: 1, megabytes, log });
  const part2 = ctx.scale === false ? null : ensurePart({ root, seed: 2, megabytes, log });
  const bytes1 = part1.bytes;
  const out = (name) => benchPath('out', `worktree-${name}`);
  const rgArgs = (jobs) => [
    ...(jobs ? ['-j', String(jobs)] : []),
    '--no-ignore',
    '--hidden',
    '-n',
    OPENAI_RG_PATTERN,
  ];
  const kwArgs = (jobs) => [
    'scan',
    '--no-ignore',
    '--format',
    'json',
    ...(jobs ? ['--jobs', String(jobs)] : []),
  ];
  const at1 = { cwd: part1.dir };

  // Warm the page cache (and check the anchor density against real code).
  timed('rg', ['--no-ignore', '--hidden', '-i', '--count-matches', KEYWORDS, '.'], {
    ...at1,
    stdout: out('density'),
  });
  const keywordHits = readCounts(out('density'));
  if (part2) timed('rg', ['--no-ignore', '--hidden', '-c', 'x', '.'], { cwd: part2.dir });

  // All six one-corpus runs round-robin, so that load from elsewhere on the machine hits them alike.
  log(`worktree: ripgrep and keyward, ${reps} round(s)`);
  const rgRun = (jobs, pin, name) => () =>
    timed('rg', [...rgArgs(jobs), '.'], { ...at1, pin, stdout: out(name) });
  const kwRun = (jobs, pin, name) => () =>
    runKeyward([...kwArgs(jobs), '.'], { ...at1, pin, json: true, out: out(name) });
  const m = interleaved(reps, {
    rg1pin: rgRun(1, true, 'rg1'),
    kw1pin: kwRun(1, true, 'kw1pin'),
    rg1: rgRun(1, false, 'rg1b'),
    kw1: kwRun(1, false, 'kw1'),
    rgN: rgRun(0, false, 'rgN'),
    kwN: kwRun(0, false, 'kwN'),
  });
  const rgMatches = countLines(out('rg1'));
  const kwRow = (label, run) => Object.assign(row(label, run, bytes1), { report: run.report });
  const kw1pin = kwRow('keyward --jobs 1, pinned to one core', m.kw1pin);
  const kw1 = kwRow('keyward --jobs 1', m.kw1);
  const kwN = kwRow('keyward (default jobs)', m.kwN);
  const rows = [
    row('rg -j1, pinned to one core', m.rg1pin, bytes1),
    row('rg -j1', m.rg1, bytes1),
    row('rg (all cores)', m.rgN, bytes1),
    kw1pin,
    kw1,
    kwN,
  ];

  // secretlint on a subset: whole projects until ~20 MB, the same files for all three tools.
  const subsetMB = ctx.quick ? Math.min(4, megabytes) : SECRETLINT_MB;
  const subset = [];
  let subsetBytes = 0;
  for (const p of part1.projects) {
    if (subsetBytes >= subsetMB * MB) break;
    subset.push(p.dir);
    subsetBytes += p.bytes;
  }
  const subsetFiles = subset.flatMap((d) => listFiles(join(part1.dir, d)));
  const rc = join(root, '.secretlintrc.json');
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-openai' }] }));
  log(`worktree: secretlint on ${(subsetBytes / MB).toFixed(0)} MB (${subsetFiles.length} files)`);
  const slRun = timed(
    process.execPath,
    [secretlintBin(), '--secretlintrc', rc, '--format', 'compact', '--no-glob', ...subsetFiles],
    {
      ...at1,
      stdout: out('secretlint'),
    },
  );
  const secretlint = row(
    `secretlint (openai rule), ${(subsetBytes / MB).toFixed(0)} MB subset`,
    slRun,
    subsetBytes,
  );
  secretlint.ok = slRun.code === 0 || slRun.code === 1;
  const kwSubset = runKeyward([...kwArgs(1), ...subset], {
    ...at1,
    pin: true,
    json: true,
    out: out('kw-subset'),
  });
  const kwSub = row(`keyward --jobs 1, pinned, same subset`, kwSubset, subsetBytes);
  const rgSub = row(
    'rg -j1, pinned, same subset',
    timed('rg', [...rgArgs(1), ...subset], { ...at1, pin: true, stdout: out('rg-subset') }),
    subsetBytes,
  );
  rows.push(secretlint, kwSub, rgSub);

  // The 2x run: both parts, for peak memory.
  const scaleRows = [];
  if (part2) {
    log('worktree: 2x corpus for peak memory');
    const both = { cwd: root };
    const dirs = [part1.dir, part2.dir].map((d) => d.slice(root.length + 1));
    const bytes2 = part1.bytes + part2.bytes;
    scaleRows.push(
      row(
        'rg -j1, pinned, 2x',
        timed('rg', [...rgArgs(1), ...dirs], { ...both, pin: true, stdout: out('rg-2x') }),
        bytes2,
      ),
    );
    scaleRows.push(
      row(
        'keyward --jobs 1, pinned, 2x',
        runKeyward([...kwArgs(1), ...dirs], { ...both, pin: true, json: true, out: out('kw1-2x') }),
        bytes2,
      ),
    );
    scaleRows.push(
      row(
        'keyward (default jobs), 2x',
        runKeyward([...kwArgs(0), ...dirs], { ...both, json: true, out: out('kwN-2x') }),
        bytes2,
      ),
    );
  }

  const headers = ['tool', 'wall (median)', 'MB/s', 'peak RSS', 'vs rg -j1 pinned'];
  const render = (r, base) => [
    r.label,
    r.ok ? fmt.s(r.wallS) : 'not available',
    r.ok ? fmt.mbps(r.mbps) : (r.reason ?? ''),
    r.ok ? fmt.mb(r.rssKB) : '-',
    r.ok && base?.ok ? fmt.ratio(r.mbps / base.mbps) : '-',
  ];
  const base = rows[0];
  printTable(
    ctx.write,
    `Working tree: ${fmt.mb(bytes1 / 1024)} in ${part1.files} files (MB = 2^20 bytes)`,
    headers,
    [
      ...rows.map((r) => render(r, r === secretlint || r === kwSub ? rgSub : base)),
      ...scaleRows.map((r) => render(r, scaleRows[0])),
    ],
  );
  ctx.write(
    `secretlint's MB/s is measured on the subset and taken as its rate for the whole corpus (it is too slow to run on all of it).\n` +
      `Secret-like words (${KEYWORDS}, any case): ${((keywordHits / bytes1) * MB).toFixed(0)} per MB in this corpus.\n` +
      `ripgrep matched ${rgMatches} lines; ${part1.planted.filter((p) => p.ruleId).length} OpenAI keys are planted.\n`,
  );

  // Recall on the planted keys, from the one-core report (the default-jobs report must say the same).
  const targets = [];
  const recall = kw1pin.ok ? comparePlanted(kw1pin.report.findings, part1, part1.dir) : null;
  if (recall) {
    ctx.write(
      `keyward: ${recall.found}/${part1.planted.length} planted keys found with the right rule, ` +
        `${recall.missing.length} missed, ${recall.wrongRule.length} under another rule, ` +
        `${recall.decoyViolations.length} non-OpenAI decoys reported as OpenAI, ${recall.extras.length} other findings.\n`,
    );
    for (const m of recall.missing) ctx.write(`  missed: ${m.path}:${m.line} ${m.kind} (…${m.last4})\n`);
    for (const m of recall.wrongRule)
      ctx.write(`  wrong rule: ${m.path}:${m.line} ${m.kind} reported as ${m.reported.join(', ')}\n`);
    for (const m of recall.decoyViolations)
      ctx.write(`  decoy as OpenAI: ${m.path}:${m.line} ${m.kind} as ${m.reported}\n`);
    for (const f of recall.extras.slice(0, 30)) ctx.write(`  extra: ${findingLine(f, part1.dir)}\n`);
    if (recall.extras.length > 30) ctx.write(`  … and ${recall.extras.length - 30} more in results.json\n`);
  }
  const sameAcrossJobs =
    kw1pin.ok && kwN.ok ? sameFindings(kw1pin.report.findings, kwN.report.findings) : null;
  const fileSet = kw1pin.ok ? kw1pin.report.scan?.files : null;

  const kwRate = kw1pin.ok ? kw1pin.mbps : null;
  targets.push({
    name: 'one core: keyward >= 0.5x rg -j1 throughput',
    measured: kwRate
      ? `${fmt.ratio(kwRate / base.mbps)} (${fmt.mbps(kwRate)} vs ${fmt.mbps(base.mbps)})`
      : 'not available',
    pass: kwRate ? kwRate >= 0.5 * base.mbps : null,
  });
  targets.push({
    name: 'keyward >= 20x secretlint throughput (one core)',
    measured:
      kwRate && secretlint.ok
        ? `${fmt.ratio(kwRate / secretlint.mbps)} (same subset: ${kwSub.ok ? fmt.ratio(kwSub.mbps / secretlint.mbps) : '-'})`
        : 'not available',
    pass: kwRate && secretlint.ok ? kwRate >= 20 * secretlint.mbps : null,
  });
  for (const [one, two] of part2
    ? [
        [kw1pin, scaleRows[1]],
        [kwN, scaleRows[2]],
      ]
    : []) {
    const ok = one.ok && two.ok;
    targets.push({
      name: `peak RSS flat at 2x corpus (${one === kwN ? 'default jobs' : '--jobs 1'}): 2x <= 1.25x of 1x`,
      measured: ok ? `${fmt.mb(one.rssKB)} -> ${fmt.mb(two.rssKB)}` : 'not available',
      pass: ok ? two.rssKB <= 1.25 * one.rssKB : null,
    });
  }
  targets.push({
    name: 'recall: every planted key, right rule; no decoy as OpenAI',
    measured: recall
      ? `${recall.found}/${part1.planted.length}, decoys as OpenAI: ${recall.decoyViolations.length}`
      : 'not available',
    pass: recall ? recall.found === part1.planted.length && recall.decoyViolations.length === 0 : null,
  });
  targets.push({
    name: 'precision: no findings beyond the planted keys',
    measured: recall ? `${recall.extras.length} extra` : 'not available',
    pass: recall ? recall.extras.length === 0 : null,
  });
  targets.push({
    name: 'same file set as rg (files scanned)',
    measured: fileSet == null ? 'not available' : `${fileSet} of ${part1.files}`,
    pass: fileSet == null ? null : fileSet === part1.files,
  });
  if (sameAcrossJobs !== null) {
    targets.push({
      name: 'same findings with --jobs 1 and default jobs',
      measured: sameAcrossJobs ? 'same' : 'different',
      pass: sameAcrossJobs,
    });
  }

  const strip = ({ report: _report, ...r }) => r;
  return {
    corpus: {
      megabytes,
      files: part1.files,
      bytes: bytes1,
      planted: part1.planted.length,
      keywordHitsPerMB: (keywordHits / bytes1) * MB,
    },
    rows: rows.map(strip),
    scale: scaleRows.map(strip),
    secretlintSubset: { bytes: subsetBytes, files: subsetFiles.length, extrapolated: true },
    recall: recall && { ...recall, extras: recall.extras.map((f) => findingLine(f, part1.dir)) },
    targets,
  };
}

function sameFindings(a, b) {
  const key = (f) => `${f.path}:${f.line}:${f.column}:${f.ruleId}`;
  const sa = a.map(key).sort().join('\n');
  return sa === b.map(key).sort().join('\n');
}

function readCounts(path) {
  // `rg -c` prints path:count per file.
  return readLines(path).reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(':') + 1) || 0), 0);
}

function countLines(path) {
  return readLines(path).length;
}

function readLines(path) {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}
