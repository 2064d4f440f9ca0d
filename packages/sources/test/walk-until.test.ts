import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TempRepo } from '@keyward/test-utils';
import { walkReachable } from '../src/history/reachable.js';
import { WalkUntil } from '../src/history/walk-until.js';
import { RawPace } from '../src/history/raw-pace.js';
import type { Walked } from '../src/history/walked.js';
import { ENV } from './helpers.js';

const COMMITS = 40;
let repo: TempRepo;
/** Oldest first. */
let commits: string[];
/** The blob each commit added (`n.txt` in commit n). */
let added: string[];

beforeAll(() => {
  repo = createRepo();
  for (let n = 0; n < COMMITS; n++) repo.commit(`c${n}`, { [`f${n}.txt`]: `commit ${n}\n` });
  commits = repo.git('rev-list', '--reverse', 'HEAD').split('\n');
  added = commits.map((_, n) => repo.git('rev-parse', `${commits[n]}:f${n}.txt`));
});
afterAll(() => repo.cleanup());

const context = () => ({ cwd: repo.dir, env: ENV });
const refs = { revs: ['--all'] };
/** A pace that knows the history's size (`late` counted), or none (0 commits: no shortcut). */
function paced(known: number = 0) {
  const lates: number[] = [];
  const until = new WalkUntil({ commits: () => known, late: () => lates.push(1) });
  return { until, lates };
}
/** Which of the commits the walk met (a commit it met has a place, `{}`). */
async function metCommits(walked: Walked): Promise<number> {
  return (await walked.locate(commits)).size;
}
/** Settles true, or false if still pending after `ms`. */
async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true), sleep(ms).then(() => false)]);
}

describe('a walk paced by the blobs it must place (WalkUntil)', () => {
  it('stops once it has met every blob asked about, with their places as a whole walk gives them', async () => {
    const whole = await walkReachable(context(), refs);
    const { until } = paced();
    until.stopOnceMet([added[3]!, added[5]!]);
    const walked = await walkReachable(context(), refs, { until });
    expect(walked.partial).toBe(true);
    expect(whole.partial).toBeFalsy();
    const asked = [added[3]!, added[5]!];
    expect(await walked.locate(asked)).toEqual(await whole.locate(asked));
    expect(await walked.locate([added[5]!])).toEqual(
      new Map([[added[5], { commit: commits[5], path: 'f5.txt' }]]),
    );
    // It went no further than the line after the last of them (the next commit's: its tree had ended).
    expect(await metCommits(walked)).toBeGreaterThanOrEqual(6);
    expect(await metCommits(walked)).toBeLessThanOrEqual(7);
    expect(await metCommits(whole)).toBe(COMMITS);
  });

  it('waits while it has met every blob found so far, goes on for one it has not met, stops at the end of the scan', async () => {
    const { until } = paced();
    until.want(added[2]!);
    const walking = walkReachable(context(), refs, { until });
    // Met: it waits for the scan, which may yet find more.
    expect(await settlesWithin(walking, 400)).toBe(false);
    until.want(added[9]!);
    expect(await settlesWithin(walking, 400)).toBe(false);
    // One met long ago (a look-back finds it), and the scan has ended: it stops.
    until.want(added[1]!);
    until.stopOnceMet([added[1]!, added[2]!, added[9]!]);
    const walked = await walking;
    expect(walked.partial).toBe(true);
    expect(await metCommits(walked)).toBeGreaterThanOrEqual(10);
    expect(await metCommits(walked)).toBeLessThanOrEqual(11);
    expect((await walked.locate([added[9]!])).get(added[9]!)).toEqual({ commit: commits[9], path: 'f9.txt' });
  });

  it('a blob it never meets (no ref reaches it) takes it to its end: a whole walk', async () => {
    const { until } = paced();
    until.stopOnceMet([added[0]!, 'f'.repeat(40)]);
    const walked = await walkReachable(context(), refs, { until });
    expect(walked.partial).toBe(false);
    expect(await metCommits(walked)).toBe(COMMITS);
  });

  it('past half the commits it goes to its end and says so (the rest costs less than the check left to do)', async () => {
    const { until, lates } = paced(COMMITS);
    until.want(added[30]!);
    const walked = await walkReachable(context(), refs, { until });
    expect(walked.partial).toBe(false);
    expect(lates).toHaveLength(1);
    expect(await metCommits(walked)).toBe(COMMITS);
  });
});

describe('a walk kept raw, paced by searching its output (RawPace)', () => {
  // Output of several 64 KB chunks: 60 commits of 40 files with long names.
  const WIDE = 60;
  let wide: TempRepo;
  let wideCommits: string[];
  /** A blob each commit added (`d<n>/…-0.txt`). */
  let wideAdded: string[];
  const name = (n: number, k: number) => `d${n}/a-file-name-long-enough-to-fill-the-pipe-${k}.txt`;
  beforeAll(() => {
    wide = createRepo();
    for (let n = 0; n < WIDE; n++) {
      const files: Record<string, string> = {};
      for (let k = 0; k < 40; k++) files[name(n, k)] = `commit ${n} file ${k}\n`;
      wide.commit(`c${n}`, files);
    }
    wideCommits = wide.git('rev-list', '--reverse', 'HEAD').split('\n');
    wideAdded = wideCommits.map((c, n) => wide.git('rev-parse', `${c}:${name(n, 0)}`));
  });
  afterAll(() => wide.cleanup());
  const wideContext = () => ({ cwd: wide.dir, env: ENV });
  const RAW = { rawUpTo: 16 << 20 };
  const wideMet = async (walked: Walked) => (await walked.locate(wideCommits)).size;

  it('stops after the chunk that holds the last blob asked about, with the places a parsed walk gives', async () => {
    const whole = await walkReachable(wideContext(), refs);
    const { until } = paced();
    const asked = [wideAdded[2]!, wideAdded[4]!];
    until.stopOnceMet(asked);
    const walked = await walkReachable(wideContext(), refs, { until, ...RAW });
    expect(walked.partial).toBe(true);
    expect(await walked.locate(asked)).toEqual(await whole.locate(asked));
    expect((await walked.locate([wideAdded[4]!])).get(wideAdded[4]!)).toEqual({
      commit: wideCommits[4],
      path: name(4, 0),
    });
    expect(await wideMet(walked)).toBeGreaterThanOrEqual(5);
    expect(await wideMet(walked)).toBeLessThan(WIDE);
    // Unpaced, the same raw walk runs to its end.
    expect(await wideMet(await walkReachable(wideContext(), refs, RAW))).toBe(WIDE);
  });

  it('waits while it has met every blob found so far, and a look-back finds one it met long ago', async () => {
    const { until } = paced();
    until.want(wideAdded[1]!);
    const walking = walkReachable(wideContext(), refs, { until, ...RAW });
    expect(await settlesWithin(walking, 400)).toBe(false);
    until.want(wideAdded[0]!);
    until.stopOnceMet([wideAdded[0]!, wideAdded[1]!]);
    const walked = await walking;
    expect(walked.partial).toBe(true);
    expect(await wideMet(walked)).toBeLessThan(WIDE);
    expect((await walked.locate([wideAdded[0]!])).get(wideAdded[0]!)).toEqual({
      commit: wideCommits[0],
      path: name(0, 0),
    });
  });

  it('many blobs asked about (one pass over the ids, not a search each): the same stop and places', async () => {
    const whole = await walkReachable(wideContext(), refs);
    const { until } = paced();
    const asked = wideAdded.slice(0, 20);
    until.stopOnceMet(asked);
    const walked = await walkReachable(wideContext(), refs, { until, ...RAW });
    expect(walked.partial).toBe(true);
    expect(await wideMet(walked)).toBeGreaterThanOrEqual(20);
    expect(await wideMet(walked)).toBeLessThan(WIDE);
    expect(await walked.locate(asked)).toEqual(await whole.locate(asked));
  });

  it('past half the commits, or for a blob it never meets, it goes to its end', async () => {
    const late = paced(WIDE);
    late.until.want(wideAdded[45]!);
    const lateWalk = await walkReachable(wideContext(), refs, { until: late.until, ...RAW });
    expect(lateWalk.partial).toBe(false);
    expect(late.lates).toHaveLength(1);
    expect(await wideMet(lateWalk)).toBe(WIDE);

    const { until } = paced();
    until.stopOnceMet([wideAdded[0]!, 'f'.repeat(40)]);
    const walked = await walkReachable(wideContext(), refs, { until, ...RAW });
    expect(walked.partial).toBe(false);
    expect(await wideMet(walked)).toBe(WIDE);
  });

  it('takes a blob as met once its whole line is in, in the order a parsed walk meets lines', async () => {
    const oid = 'a'.repeat(40);
    const { until } = paced();
    until.stopOnceMet([oid]);
    const kept: Buffer[] = [];
    const pace = new RawPace(until, kept);
    const feed = (text: string) => {
      const chunk = Buffer.from(text);
      kept.push(chunk);
      return pace.take(chunk);
    };
    expect(await feed(`commit ${'1'.repeat(40)}\n${'1'.repeat(40)}\n${oid} dir/na`)).toBe(true);
    expect(await feed('me.txt')).toBe(true);
    // The line ends here: the walk has met everything and the scan has ended, so it stops.
    expect(await feed('\n')).toBe(false);
    expect(RawPace.answered(kept).toString()).toMatch(new RegExp(`${oid} dir/name\\.txt\\n$`));
    // One chunk with the whole output: the blob, in the first of four commits, stops the walk there, as a
    // parsed walk would, before the commits after it pass half the history.
    const whole = paced(4);
    whole.until.stopOnceMet([oid]);
    const c = (n: number) => String(n).repeat(40);
    const one = [
      Buffer.from(
        `commit ${c(1)}\n${c(1)}\n${oid} k.env\n` +
          [2, 3, 4].map((n) => `commit ${c(n)}\n${c(n)}\n`).join(''),
      ),
    ];
    expect(await new RawPace(whole.until, one).take(one[0]!)).toBe(false);
    expect(whole.lates).toHaveLength(0);
    // A path-less line (a ref's target alone) and a `commit` inside a path do not count.
    const other = paced(3);
    other.until.stopOnceMet([oid]);
    const keptToo: Buffer[] = [
      Buffer.from(`commit ${'2'.repeat(40)}\n${oid}\n${'3'.repeat(40)} x commit y\n`),
    ];
    const second = new RawPace(other.until, keptToo);
    expect(await second.take(keptToo[0]!)).toBe(true);
    expect(other.lates).toHaveLength(0); // one commit of three: not past half
  });
});
