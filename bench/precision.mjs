/**
 * Precision (issue 16, DESIGN §4): keyward on real code its tests never saw, with every finding labelled by
 * hand in bench/precision/labels.json. Corpora: the noise bench's npm packages, git.git's working tree and
 * public AI-agent repositories, from the bare mirrors under /work/.mirror (HEAD written out by
 * lib/snapshot.mjs). One scan per corpus with `--no-filters` gives both views: every finding with the filters
 * off, and (those no filter marks) what a user sees. `--compare <bin>` also runs another keyward build (an
 * older checkout) on the same trees: the before-and-after of a precision change.
 *
 * A label says what a reviewer would do with a finding: `secret` (act on it), or dismiss it as a
 * `placeholder` (test words, examples, hand-typed values), a `public` key (published to browsers by design)
 * or a `published` value (a default documented by its vendor). Labels are keyed by a hash of the secret
 * (sha-256, 16 hex digits), so one label serves every rule and place that reports it; the file holds
 * redacted forms and reasons, never a secret.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled } from './noise.mjs';
import { relPath } from './lib/findings.mjs';
import { runKeyward } from './lib/keyward.mjs';
import { BENCH_DIR, benchDir, benchPath, MB, REPO_ROOT, treeSize } from './lib/paths.mjs';
import { timed } from './lib/proc.mjs';
import { ensureSnapshot } from './lib/snapshot.mjs';
import { printTable } from './lib/table.mjs';

export const LABELS_FILE = join(REPO_ROOT, 'bench', 'precision', 'labels.json');
const MIRRORS = process.env.KEYWARD_MIRRORS ?? '/work/.mirror';
const DISMISSED = new Set(['placeholder', 'public', 'published']);
/** Labels that must never be reported: what no scanner should show a reviewer. */
const NEVER_REPORTED = new Set(['placeholder', 'public']);
const NPM_BUDGET = 10;

export function secretHash(secret) {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

export function readLabels(file = LABELS_FILE) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The folder to scan for a corpus, or why there is none. */
async function prepare(name, corpus, ctx) {
  if (corpus.source === 'npm') {
    const dir = benchDir('npm-corpus');
    const why = ensureInstalled(dir, ctx);
    return why ? { why } : { cwd: dir, target: 'node_modules' };
  }
  const gitDir = join(MIRRORS, name, 'repo');
  if (!existsSync(gitDir)) return { why: `no mirror at ${gitDir} (fetch github:${name.replace('+', '/')})` };
  ctx.log(`precision: writing out ${name} (HEAD of ${gitDir})`);
  const snap = await ensureSnapshot(gitDir, join(BENCH_DIR, 'precision', name));
  const stale =
    corpus.commit && corpus.commit !== snap.commit
      ? `labelled at ${corpus.commit.slice(0, 12)}, mirror at ${snap.commit.slice(0, 12)}`
      : undefined;
  return { cwd: join(BENCH_DIR, 'precision'), target: name, stale, missing: snap.missing };
}

/** Runs a keyward build on a corpus; findings with their label (or 'unlabelled'). */
function scanCorpus(bin, args, { cwd, target }, out, labels) {
  const run = bin
    ? timed(process.execPath, [bin, ...args, target], { cwd, stdout: out })
    : runKeyward([...args, target], { cwd, json: true, out });
  let report = run.report;
  if (bin && (run.code === 0 || run.code === 1)) report = JSON.parse(readFileSync(out, 'utf8'));
  if (!report) return { error: run.reason ?? `exit ${run.code}` };
  const findings = report.findings.map((f) => {
    const hash = secretHash(f.secret);
    const entry = labels.get(hash);
    return {
      ruleId: f.ruleId,
      place: `${relPath(f.path, cwd).replace(`${target}/`, '')}:${f.line}`,
      redacted: f.redacted,
      hash,
      filtered: f.filtered?.filter,
      label: entry?.label ?? 'unlabelled',
    };
  });
  return { findings, wallS: run.wallS };
}

const count = (findings, labels) => findings.filter((f) => labels.has(f.label)).length;

export async function precisionBench(ctx) {
  const { write, log } = ctx;
  const file = readLabels();
  const rows = [];
  const targets = [];
  const perCorpus = {};
  const unlabelled = [];
  const missedSecrets = [];
  const reportedDismissed = [];
  for (const [name, corpus] of Object.entries(file.corpora)) {
    if (ctx.quick && corpus.source === 'npm') continue;
    const where = await prepare(name, corpus, ctx);
    if (where.why) {
      rows.push([name, '-', '-', '-', '-', '-', where.why]);
      perCorpus[name] = { skipped: where.why };
      continue;
    }
    const labels = new Map(corpus.findings.map((l) => [l.hash, l]));
    const size = treeSize(join(where.cwd, where.target));
    log(`precision: ${name}, ${(size.bytes / MB).toFixed(0)} MB in ${size.files} files`);
    const args = ['scan', '--no-ignore', '--format', 'json', '--reveal'];
    const now = scanCorpus(
      null,
      [...args, '--no-filters'],
      where,
      benchPath('out', `precision-${name}.json`),
      labels,
    );
    if (now.error) {
      rows.push([name, '-', '-', '-', '-', '-', `keyward: ${now.error}`]);
      perCorpus[name] = { error: now.error };
      continue;
    }
    const off = now.findings;
    const on = off.filter((f) => f.filtered === undefined);
    const before = ctx.compare
      ? scanCorpus(ctx.compare, args, where, benchPath('out', `precision-${name}-compare.json`), labels)
      : undefined;
    unlabelled.push(...off.filter((f) => f.label === 'unlabelled').map((f) => ({ corpus: name, ...f })));
    for (const label of corpus.findings.filter((l) => l.label === 'secret'))
      if (!on.some((f) => f.hash === label.hash) && off.some((f) => f.hash === label.hash))
        missedSecrets.push({ corpus: name, ...label });
    for (const label of corpus.findings.filter((l) => l.label === 'secret'))
      if (!off.some((f) => f.hash === label.hash)) missedSecrets.push({ corpus: name, ...label, gone: true });
    reportedDismissed.push(
      ...on.filter((f) => NEVER_REPORTED.has(f.label)).map((f) => ({ corpus: name, ...f })),
    );
    const cell = (list) => (list ? `${list.length} (${count(list, DISMISSED)})` : '-');
    rows.push([
      name,
      (size.bytes / MB).toFixed(0),
      before ? (before.error ? `n/a: ${before.error}` : cell(before.findings)) : '-',
      cell(off),
      cell(on),
      String(off.filter((f) => f.label === 'unlabelled').length),
      [where.stale, where.missing ? `${where.missing} blobs absent from the mirror` : '']
        .filter(Boolean)
        .join('; '),
    ]);
    perCorpus[name] = {
      mb: Math.round(size.bytes / MB),
      files: size.files,
      before: before?.findings ? summary(before.findings) : undefined,
      filtersOff: summary(off),
      reported: summary(on),
      stale: where.stale,
    };
    if (name === 'git+git')
      targets.push({
        name: "precision: git.git's working tree reports nothing",
        measured: String(on.length),
        pass: on.length === 0,
      });
    if (corpus.source === 'npm')
      targets.push({
        name: `precision: <= ${NPM_BUDGET} findings on the npm corpus`,
        measured: String(on.length),
        pass: on.length <= NPM_BUDGET,
      });
  }
  printTable(
    write,
    'Precision: findings (of which a reviewer would dismiss), per corpus',
    [
      'corpus',
      'MB',
      ctx.compare ? 'before (--compare)' : 'before',
      'filters off',
      'reported',
      'unlabelled',
      'note',
    ],
    rows,
  );
  const show = (title, list) => {
    if (list.length === 0) return;
    write(`\n${title}\n`);
    for (const f of list)
      write(`  ${f.corpus} ${f.place ?? f.places?.[0] ?? ''} ${f.ruleId} ${f.redacted} ${f.hash}\n`);
  };
  show('Reported, labelled placeholder or public (must not be):', reportedDismissed);
  show('Labelled secret, not reported:', missedSecrets);
  show('Not labelled yet (add them to bench/precision/labels.json):', unlabelled);
  targets.push(
    {
      name: 'precision: no placeholder or public key reported (labelled corpora)',
      measured: String(reportedDismissed.length),
      pass: reportedDismissed.length === 0,
    },
    {
      name: 'precision: every finding labelled secret is reported',
      measured: `${missedSecrets.length} missed`,
      pass: missedSecrets.length === 0,
    },
    {
      name: 'precision: every finding labelled by hand',
      measured: `${unlabelled.length} unlabelled`,
      pass: unlabelled.length === 0,
    },
  );
  return { corpora: perCorpus, targets };
}

/** Counts by label, for results.json. */
function summary(findings) {
  const byLabel = {};
  for (const f of findings) byLabel[f.label] = (byLabel[f.label] ?? 0) + 1;
  return { findings: findings.length, dismissed: count(findings, DISMISSED), byLabel };
}
