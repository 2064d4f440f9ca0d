import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TempRepo } from '@keyward/test-utils';
import { walkReachable } from '../src/history/reachable.js';
import { WalkUntil } from '../src/history/walk-until.js';
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

  it('an output kept raw is never paced: it runs to its end', async () => {
    const { until } = paced();
    until.stopOnceMet([added[0]!]);
    const walked = await walkReachable(context(), refs, { until, rawUpTo: 1 << 20 });
    expect(walked.partial).toBeFalsy();
    expect(await metCommits(walked)).toBe(COMMITS);
  });
});
