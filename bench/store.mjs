/**
 * Incremental audits (issue 19): `scan --history --store <dir>` on a real long history (git.git when the
 * machine has its mirror, else the generated large history), first with an empty store, then again after
 * 10 new commits. Target: the re-audit takes <= 5% of the first audit's wall time and reports exactly the
 * findings (and provenance) of a full audit of the same repository.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findMirror, GENERATED } from './history.mjs';
import { ensureHistoryRepo } from './lib/history-repo.mjs';
import { fakeKey } from './lib/keys.mjs';
import { runKeyward } from './lib/keyward.mjs';
import { benchDir, benchPath } from './lib/paths.mjs';
import { sh } from './lib/proc.mjs';
import { fmt, printTable } from './lib/table.mjs';

const NEW_COMMITS = 10;
const TARGET = 0.05;

/** A fresh bare copy of `source` (the 10 commits must be new to the store every run). */
function freshCopy(source, dest) {
  rmSync(dest, { recursive: true, force: true });
  sh('git', ['clone', '--bare', '--no-hardlinks', '-q', source, dest]);
  return dest;
}

/**
 * `count` commits on HEAD's branch, made with plumbing (a bare repository has no work tree): each adds a
 * file of new text and changes a line of an existing one; the fifth adds a key, the eighth removes it.
 */
export function addCommits(dir, count) {
  const env = {
    GIT_INDEX_FILE: join(dir, 'keyward-bench-index'),
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.test',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.test',
  };
  const git = (args, input) => sh('git', args, { cwd: dir, env, input }).stdout.trim();
  const blob = (text) => git(['hash-object', '-w', '--stdin'], text);
  const branch = git(['symbolic-ref', 'HEAD']);
  git(['read-tree', 'HEAD']);
  const key = fakeKey('openai-project', 1919);
  for (let i = 0; i < count; i++) {
    const files = [[`bench-incremental/note-${i}.txt`, `note ${i} written ${Date.now()}\n`]];
    if (i === 4) files.push(['bench-incremental/.env', `OPENAI_API_KEY=${key}\n`]);
    if (i === 7) files.push(['bench-incremental/.env', 'OPENAI_API_KEY=\n']);
    files.push(['bench-incremental/changes.txt', `change ${i}\n`]);
    for (const [path, text] of files)
      git(['update-index', '--add', '--cacheinfo', `100644,${blob(text)},${path}`]);
    const tree = git(['write-tree']);
    const commit = git(['commit-tree', tree, '-p', 'HEAD', '-m', `bench: incremental ${i}`]);
    git(['update-ref', branch, commit]);
  }
  rmSync(env.GIT_INDEX_FILE, { force: true });
}

/** What a user reads from a finding: rule, place, position, fingerprint and provenance. */
function provenance(findings) {
  return findings
    .map((f) =>
      [f.ruleId, f.path, f.line, f.column, f.fingerprint, f.commit, f.reachable, f.presentAtHead].join(' '),
    )
    .sort();
}

export async function storeBench(ctx) {
  const root = benchDir('store');
  const mirror = ctx.quick ? null : findMirror();
  let source;
  let label;
  if (mirror) {
    source = mirror.dir;
    label = `${mirror.name} (real history)`;
  } else {
    const g = ctx.quick ? GENERATED.quick[0] : GENERATED.full[1];
    source = (
      await ensureHistoryRepo({ dir: join(benchDir('history'), `gen-${g.name}.git`), ...g, log: ctx.log })
    ).dir;
    label = `generated ${g.name}`;
  }
  ctx.log(`store: copying ${label}`);
  const dir = freshCopy(source, join(root, 'repo.git'));
  const store = join(root, 'store');
  rmSync(store, { recursive: true, force: true });
  const json = ['scan', '--history', '--format', 'json'];
  const out = (name) => benchPath('out', `store-${name}.json`);
  // Warm the page cache with the packs, as the history bench does.
  sh('sh', ['-c', 'cat objects/pack/*.pack > /dev/null'], { cwd: dir, allowFail: true });
  ctx.log('store: first audit (empty store)');
  const first = runKeyward([...json, '--store', store], { cwd: dir, json: true, out: out('first') });
  addCommits(dir, NEW_COMMITS);
  ctx.log(`store: re-audit after ${NEW_COMMITS} commits`);
  const again = runKeyward([...json, '--store', store], { cwd: dir, json: true, out: out('again') });
  ctx.log('store: full audit of the same repository (no store), for the findings');
  const full = runKeyward(json, { cwd: dir, json: true, out: out('full') });
  const ok = first.ok && again.ok && full.ok;
  const same =
    ok &&
    JSON.stringify(provenance(again.report.findings)) === JSON.stringify(provenance(full.report.findings));
  const storeBytes = existsSync(join(store, 'clean-blobs.kwstore'))
    ? sh('stat', ['-c', '%s', join(store, 'clean-blobs.kwstore')]).stdout.trim()
    : '0';
  const row = (name, r) => [
    name,
    r.ok ? fmt.s(r.wallS) : `not available (${r.reason})`,
    r.ok ? String(r.report.scan.blobs) : '-',
    r.ok ? String(r.report.findings.length) : '-',
    r.ok && first.ok ? fmt.ratio(r.wallS / first.wallS) : '-',
  ];
  printTable(
    ctx.write,
    `Incremental audit: ${label}, ${NEW_COMMITS} new commits between the audits (one run each)`,
    ['command', 'wall', 'blobs read', 'findings', 'vs first audit'],
    [
      row('scan --history --store (empty store)', first),
      row(`scan --history --store (after ${NEW_COMMITS} commits)`, again),
      row('scan --history (no store, same repository)', full),
    ],
  );
  ctx.write(`store file: ${storeBytes} bytes\n`);
  return {
    label,
    first: { wallS: first.wallS, blobs: first.report?.scan.blobs },
    again: { wallS: again.wallS, blobs: again.report?.scan.blobs },
    full: { wallS: full.wallS, blobs: full.report?.scan.blobs },
    storeBytes: Number(storeBytes),
    targets: [
      {
        name: `store ${label}: re-audit after ${NEW_COMMITS} commits <= 5% of the first audit`,
        measured: ok
          ? `${fmt.ratio(again.wallS / first.wallS)} (${fmt.s(again.wallS)} vs ${fmt.s(first.wallS)})`
          : 'not available',
        pass: ok ? again.wallS <= TARGET * first.wallS : null,
      },
      {
        name: `store ${label}: the re-audit's findings and provenance are a full audit's`,
        measured: ok
          ? `${again.report.findings.length} vs ${full.report.findings.length}, ${same ? 'identical' : 'different'}`
          : 'not available',
        pass: ok ? same : null,
      },
    ],
  };
}
