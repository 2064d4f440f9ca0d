#!/usr/bin/env node
// Resolves what a GitHub Actions run should scan, from the event itself: a pull request's commits, a
// push's commits (new branches and force pushes included), or a merge-queue group. In a shallow
// checkout it fetches what it needs (the base commit, then deeper history until base and head meet).
// It never reports a range it could not resolve: that exits 3, so the scan fails instead of passing.
//
// Reads GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and GITHUB_OUTPUT (never interpolating event data into a
// shell). Writes `mode` (range | history | worktree | none), `range`, `base`, `head` and `commits`.
// Environment: KEYWARD_REMOTE (default origin), KEYWARD_FETCH (default true; false = never fetch).
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const ZEROS = /^0+$/;
const DEEPEN_STEPS = [50, 250, 1000];

export class ResolveError extends Error {
  constructor(message, exitCode = 3) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Runs git; returns trimmed stdout, or undefined when git fails and `allowFail` is set. */
function gitRunner(cwd, env) {
  return (args, { allowFail = false } = {}) => {
    try {
      return execFileSync('git', args, {
        cwd,
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim();
    } catch (error) {
      if (allowFail) return undefined;
      const stderr = String(error.stderr ?? '')
        .trim()
        .split('\n')[0];
      throw new ResolveError(`git ${args[0]} failed: ${stderr || error.message}`, 2);
    }
  };
}

/**
 * The scan plan for one event. `options`: { cwd, eventName, event, remote, fetch, log, env }.
 * Returns { mode, range?, base?, head?, commits?, note? }.
 */
export function resolveRange(options) {
  const { eventName, event } = options;
  const git = gitRunner(options.cwd, options.env ?? process.env);
  const log = options.log ?? (() => {});
  const remote = options.remote ?? 'origin';
  const canFetch = options.fetch !== false;
  const ctx = { git, log, remote, canFetch };

  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const pr = event.pull_request;
    if (!pr?.base?.sha || !pr?.head?.sha)
      throw new ResolveError('the pull_request event has no base or head sha', 2);
    const extra = pr.number !== undefined ? [`refs/pull/${pr.number}/head`] : [];
    return between(ctx, pr.base.sha, pr.head.sha, extra);
  }
  if (eventName === 'merge_group') {
    const group = event.merge_group;
    if (!group?.base_sha || !group?.head_sha)
      throw new ResolveError('the merge_group event has no base or head sha', 2);
    return between(ctx, group.base_sha, group.head_sha, []);
  }
  if (eventName === 'push') return push(ctx, event);
  log(`keyward: ${eventName} is not a pull request or push: scanning the checked-out tree`);
  return { mode: 'worktree' };
}

function push(ctx, event) {
  const { before, after } = event;
  if (event.deleted || !after || ZEROS.test(after)) {
    ctx.log('keyward: the push deleted a branch: nothing to scan');
    return { mode: 'none' };
  }
  const defaultBranch = event.repository?.default_branch;
  const branch = typeof event.ref === 'string' ? event.ref.replace(/^refs\/heads\//, '') : undefined;
  if (!before || ZEROS.test(before)) {
    // A new branch: its commits are those not on the default branch. The default branch's first push:
    // every commit.
    if (!defaultBranch || branch === defaultBranch)
      return wholeHistory(ctx, after, 'the first push of the default branch');
    return againstBranch(ctx, defaultBranch, after, 'a new branch');
  }
  if (!present(ctx, before)) fetchCommits(ctx, [before]);
  if (!present(ctx, before)) {
    // After a force push the old tip may be gone from the server. The new commits are still those not
    // on the default branch; on the default branch itself there is nothing to compare with.
    if (event.forced && defaultBranch && branch !== defaultBranch) {
      return againstBranch(ctx, defaultBranch, after, `a force push whose old tip ${short(before)} is gone`);
    }
    throw new ResolveError(
      `cannot resolve the push's base ${short(before)} (a force push removed it, or it is beyond the clone); ` +
        'scan the whole history (keyward scan --history) or fetch it',
    );
  }
  return between(ctx, before, after, []);
}

/** Commits of `head` not on `branch` of the remote. */
function againstBranch(ctx, branch, head, why) {
  const ref = `refs/remotes/${ctx.remote}/${branch}`;
  if (ctx.canFetch) {
    const depth = isShallow(ctx) ? ['--depth=1'] : [];
    ctx.git(['fetch', '--no-tags', '--quiet', ...depth, ctx.remote, `+refs/heads/${branch}:${ref}`], {
      allowFail: true,
    });
  }
  const base = ctx.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { allowFail: true });
  if (!base) throw new ResolveError(`cannot resolve ${ctx.remote}/${branch} to compare ${why} with`);
  ctx.log(`keyward: ${why}: scanning the commits not on ${branch}`);
  return between(ctx, base, head, []);
}

/** Every commit reachable from `head`: the scan runs over the whole history (fetched in full). */
function wholeHistory(ctx, head, why) {
  if (isShallow(ctx)) {
    if (!ctx.canFetch) throw new ResolveError(`${why} needs the whole history, and the clone is shallow`);
    ctx.git(['fetch', '--no-tags', '--quiet', '--unshallow', ctx.remote]);
  }
  const commits = Number(ctx.git(['rev-list', '--count', head]));
  ctx.log(`keyward: ${why}: scanning the whole history (${commits} commits)`);
  return { mode: 'history', head, commits };
}

/** `base..head`, fetching both and deepening a shallow clone until they meet. */
function between(ctx, base, head, extraRefs) {
  const missing = [base, head].filter((sha) => !present(ctx, sha));
  if (missing.length > 0) fetchCommits(ctx, missing, extraRefs);
  for (const sha of [base, head]) {
    if (!present(ctx, sha)) {
      throw new ResolveError(`cannot resolve ${short(sha)}: it is not in the clone and could not be fetched`);
    }
  }
  if (base !== head && !meet(ctx, base, head)) {
    throw new ResolveError(
      `${short(base)} and ${short(head)} share no history in this clone; fetch more (actions/checkout fetch-depth: 0)`,
    );
  }
  const commits = Number(ctx.git(['rev-list', '--count', `${base}..${head}`]));
  ctx.log(
    `keyward: scanning ${short(base)}..${short(head)} (${commits} ${commits === 1 ? 'commit' : 'commits'})`,
  );
  return { mode: 'range', range: `${base}..${head}`, base, head, commits };
}

/** True once base and head have a merge base; deepens a shallow clone step by step, then unshallows. */
function meet(ctx, base, head) {
  const hasBase = () => ctx.git(['merge-base', base, head], { allowFail: true }) !== undefined;
  if (hasBase()) return true;
  if (!isShallow(ctx) || !ctx.canFetch) return false;
  for (const step of DEEPEN_STEPS) {
    ctx.git(['fetch', '--no-tags', '--quiet', `--deepen=${step}`, ctx.remote, base, head], {
      allowFail: true,
    });
    if (hasBase()) return true;
    if (!isShallow(ctx)) return false;
  }
  ctx.git(['fetch', '--no-tags', '--quiet', '--unshallow', ctx.remote], { allowFail: true });
  return hasBase();
}

function fetchCommits(ctx, shas, extraRefs = []) {
  if (!ctx.canFetch) return;
  const depth = isShallow(ctx) ? ['--depth=1'] : [];
  // By sha first (GitHub serves any commit reachable from a ref); a PR's head may need its pull ref.
  ctx.git(['fetch', '--no-tags', '--quiet', ...depth, ctx.remote, ...shas], { allowFail: true });
  if (extraRefs.length > 0 && shas.some((sha) => !present(ctx, sha))) {
    ctx.git(['fetch', '--no-tags', '--quiet', ...depth, ctx.remote, ...extraRefs], { allowFail: true });
  }
}

function present(ctx, sha) {
  return ctx.git(['cat-file', '-e', `${sha}^{commit}`], { allowFail: true }) !== undefined;
}

function isShallow(ctx) {
  return ctx.git(['rev-parse', '--is-shallow-repository']) === 'true';
}

function short(sha) {
  return String(sha).slice(0, 12);
}

/** GITHUB_OUTPUT lines; values never hold newlines (shas, counts, mode names). */
export function outputLines(plan) {
  const lines = [`mode=${plan.mode}`];
  for (const key of ['range', 'base', 'head', 'commits']) lines.push(`${key}=${plan[key] ?? ''}`);
  return `${lines.join('\n')}\n`;
}

async function main() {
  const eventName = process.env.GITHUB_EVENT_NAME;
  const eventPath = process.env.GITHUB_EVENT_PATH;
  if (!eventName || !eventPath) {
    process.stderr.write(
      'keyward: GITHUB_EVENT_NAME and GITHUB_EVENT_PATH must be set (run inside GitHub Actions)\n',
    );
    return 2;
  }
  let event;
  try {
    event = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch (error) {
    process.stderr.write(
      `keyward: cannot read the event file ${eventPath}: ${error.code ?? error.message}\n`,
    );
    return 2;
  }
  try {
    const plan = resolveRange({
      cwd: process.cwd(),
      eventName,
      event,
      remote: process.env.KEYWARD_REMOTE || 'origin',
      fetch: process.env.KEYWARD_FETCH !== 'false',
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const out = outputLines(plan);
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, out);
    else process.stdout.write(out);
    return 0;
  } catch (error) {
    if (error instanceof ResolveError) {
      process.stderr.write(`keyward: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main().then((code) => {
    process.exitCode = code;
  });
}
