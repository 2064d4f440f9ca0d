import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeKey, Scratch, tempDir } from '@keyward/test-utils';
import type * as Exec from '../src/git/exec.js';
import type * as AtHead from '../src/history/at-head.js';
import { historySource } from '../src/history.js';
import { CHECK_NICENESS, IN_THREAD_CHECK_NICENESS, READER_NICENESS } from '../src/history/check-store.js';
import { collect, ENV, findSecrets, pushed } from './helpers.js';

/** Every git started through startGit: its arguments, whether the spawn helper started it, its niceness, whether stopped. */
const started: Array<{ args: string[]; viaHelper: boolean; niceness?: number; stopped: boolean }> = [];

vi.mock('../src/git/exec.js', async (importOriginal) => {
  const real = await importOriginal<typeof Exec>();
  return {
    ...real,
    startGit: (...call: Parameters<typeof real.startGit>) => {
      const git = real.startGit(...call);
      const record = {
        args: call[0],
        viaHelper: call[1].viaHelper === true,
        ...(call[3]?.niceness === undefined ? {} : { niceness: call[3].niceness }),
        stopped: false,
      };
      started.push(record);
      const kill = git.child.kill.bind(git.child);
      git.child.kill = () => {
        record.stopped = true;
        kill();
      };
      return git;
    },
  };
});

/** What each "at HEAD" question was told about the scan. */
const atHeadAsked: Array<{ scannedAll: boolean }> = [];

vi.mock('../src/history/at-head.js', async (importOriginal) => {
  const real = await importOriginal<typeof AtHead>();
  return {
    ...real,
    secretsAtHead: (...call: Parameters<typeof real.secretsAtHead>) => {
      atHeadAsked.push({ scannedAll: call[2].scannedAll });
      return real.secretsAtHead(...call);
    },
  };
});

const scratch = new Scratch();
afterEach(() => scratch.clear());
beforeEach(() => {
  started.length = 0;
  atHeadAsked.length = 0;
});

/** The reachability walk's git and git's check among those started. */
function walkAndCheck() {
  const walks = started.filter((git) => git.args.includes('--in-commit-order'));
  const checks = started.filter((git) => git.args.includes('--quiet'));
  return { walks, checks };
}

/**
 * A key added early, then a long history, then a blob whose object is lost: the walk can place the key
 * long before it would reach the lost blob; only git's check, left running, can name it.
 */
function repoWithLateLoss() {
  const r = scratch.repo();
  const key = fakeKey('openai-project', 821);
  const keyCommit = r.commit('key', { 'app.env': `OPENAI_API_KEY=${key}\n` });
  for (let n = 0; n < 12; n++) r.commit(`filler ${n}`, { [`notes/${n}.md`]: `note ${n}\n` });
  r.commit('late', { 'late.txt': 'late content\n' });
  const lost = r.git('rev-parse', 'HEAD:late.txt');
  rmSync(join(r.dir, '.git', 'objects', lost.slice(0, 2), lost.slice(2)));
  return { r, key, keyCommit, lost };
}

/**
 * An environment whose git takes a second longer over the commands with `flag` (the check's `--quiet`, the
 * listing's `--batch-all-objects`): in a small history they are otherwise done at once.
 */
function slowGit(flag: string): NodeJS.ProcessEnv {
  const git = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = join(tempDir(), 'bin');
  scratch.add(() => rmSync(join(bin, '..'), { recursive: true, force: true }));
  mkdirSync(bin);
  const wrapper = `#!/bin/sh\ncase " $* " in *" ${flag} "*) sleep 1 ;; esac\nexec '${git}' "$@"\n`;
  writeFileSync(join(bin, 'git'), wrapper, { mode: 0o755 });
  return { ...ENV, PATH: `${bin}:${ENV.PATH ?? ''}` };
}

describe('a history walk that goes only as far as its findings need', () => {
  // A walk parsed as it comes (no raw output kept) and a check begun at once: what a large history gets.
  const paced = { rawWalkBytes: 0, checkGraceMs: 0 };

  // A small history's walk is kept raw (searched, not parsed) unless rawWalkBytes says otherwise.
  const raw = { checkGraceMs: 0 };

  it('places the findings, stops there, and still names an object missing further on (from the check)', async () => {
    const { r, key, keyCommit, lost } = repoWithLateLoss();
    for (const [read, options] of [
      [collect, paced],
      [pushed, paced],
      [collect, raw],
    ] as const) {
      started.length = 0;
      const source = historySource({ cwd: r.dir, env: ENV, ...options });
      const items = await read(source);
      await vi.waitFor(() => expect(walkAndCheck().checks).toHaveLength(1));
      const findings = await source.resolve!(findSecrets(items, [key]));
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ secret: key, path: 'app.env', commit: keyCommit, reachable: true });
      expect(source.stats().incomplete).toBe(true);
      expect(source.stats().missing).toMatchObject({ ids: [lost], count: 1 });
      // Known before "at HEAD" was asked: a scan that missed a blob cannot answer it from its findings.
      expect(atHeadAsked).toEqual([{ scannedAll: false }]);
      atHeadAsked.length = 0;
      const { walks, checks } = walkAndCheck();
      expect(walks).toHaveLength(1);
      expect(walks[0]!.stopped).toBe(true);
      expect(checks).toHaveLength(1);
      expect(checks[0]!.stopped).toBe(false);
    }
  });

  it('--require-complete still refuses the partial store, and stops a walk that waits', async () => {
    const { r, key, lost } = repoWithLateLoss();
    const source = historySource({ cwd: r.dir, env: slowGit('--quiet'), requireComplete: true, ...paced });
    const error = await (async () => {
      const reading = source.items()[Symbol.asyncIterator]();
      await reading.next();
      // Once git's check runs, a finding is told: the walk starts, places it, and waits for the scan.
      await vi.waitFor(() => expect(walkAndCheck().checks).toHaveLength(1));
      source.found!(r.git('rev-parse', 'HEAD~13:app.env'));
      await vi.waitFor(() => expect(walkAndCheck().walks).toHaveLength(1));
      while (!(await reading.next()).done);
      await source.resolve!(findSecrets([], [key]));
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_HISTORY_INCOMPLETE' });
    expect(JSON.stringify(error)).toContain(lost.slice(0, 12));
    // The walk that waited for the end of the scan is stopped, not left blocked.
    await vi.waitFor(() => expect(walkAndCheck().walks.map((walk) => walk.stopped)).toEqual([true]));
  });

  it("lowers the workers' readers below the check while it runs beside them, and not at all without one", async () => {
    const { r } = repoWithLateLoss();
    // Listed (however small) and split over workers; the check begins while git lists (slowly here).
    const split = { parallelMinBytes: 0, unlistedPackBytes: 0 };
    const env = slowGit('--batch-all-objects');
    const whole = historySource({ cwd: r.dir, env, ...split, checkGraceMs: 0 });
    const plan = whole.parallel!();
    const work = await plan.work(2);
    expect(walkAndCheck().checks).toHaveLength(1);
    expect(walkAndCheck().checks[0]!.niceness).toBe(CHECK_NICENESS);
    expect(work).toMatchObject({ kind: 'history', niceness: READER_NICENESS });
    // Both below the scan workers (this process, niceness 0); the check above the readers.
    expect(CHECK_NICENESS).toBeGreaterThan(0);
    expect(READER_NICENESS).toBeGreaterThan(CHECK_NICENESS);
    await plan.finish?.(undefined).catch(() => {}); // the store is partial: that is not this test's
    // --branch: no check runs (the walk says what is missing).
    const branch = historySource({ cwd: r.dir, env: ENV, ...split, refs: ['main'] });
    const branchWork = await branch.parallel!().work(2);
    expect(branchWork).toMatchObject({ kind: 'history' });
    expect(branchWork).not.toHaveProperty('niceness');
  });

  it('starts the check before a reading that blocks this thread, from this process (the helper would wait for it)', async () => {
    const { r } = repoWithLateLoss();
    for (const read of ['items', 'each'] as const) {
      started.length = 0;
      const source = historySource({
        cwd: r.dir,
        env: ENV,
        unlistedPackBytes: read === 'each' ? 1 << 30 : 0,
      });
      const atFirst: Array<Array<{ viaHelper: boolean; niceness?: number }>> = [];
      const first = (): void => {
        if (atFirst.length === 0)
          atFirst.push(walkAndCheck().checks.map(({ viaHelper, niceness }) => ({ viaHelper, niceness })));
      };
      if (read === 'each') await source.each!(first);
      else for await (const _ of source.items()) first();
      // At normal priority beside a reading in this thread (one at niceness 10 waited for its end).
      expect(atFirst, read).toEqual([[{ viaHelper: false, niceness: IN_THREAD_CHECK_NICENESS }]]);
    }
  });

  it('a finding in a blob no ref reaches takes the walk to its end, which then answers for the check', async () => {
    const r = scratch.repo();
    const kept = fakeKey('openai-project', 822);
    const dropped = fakeKey('openai-project', 823);
    r.commit('one', { 'a.env': `A=${kept}\n` });
    r.commit('two', { 'b.txt': 'b\n' });
    // A blob written to the store and never committed: no ref reaches it.
    r.write({ 'x.env': `X=${dropped}\n` });
    const orphan = r.git('hash-object', '-w', 'x.env');
    const source = historySource({ cwd: r.dir, env: ENV, ...paced });
    const items = await collect(source);
    const findings = await source.resolve!(findSecrets(items, [kept, dropped]));
    expect(findings.find((f) => f.secret === dropped)).toMatchObject({ path: orphan, reachable: false });
    expect(findings.find((f) => f.secret === kept)).toMatchObject({ path: 'a.env', reachable: true });
    expect(source.stats().incomplete).toBe(false);
    const { walks } = walkAndCheck();
    expect(walks).toHaveLength(1);
    expect(walks[0]!.stopped).toBe(false);
  });
});
