/**
 * A large staged change (issue 18): 580 files of git.git changed the way a refactor does (a sed over the
 * .c/.h/.sh/.adoc/.perl/.py files of 9-200 KB, every 40th line edited), `keyward scan --staged` against
 * `git diff --cached | rg` with the OpenAI pattern, the hook it replaces. Interleaved rounds, median of the
 * paired ratios. Then the same change with keys: one on a line the change adds (found) and one already
 * committed on a line it leaves alone in a changed file (never reported).
 *
 * git.git comes from the bare mirror (`/work/.mirror/git+git/repo`, or KEYWARD_STAGED_REPO): a clone with
 * a working tree under .bench/staged-large, kept between runs.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeKey, OPENAI_RG_PATTERN } from './lib/keys.mjs';
import { KEYWARD_BIN } from './lib/keyward.mjs';
import { benchDir, REPO_ROOT } from './lib/paths.mjs';
import { have, sh } from './lib/proc.mjs';
import { interleavedTimed, pairedRatio } from './lib/repeat.mjs';
import { fmt, printTable } from './lib/table.mjs';
import { worktreeClone } from './precommit.mjs';

const FILES = 580;
/** keyward against the hook it replaces, median of paired rounds (issue 18: "at or below"). */
const MAX_RATIO = 1.0;
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const SOURCE = process.env.KEYWARD_STAGED_REPO ?? join(REPO_ROOT, '..', '.mirror', 'git+git', 'repo');
const MIRROR = existsSync(SOURCE) ? SOURCE : '/work/.mirror/git+git/repo';

/** The 580 files: the kinds and sizes of a refactor, spread evenly over the sorted list. */
function chooseFiles(dir) {
  const git = (...args) => sh('git', args, { cwd: dir, env: GIT_ENV }).stdout;
  const all = git('ls-files', '-z')
    .split('\0')
    .filter((p) => /\.(c|h|sh|adoc|perl|py)$/.test(p))
    .filter((p) => {
      const size = statSync(join(dir, p)).size;
      return size >= 9 * 1024 && size <= 200 * 1024;
    })
    .sort();
  if (all.length < FILES) throw new Error(`git.git has ${all.length} files of those kinds and sizes`);
  return Array.from({ length: FILES }, (_, i) => all[Math.floor((i * all.length) / FILES)]);
}

/** Resets the clone to HEAD and stages the change; with `keys`, one key added, one on an untouched line. */
function stage(dir, files, keys) {
  const git = (...args) => sh('git', args, { cwd: dir, env: GIT_ENV }).stdout;
  git('reset', '-q', '--hard');
  for (const [i, path] of files.entries()) {
    const lines = readFileSync(join(dir, path), 'utf8').split('\n');
    for (let n = 20; n < lines.length; n += 40) lines[n] = `${lines[n].replace(/\s+$/, '')} /* keyward */`;
    if (keys && i === 7) lines.splice(3, 0, `OPENAI_API_KEY=${keys.added}`);
    writeFileSync(join(dir, path), lines.join('\n'));
  }
  git('add', '--', ...files);
}

export async function stagedLargeBench(ctx) {
  if (!existsSync(MIRROR)) return { results: { skipped: `no git.git mirror at ${MIRROR}` }, targets: [] };
  if (!have('rg')) return { results: { skipped: 'rg is not installed' }, targets: [] };
  const rounds = ctx.reps ?? (ctx.quick ? 3 : 15);
  const dir = worktreeClone(MIRROR, benchDir('staged-large', 'git'));
  const git = (...args) => sh('git', args, { cwd: dir, env: GIT_ENV }).stdout;
  // A committed key on a line the change leaves alone, in a file it changes: made once, kept in the clone.
  const files = chooseFiles(dir);
  const old = fakeKey('openai-project', 5802);
  const target = files[11];
  if (!readFileSync(join(dir, target), 'utf8').includes(old)) {
    git('reset', '-q', '--hard');
    const lines = readFileSync(join(dir, target), 'utf8').split('\n');
    lines.splice(1, 0, `OPENAI_API_KEY=${old}`);
    writeFileSync(join(dir, target), lines.join('\n'));
    git('add', '--', target);
    git(
      '-c',
      'user.name=bench',
      '-c',
      'user.email=bench@example.test',
      'commit',
      '-qm',
      'bench: a committed key',
    );
  }

  stage(dir, files, null);
  const linesChanged = Number(git('diff', '--cached', '--shortstat').match(/(\d+) insertion/)?.[1] ?? 0);
  const times = interleavedTimed(
    [
      {
        name: `keyward scan --staged (${FILES} files)`,
        argv: [process.execPath, KEYWARD_BIN, 'scan', '--staged', '-q'],
      },
      {
        name: 'git diff --cached | rg',
        argv: ['sh', '-c', `git diff --cached | rg -e '${OPENAI_RG_PATTERN}'`],
        okCodes: [1],
      },
    ],
    { cwd: dir, rounds, warmup: 2 },
  );
  const [keyward, rg] = Object.values(times.results);
  const ratio = pairedRatio(keyward, rg);

  const added = fakeKey('openai-project', 5801);
  stage(dir, files, { added });
  const r = sh(process.execPath, [KEYWARD_BIN, 'scan', '--staged', '--format', 'json', '--reveal'], {
    cwd: dir,
    allowFail: true,
  });
  let found = null;
  try {
    found = JSON.parse(r.stdout).findings.map((f) => f.secret);
  } catch {
    found = null;
  }
  git('reset', '-q', '--hard');

  printTable(
    ctx.write,
    `A ${FILES}-file staged change in git.git (${linesChanged} lines changed, ${rounds} interleaved rounds)`,
    ['command', 'median'],
    Object.entries(times.results).map(([name, res]) => [name, res.error ?? fmt.s(res.median)]),
  );
  return {
    results: { files: FILES, linesChanged, times: times.results, ratio, found },
    targets: [
      {
        name: `scan --staged of a ${FILES}-file change <= ${MAX_RATIO}x git diff --cached | rg (paired)`,
        measured: ratio === null ? 'not available' : fmt.ratio(ratio),
        pass: ratio === null ? null : ratio <= MAX_RATIO,
      },
      {
        name: 'the key the change adds is found; the committed one on an untouched line is not',
        measured: found === null ? `not available (exit ${r.status})` : `${found.length} finding(s)`,
        pass: found === null ? null : found.length === 1 && found[0] === added,
      },
    ],
  };
}
