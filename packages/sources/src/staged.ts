import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { ContentItem } from '@keyward/core';
import { newSourceStats, type ScanSource } from './source.js';
import { CatFileBatch } from './git/cat-file.js';
import { planChange, requestChange, takeChange, type ChangePlan } from './git/changes.js';
import { DIFF_LATER_BYTES, LaterDiffs } from './git/later-diffs.js';
import { gitFailure, gitText, runGit, type GitContext } from './git/exec.js';
import { SourceError } from './errors.js';
import { parseRawOutput, type RawEntry } from './git/raw.js';

export interface StagedOptions extends GitContext {
  /**
   * Files or folders that limit the scan (lint-staged passes absolute paths); none: the whole index. A file
   * named here that has nothing staged is scanned whole as the index holds it: the pre-commit framework's
   * `run --all-files` names every file, and a check that only read the changes would pass them all.
   */
  paths?: string[];
  /** Blobs larger than this are skipped and counted. */
  maxBlobSize?: number;
  /** Repository-relative paths not to scan (config `ignorePaths`, `.keywardignore`), counted as ignored. */
  ignore?: (path: string) => boolean;
  /**
   * Diff a modified file against HEAD only when its scan found something (see DEFER_DIFF_MIN_FILES);
   * default: from that many changed files on.
   */
  deferDiff?: boolean;
}

/**
 * From this many changed files on, a modified file is scanned whole first and diffed against HEAD only
 * if its scan found something (in `resolve`), so a clean change never reads HEAD's blobs or diffs them.
 * Measured on a 580-file staged change in git.git (16.3 MB staged, 2 cores): reading HEAD's blobs and
 * diffing them in JS took 0.5-0.9 s of keyward's 0.9-1.5 s. With a key in the change, the third
 * `cat-file` costs what deferring saves at 16-32 files (in-process, medians of 9: 10 files eager 56 ms,
 * deferred 65; 32 files 68.5 / 67); without one, deferring is faster from 10 files on (55 / 48.5 ms).
 * Below this, one `cat-file` reads both sides at once; the result is the same either way.
 */
export const DEFER_DIFF_MIN_FILES = 32;

/**
 * What the next commit will contain: the index, read as blobs (never the working-tree file, so partially
 * staged files are scanned as staged), compared with HEAD. Only added lines count. Renames are detected
 * (`-M`, as `git diff --cached` shows them by default), so a moved file's old keys are not new; copies are
 * not (`-C` would pair a copy with its source only when the source changed too): a copy is an added file.
 * Deletions, symlinks, submodules, binary blobs and pure mode changes have nothing to scan. No HEAD yet
 * (the first commit) compares with the empty tree. Two git processes in all: `diff --cached --raw` and
 * one `cat-file --batch`; a large change (DEFER_DIFF_MIN_FILES) reads HEAD's side only for the files
 * whose scan found something, with a third.
 */
export function stagedSource(options: StagedOptions): ScanSource {
  const stats = newSourceStats();
  const maxBlobSize = options.maxBlobSize ?? Number.POSITIVE_INFINITY;
  /** Modified files scanned whole (deferDiff, or large): their findings count only on the lines they add. */
  const later = new LaterDiffs(options, maxBlobSize);

  // The diff starts now, not when items() is first asked for: the caller can build its scanner while git
  // works (it exits by itself, so nothing is left running if the items are never read).
  const diff = runGit(
    ['diff', '--cached', '--raw', '-z', '-M', '--no-abbrev', '--no-color', '--no-ext-diff'],
    options,
    { allowFail: true },
  );
  const limit = options.paths && options.paths.length > 0 ? pathFilter(options, options.paths) : undefined;
  diff.catch(() => {}); // awaited in items(); never an unhandled rejection meanwhile
  limit?.catch(() => {});

  async function* items(): AsyncGenerator<ContentItem> {
    // cat-file starts before the diff is read: its start-up (a few ms) overlaps the diff's work.
    const batch = new CatFileBatch(options, { buffer: true });
    let finished = false;
    try {
      const result = await diff;
      if (result.code !== 0) throw diffFailure(result.stderr, result.code, options);
      const { accept, wanted } = limit ? await limit : { accept: () => true, wanted: [] };
      const entries = parseRawOutput(result.stdout.toString('utf8'));
      const changed = new Set(entries.map((entry) => entry.path));
      const quiet = wanted.filter((path) => path !== '' && !changed.has(path));
      if (quiet.length > 0) entries.push(...(await unchangedFiles(quiet, options)));
      const plans: ChangePlan[] = [];
      for (const entry of entries) {
        if (!accept(entry.path)) continue;
        if (options.ignore?.(entry.path)) {
          stats.skipped.ignored++;
          continue;
        }
        const plan = planChange(entry, stats);
        if (plan) plans.push(plan);
      }
      const defer = options.deferDiff ?? plans.length >= DEFER_DIFF_MIN_FILES;
      for (const plan of plans) requestChange(defer ? newBlobOnly(plan) : plan, batch, maxBlobSize);
      batch.end();
      for (const plan of plans) {
        // Deferred: the new blob alone, with the same checks (missing, too large, binary, empty). Either
        // way a modified file read whole has its added lines worked out by `resolve`, if it has findings.
        const item = defer
          ? await takeChange(newBlobOnly(plan), batch, stats, {})
          : await takeChange(plan, batch, stats, { wholeFrom: DIFF_LATER_BYTES });
        if (!item) continue;
        const { whole, ...scanned } = item;
        if (!(defer ? plan.bases.length > 0 : whole)) {
          yield scanned;
          continue;
        }
        later.add(plan);
        yield { path: item.path, bytes: item.bytes, ...(item.blobId ? { blobId: item.blobId } : {}) };
      }
      await batch.close();
      finished = true;
    } finally {
      if (!finished) batch.kill();
    }
  }

  return {
    mode: 'staged',
    items,
    resolve: (findings) => later.keepAdded(findings),
    stats: () => stats,
  };
}

/** The plan for a file's new blob alone: as if it were added (every line new). */
function newBlobOnly(plan: ChangePlan): ChangePlan {
  return plan.bases.length === 0 ? plan : { ...plan, bases: [] };
}

/**
 * A test for repository-relative paths under the given paths. Paths are relative to `cwd` or absolute;
 * an absolute path is matched against the top level git reports (real path) first, then against `cwd`
 * (which may be reached through a symlink).
 */
async function pathFilter(
  context: GitContext,
  paths: string[],
): Promise<{ accept: (path: string) => boolean; wanted: string[] }> {
  const [top = '', prefix = ''] = (
    await gitText(['rev-parse', '--show-toplevel', '--show-prefix'], context)
  ).split('\n');
  const cwd = resolve(context.cwd);
  const wanted: string[] = [];
  for (const given of paths) {
    const abs = resolve(cwd, given);
    const fromTop = isAbsolute(given) && top !== '' ? toPosix(relative(top, abs)) : undefined;
    const rel =
      fromTop !== undefined && !fromTop.startsWith('..')
        ? fromTop
        : posix.normalize(prefix + toPosix(relative(cwd, abs)));
    if (rel === '..' || rel.startsWith('../')) continue; // outside the repository: nothing staged there
    wanted.push(rel === '.' ? '' : rel.replace(/\/$/, ''));
  }
  const accept = (path: string) => wanted.some((w) => w === '' || path === w || path.startsWith(`${w}/`));
  return { accept, wanted };
}

/**
 * The named paths that are files in the index with nothing staged, as added files (every line new): each
 * is scanned whole. A named folder keeps its meaning (the changes beneath it), and an unmerged file is
 * left to the diff's own warning.
 */
async function unchangedFiles(paths: string[], context: GitContext): Promise<RawEntry[]> {
  const named = new Set(paths);
  const listed = await runGit(['--literal-pathspecs', 'ls-files', '-s', '-z', '--', ...paths], context);
  const entries: RawEntry[] = [];
  for (const record of listed.stdout.toString('utf8').split('\0')) {
    // `<mode> <id> <stage>\t<path>`
    const tab = record.indexOf('\t');
    if (tab === -1) continue;
    const [mode = '', oid = '', stage = ''] = record.slice(0, tab).split(' ');
    const path = record.slice(tab + 1);
    if (stage !== '0' || !named.has(path)) continue;
    entries.push({ status: 'A', path, mode, oid, parents: [] });
  }
  return entries;
}

/** Outside a repository `git diff` turns into `diff --no-index` and rejects --cached: say what happened. */
function diffFailure(stderr: string, code: number, context: GitContext): Error {
  if (/unknown option .cached|--no-index/.test(stderr))
    return new SourceError('E_NOT_A_REPO', { path: context.cwd });
  return gitFailure(['diff'], context, stderr, code);
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
