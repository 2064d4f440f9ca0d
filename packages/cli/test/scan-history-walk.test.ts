import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanner } from '@keyward/core';
import { RULES } from '@keyward/rules';
import { historySource, type HistoryOptions } from '@keyward/sources/history';
import { createRepo, fakeKey, GIT_ENV, runCli, tempDir, type TempRepo } from '@keyward/test-utils';
import type * as Pipeline from '../src/scan/pipeline.js';

// Workers start from the build: the pipeline is imported from dist/ (its workers load dist/scan/worker.js).
const { runPipeline } = (await import('../dist/scan/pipeline.js')) as typeof Pipeline;

/**
 * Issue 18: a history audit walks the history (`rev-list --objects --in-commit-order …`) only when it has
 * something to attribute. With no finding, git's connectivity check (`rev-list --objects --quiet`) is the
 * only pass over the trees; the first finding starts the walk, in this thread or on workers.
 */
const KEY = fakeKey('openai-project', 831);

/** Twelve module commits, and with a key, a commit adding it after module `keyAfter`. */
function history(withKey: boolean, keyAfter = 3): TempRepo {
  const r = createRepo();
  const line = (i: number, n: number) => `export const value_${i}_${n} = compute(${n}, "${i}");\n`;
  for (let i = 0; i < 12; i++) {
    const text = Array.from({ length: 200 }, (_, n) => line(i, n)).join('');
    r.commit(`module ${i}`, { [`src/module-${i % 4}.ts`]: text });
    if (withKey && i === keyAfter) r.commit('config', { 'config.env': `OPENAI_API_KEY=${KEY}\n` });
  }
  return r;
}

let clean: TempRepo;
let keyed: TempRepo;
let traces: string;
let traced = 0;

beforeAll(() => {
  clean = history(false);
  keyed = history(true);
  traces = tempDir();
});
afterAll(() => {
  clean?.cleanup();
  keyed?.cleanup();
  if (traces) rmSync(traces, { recursive: true, force: true });
});

/** Scans with `jobs` threads, GIT_TRACE on: the findings, how often the source was told of one, and git's trace. */
async function scan(
  r: { dir: string },
  jobs: number,
  more: Partial<HistoryOptions> = {},
  env: Record<string, string> = {},
) {
  const file = join(traces, `trace-${traced++}`);
  const source = historySource({
    cwd: r.dir,
    env: { ...process.env, ...GIT_ENV, GIT_TRACE: file, ...env },
    ...more,
  });
  let told = 0;
  const found = source.found!.bind(source);
  source.found = () => {
    told++;
    found();
  };
  const result = await runPipeline(source, createScanner(RULES), { jobs, rules: RULES, inlineAllow: true });
  const trace = existsSync(file) ? readFileSync(file, 'utf8') : '';
  rmSync(file, { force: true });
  return { result, told, trace };
}

const checked = (trace: string) => /rev-list --objects --quiet/.test(trace);
const walked = (trace: string) => /rev-list --objects --in-commit-order/.test(trace);

const WAYS: Array<[string, number, Partial<HistoryOptions>]> = [
  ['in this thread, unlisted', 1, {}],
  ['in this thread, listed', 1, { unlistedPackBytes: 0 }],
  ['on workers', 2, { unlistedPackBytes: 0, parallelMinBytes: 0 }],
];

describe('scan --history walks only what needs attributing', () => {
  it.each(WAYS)('%s: no finding, no walk; git checks the store is whole', async (_way, jobs, more) => {
    const { result, told, trace } = await scan(clean, jobs, more);
    expect(result.findings).toEqual([]);
    expect(result.stats.blobs).toBeGreaterThanOrEqual(4);
    expect(result.source.incomplete).toBeFalsy();
    expect(told).toBe(0);
    expect(checked(trace)).toBe(true);
    expect(walked(trace)).toBe(false);
  });

  it.each(WAYS)('%s: the first finding starts the walk, which attributes it', async (_way, jobs, more) => {
    const { result, told, trace } = await scan(keyed, jobs, more);
    expect(told).toBe(1);
    expect(walked(trace)).toBe(true);
    const introduced = keyed.git('log', '--format=%H', '--diff-filter=A', '--', 'config.env');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      secret: KEY,
      path: 'config.env',
      commit: introduced,
      reachable: true,
      presentAtHead: true,
    });
  });

  it('in a shared thread (a fleet): the check runs after the reading, and never once a finding walks', async () => {
    const events = join(traces, 'events');
    const quiet = await scan(clean, 1, { sharedThread: true }, { GIT_TRACE2_EVENT: events });
    expect(quiet.result.findings).toEqual([]);
    expect(checked(quiet.trace)).toBe(true);
    expect(walked(quiet.trace)).toBe(false);
    // The check starts once every git that read blobs (`cat-file --batch`) has exited.
    const lines = readFileSync(events, 'utf8').trim().split('\n');
    const parsed = lines.map(
      (line) => JSON.parse(line) as { event: string; sid: string; time: string; argv?: string[] },
    );
    const started = new Map(parsed.filter((e) => e.event === 'start').map((e) => [e.sid, e.argv!.join(' ')]));
    const at = (e: { time: string }) => Date.parse(e.time);
    const readEnds = parsed.filter(
      (e) => e.event === 'exit' && /cat-file --batch( |$)/.test(started.get(e.sid) ?? ''),
    );
    const checkStart = parsed.find(
      (e) => e.event === 'start' && /rev-list --objects --quiet/.test(started.get(e.sid)!),
    );
    expect(readEnds.length).toBeGreaterThan(0);
    expect(at(checkStart!)).toBeGreaterThanOrEqual(Math.max(...readEnds.map(at)));
    rmSync(events, { force: true });
    const found = await scan(keyed, 1, { sharedThread: true });
    expect(found.result.findings).toHaveLength(1);
    expect(walked(found.trace)).toBe(true);
    expect(checked(found.trace)).toBe(false);
  });

  it('a blobless partial clone with no finding: the check names what it lacks without fetching, no walk', async () => {
    clean.git('config', 'uploadpack.allowFilter', 'true');
    const dir = join(traces, 'blobless');
    execFileSync('git', ['clone', '-q', '--bare', '--filter=blob:none', `file://${clean.dir}`, dir], {
      env: { ...process.env, ...GIT_ENV },
    });
    const lacking = execFileSync('git', ['rev-list', '--objects', '--missing=print', '--all'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...GIT_ENV },
    })
      .split('\n')
      .filter((line) => line.startsWith('?'))
      .map((line) => line.slice(1));
    expect(lacking.length).toBeGreaterThan(3);
    const { result, trace } = await scan({ dir }, 1);
    expect(result.findings).toEqual([]);
    expect(walked(trace)).toBe(false);
    expect(trace).not.toContain('fetch');
    expect(result.source).toMatchObject({ incomplete: true, missing: { count: lacking.length } });
    expect([...result.source.missing!.ids].sort()).toEqual(lacking.sort());
    expect(result.source.missing!.reason).toContain('partial clone');
  });

  it('a walk started by a finding that fails (a corrupt tree): one line, exit 2, no crash', async () => {
    const broken = history(true);
    try {
      const tree = broken.git('rev-parse', 'HEAD:src');
      const file = join(broken.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2));
      chmodSync(file, 0o644);
      writeFileSync(file, 'not zlib');
      const result = await runCli(['scan', '--history', '--format', 'json'], {
        cwd: broken.dir,
        env: GIT_ENV,
      });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^keyward: git rev-list failed: /),
      ]);
    } finally {
      broken.cleanup();
    }
  });

  it('a missing object with no finding: the check names it, and nothing is walked', async () => {
    const broken = history(false);
    try {
      const blob = broken.git('rev-parse', 'HEAD~5:src/module-2.ts');
      rmSync(join(broken.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      const { result, trace } = await scan(broken, 1);
      expect(result.findings).toEqual([]);
      expect(checked(trace)).toBe(true);
      expect(walked(trace)).toBe(false);
      expect(result.source).toMatchObject({ incomplete: true, missing: { ids: [blob], count: 1 } });
    } finally {
      broken.cleanup();
    }
  });
});

describe('scan --history traces unreachable blobs while the walk still runs', () => {
  const UNREACHABLE = fakeKey('openai-admin', 832);
  let r: TempRepo;
  let slowGit: string;
  beforeAll(() => {
    r = history(true);
    // A key in a commit no ref reaches any more (reset away), and one in a blob no commit holds.
    r.commit('oops', { 'leak.env': `ADMIN=${UNREACHABLE}\n` });
    r.git('reset', '-q', '--hard', 'HEAD~1');
    r.git('reflog', 'expire', '--expire=now', '--all');
    // git, but the reachability walk (and only it) starts a second late: resolve then runs before it ends.
    slowGit = join(traces, 'slow-git');
    mkdirSync(slowGit);
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(
      join(slowGit, 'git'),
      [
        '#!/bin/sh',
        'case "$*" in',
        '  *--in-commit-order*--format=%H*) sleep 1 ;;',
        '  *--in-commit-order*--missing=print*) if [ -n "$SLOW_TRACE_MARK" ]; then sleep 2; touch "$SLOW_TRACE_MARK"; fi ;;',
        '  *--objects*--quiet*) if [ -n "$SLOW_CHECK_MARK" ]; then sleep 2; touch "$SLOW_CHECK_MARK"; fi ;;',
        'esac',
        `exec ${real} "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(join(slowGit, 'git'), 0o755);
  });
  afterAll(() => r?.cleanup());

  const slowly = () => ({ PATH: `${slowGit}:${process.env.PATH ?? ''}` });
  const rows = (findings: Array<{ secret: string; commit?: string; path: string; reachable?: boolean }>) =>
    findings.map((f) => [f.secret, f.commit, f.path, f.reachable]).sort();
  const WALK = "rev-list --objects --in-commit-order --date-order --reverse '--format=%H'";
  /** The commits the refs reach, listed to tell the unreachable ones while the walk runs. */
  const REACHED = 'git rev-list --all --stdin';
  const TRACE = 'rev-list --objects --in-commit-order --date-order --reverse --missing=print --stdin';

  it('gives an unreachable key its commit and path, as when the walk ends first', async () => {
    const quick = await scan(r, 1);
    const slow = await scan(r, 1, {}, slowly());
    expect(rows(slow.result.findings)).toEqual(rows(quick.result.findings));
    const unreachable = slow.result.findings.find((f) => f.secret === UNREACHABLE);
    expect(unreachable).toMatchObject({ path: 'leak.env', reachable: false });
    expect(unreachable?.commit).toMatch(/^[0-9a-f]{40}$/);
    // The slow walk logs its start a second late: the trace among unreachable commits started before it.
    expect(slow.trace.indexOf(TRACE)).toBeGreaterThan(-1);
    expect(slow.trace.indexOf(TRACE)).toBeLessThan(slow.trace.indexOf(WALK));
  });

  it('stops the connectivity check once the walk goes to its end (a key past half the history), not before', async () => {
    // A key late in the history: the walk passes half the commits first, so it goes to its end and says
    // what is missing itself. The check, slowed here, is stopped while it waits: its git never runs.
    const late = history(true, 9);
    try {
      const mark = join(traces, 'check-ran-late');
      const slow = await scan(late, 1, {}, { ...slowly(), SLOW_CHECK_MARK: mark });
      expect(slow.result.findings).toHaveLength(1);
      expect(slow.result.source.incomplete).toBeFalsy();
      await new Promise((done) => setTimeout(done, 2500));
      expect(existsSync(mark)).toBe(false);
    } finally {
      late.cleanup();
    }
    // A key early: the walk stops at it (its output kept raw is searched, not parsed) and the check, left
    // running, says what is missing: it runs to its end.
    const mark = join(traces, 'check-ran-early');
    const early = await scan(keyed, 1, {}, { ...slowly(), SLOW_CHECK_MARK: mark });
    expect(early.result.findings).toHaveLength(1);
    expect(early.result.findings[0]).toMatchObject({ path: 'config.env', reachable: true });
    expect(early.result.source.incomplete).toBeFalsy();
    expect(existsSync(mark)).toBe(true);
  });

  it('stops that trace when the walk says every key is reachable', async () => {
    // Keys only in reachable blobs, and a commit no ref reaches (without a key): the early trace has
    // commits to walk. Here it starts two seconds late and leaves a mark if it ever runs.
    const repo = history(true);
    try {
      repo.commit('dropped', { 'notes.txt': 'nothing here\n' });
      repo.git('reset', '-q', '--hard', 'HEAD~1');
      repo.git('reflog', 'expire', '--expire=now', '--all');
      const mark = join(traces, 'trace-ran');
      const quick = await scan(repo, 1);
      const slow = await scan(repo, 1, {}, { ...slowly(), SLOW_TRACE_MARK: mark });
      expect(rows(slow.result.findings)).toEqual(rows(quick.result.findings));
      expect(slow.result.findings[0]).toMatchObject({ reachable: true, path: 'config.env' });
      expect(slow.trace.indexOf(REACHED)).toBeGreaterThan(-1);
      expect(slow.trace.indexOf(REACHED)).toBeLessThan(slow.trace.indexOf(WALK));
      // Stopped once the walk ended: the trace's git never started, then or later.
      await new Promise((done) => setTimeout(done, 2500));
      expect(existsSync(mark)).toBe(false);
    } finally {
      repo.cleanup();
    }
  });
});
